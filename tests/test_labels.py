"""One label table for every renderer, complete in each language."""

from __future__ import annotations

from ccecon.labels import LABELS, LOCALES, label


def test_every_label_exists_in_every_locale() -> None:
    keys = set(LABELS["en"])
    for loc in LOCALES:
        assert set(LABELS[loc]) == keys, loc
        assert all(v.strip() for v in LABELS[loc].values()), loc


def test_baseline_keys_read_as_is() -> None:
    assert label("baseline_cost_per_contact") == "Cost per contact (as is)"
    assert label("baseline_cost_per_contact", "zh") == "每次联络成本 (现状)"
    assert label("npv", "xx") == "NPV"  # an unknown locale falls back to English
    assert label("some_new_key") == "some new key"
