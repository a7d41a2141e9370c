"""Documents that every front end shares: JSON-safe values and the bundled examples.

The CLI, the web app and the reports all print the same result documents; what turns a
result into JSON (numpy values, dates, non-finite floats) and where the bundled examples
live are here, below all of them, so none of them imports another's private helpers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any


def jsonable(value: Any) -> Any:
    """Convert numpy scalars/arrays, dates and non-finite floats to JSON-safe values."""
    # The plain types first, by exact type (a document is mostly these; isinstance against
    # the Mapping ABC costs about ten times more).
    t = type(value)
    if t is float:
        if math.isfinite(value):
            return value
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if t is str or t is int or t is bool or value is None:
        return value
    if t is dict:
        out = {}
        for k, v in value.items():  # plain values inline: most of a document is leaves
            tv = type(v)
            if (tv is float and math.isfinite(v)) or tv is str or tv is int or v is None:
                out[k if type(k) is str else str(k)] = v
            else:
                out[k if type(k) is str else str(k)] = jsonable(v)
        return out
    if t is list:
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def dumps_json(data: Any) -> str:
    """Deterministic JSON text (sorted keys, two-space indent, UTF-8 characters kept)."""
    return json.dumps(jsonable(data), indent=2, sort_keys=True, ensure_ascii=False)


def bundled_example(name: str) -> Path:
    """Path of a bundled example file (``examples/NAME``).

    Looked up in the installed package first (``ccecon/examples``), then in the source
    checkout's ``examples/`` folder (editable installs).
    """
    here = Path(__file__).resolve()
    for candidate in (here.parent / "examples" / name, here.parents[2] / "examples" / name):
        if candidate.is_file():
            return candidate
    from ccecon.errors import InputError

    raise InputError("the bundled example is missing from this installation", file=name)


def demo_scenario_path() -> Path:
    """Path of the bundled demo scenario (examples/cny-inhouse-build.yaml)."""
    return bundled_example("cny-inhouse-build.yaml")
