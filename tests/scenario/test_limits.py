"""Hostile scenario files (issue 22): each class the outside tester found gives exit 2 with
the file and, where there is one, the field, quickly; none a traceback, a hang or a
non-finite result. Each case here failed before the limits (the failure is named)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ccecon import io as reader
from ccecon.cli.app import app
from ccecon.errors import InputError
from ccecon.uncertainty.sampling import Correlation, correlation_matrix

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
USD = (EXAMPLES / "usd-onprem-to-cloud.yaml").read_text(encoding="utf-8")
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)  # 9^9 = 387,420,489 values expanded, 342 bytes

# (id, file text, file suffix, field the message names or None, fragment of the message)
CASES = [
    # OverflowError at math.isfinite in check_scenario
    (
        "int_400_digits",
        USD.replace("start_month: 4", "start_month: 1" + "0" * 400, 1),
        ".yaml",
        "proposal.levers[0].start_month",
        "401 digits",
    ),
    # ValueError: Python's limit of 4,300 digits for int()
    (
        "int_5000_digits",
        USD.replace("horizon_months: 36", "horizon_months: " + "9" * 5000),
        ".yaml",
        None,
        "4,300 digits",
    ),
    # calendar.IllegalMonthError in engine._staffing_drivers (validate accepted it)
    ("start_9999", USD.replace("start: 2027-04", "start: 9999-12"), ".yaml", "start", "2200-12"),
    ("start_1900", USD.replace("start: 2027-04", "start: 1900-01"), ".yaml", "start", "1970-01"),
    # RecursionError
    ("depth_999", "a: " + "[" * 999 + "]" * 999, ".yaml", None, "nested more than 40"),
    ("depth_999_alias", "x: &x 1\na: " + "[" * 999 + "*x" + "]" * 999, ".yaml", None, "nested"),
    ("depth_999_json", '{"a": ' + "[" * 999 + "]" * 999 + "}", ".json", None, "nested"),
    # 150 s and 3.5 GB: an error message called repr() of the expanded document
    ("alias_bomb", BOMB, ".yaml", None, "aliases expanded"),
    # UnicodeEncodeError when printing
    (
        "lone_surrogate",
        json.dumps({"name": "\ud800", "currency": "USD", "start": "2027-01", "proposal": {}}),
        ".json",
        "name",
        "lone surrogate",
    ),
    # a 100 KB name made the evaluate table take 51-69 s
    (
        "name_100kb",
        USD.replace("name: Inbound", "name: " + "n" * 100_000, 1),
        ".yaml",
        "name",
        "200",
    ),
    # accepted silently (YAML refuses duplicate keys)
    ("json_duplicate_key", '{"name": "a", "name": "b"}', ".json", "name", "duplicate key"),
    # validate passed, evaluate gave inf/NaN or a message naming `values[0, 0]`
    (
        "overflowing_amount",
        USD.replace(
            "amount: 9000, timing: monthly", "amount: 1.0e+300, quantity: 1.0e+300, timing: monthly"
        ),
        ".yaml",
        "baseline.cost_lines[3].amount",
        "beyond 1e+15",  # refused at load since plausible magnitudes are capped
    ),
    (
        "intraday_nan",
        USD.replace("intraday_profile: [0.4,", "intraday_profile: [.nan,"),
        ".yaml",
        "staffing.intraday_profile[0]",
        "finite",
    ),
    ("big_file", "# " + "x" * 1_000_001 + "\n", ".yaml", None, "1,000,000"),
]


@pytest.mark.parametrize(
    ("case", "text", "suffix", "field", "fragment"), CASES, ids=[c[0] for c in CASES]
)
@pytest.mark.parametrize("command", ["validate", "evaluate"])
def test_hostile_file_exit_2_with_file_and_field(
    tmp_path: Path,
    command: str,
    case: str,
    text: str,
    suffix: str,
    field: str | None,
    fragment: str,
) -> None:
    path = tmp_path / f"{case}{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    t0 = time.perf_counter()
    result = CliRunner().invoke(app, [command, str(path)])
    elapsed = time.perf_counter() - t0
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert str(path) in result.output and fragment in result.output
    if field is not None:
        assert f"field {field}:" in result.output
    assert elapsed < 5, elapsed
    assert len(result.output) < 2000


def test_markup_in_a_name_is_shown_as_text(tmp_path: Path) -> None:
    """A name holding `[/bold]` raised rich.errors.MarkupError; it is shown as written."""
    path = tmp_path / "markup.yaml"
    path.write_text(
        USD.replace("name: Inbound center, on-premises to cloud", "name: '[/bold] x [red]'")
    )
    result = CliRunner().invoke(app, ["evaluate", str(path)])
    assert result.exit_code == 0, result.output
    assert "[/bold] x [red]" in result.output


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "dir"])
def test_only_regular_files_are_read(tmp_path: Path, target: str) -> None:
    """A FIFO hung, /dev/zero exhausted memory: refused from stat before reading."""
    if target == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
    elif target == "dir":
        path = tmp_path
    else:
        path = Path(target)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output
    assert "regular file" in result.output or "directory" in result.output


def test_one_correlation_among_10000_inputs_builds_a_2x2_matrix() -> None:
    """One correlation among 10,000 uncertain inputs built and eigen-decomposed a
    10,000 x 10,000 matrix (56 s, 1.7 GB): only the two correlated inputs enter it."""
    paths = [f"drivers.d{i}" for i in range(10_000)]
    t0 = time.perf_counter()
    joined, matrix = correlation_matrix(
        paths, [Correlation(a=paths[3], b=paths[9_999], rho=0.5)]
    ) or (
        None,
        None,
    )
    assert time.perf_counter() - t0 < 1
    assert joined is not None and matrix is not None
    assert joined.tolist() == [3, 9_999]
    # Pearson of a bivariate normal with Spearman 0.5: 2 sin(pi 0.5 / 6) (Pearson 1907)
    assert matrix[0, 1] == pytest.approx(2 * np.sin(np.pi * 0.5 / 6))
    too_many = [Correlation(a=paths[2 * i], b=paths[2 * i + 1], rho=0.1) for i in range(101)]
    with pytest.raises(InputError, match="at most 200"):
        correlation_matrix(paths, too_many)


def test_the_limits_leave_the_bundled_examples_far_inside() -> None:
    """Every bundled example is read within the limits (they are limits on hostile input,
    not on real scenarios)."""
    for path in sorted(EXAMPLES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert len(text) < reader.MAX_BYTES / 50
        reader.check_document(reader.read_document(text, str(path)), str(path))
