"""Read a scenario file holding a ``sourcing`` section (the scenario loader does the work;
errors name ``sourcing.<path>``). The comparison of one file is of its base case; Monte
Carlo runs evaluate the scenario on draws (:func:`ccecon.engine.evaluate`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccecon.errors import InputError
from ccecon.scenario.sourcing import SourcingSpec


def _read_text(path: Path) -> str:
    if path.is_dir():
        raise InputError("is a directory; expected a scenario file", file=str(path))
    if not path.exists():
        raise InputError("file not found", file=str(path))
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None


def parse_sourcing(text: str, source: str = "<scenario>") -> tuple[Any, SourcingSpec]:
    """(scenario, sourcing spec) from YAML/JSON text; :class:`InputError` when invalid."""
    from ccecon.io import read_document

    doc = read_document(text, source)
    if not isinstance(doc, dict):
        raise InputError("expected a mapping of scenario fields at the top level", file=source)
    if "sourcing" not in doc or doc["sourcing"] is None:
        raise InputError(
            "no `sourcing` section: nothing to compare (give in-house, outsourced, hosted"
            " and/or hybrid)",
            file=source,
            field="sourcing",
        )
    from ccecon.scenario.load import parse_scenario

    scenario = parse_scenario(text, source)
    spec = scenario.sourcing
    assert spec is not None
    return scenario, spec


def load_sourcing(path: str | Path) -> tuple[Any, SourcingSpec]:
    """Read ``path`` (YAML or JSON, UTF-8): (scenario, sourcing spec)."""
    p = Path(path)
    return parse_sourcing(_read_text(p), source=str(p))


def point_values(model: Any) -> Any:
    """A copy of a model tree with every distribution replaced by its base-case value."""
    from ccecon.uncertainty.sampling import realize

    return realize(model, {})
