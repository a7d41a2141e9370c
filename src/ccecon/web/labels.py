"""Field paths as people read them: ``channels[1].aht_s`` -> ``chats: AHT (s)``.

The labels are :func:`ccecon.uncertainty.sensitivity.describe_path`'s (the names tables,
reports and charts use), read from the document as typed, so an invalid scenario's fields
are labelled too.
"""

from __future__ import annotations

from typing import Any


class _Named(dict[str, Any]):
    """A mapping whose keys can also be read as attributes (``item.name``), as the label
    helper reads a validated model."""

    def __getattr__(self, key: str) -> Any:
        return self.get(key)


def _wrap(obj: Any) -> Any:
    if isinstance(obj, dict):
        return _Named({str(k): _wrap(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return [_wrap(v) for v in obj]
    return obj


TOP_LEVEL = "(top level)"

TOP_FIELDS = {
    "name": "Name",
    "currency": "Currency",
    "start": "First month",
    "horizon_months": "Horizon (months)",
    "discount_rate": "Annual discount rate",
}
"""Labels of top-level fields as the editor's form names them."""


def label(doc: Any, path: str | None) -> str:
    """The label of ``path`` in the loaded document ``doc`` ("Scenario" for the whole)."""
    from ccecon.uncertainty.sensitivity import describe_path

    if not path or path == TOP_LEVEL:
        return "Scenario"
    if path in TOP_FIELDS:
        return TOP_FIELDS[path]
    try:
        return describe_path(_wrap(doc), path)
    except (IndexError, KeyError, TypeError, AttributeError, ValueError):
        return path


def load(text: str) -> Any:
    """The text as plain data (None when it is not YAML)."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None
