"""Two versions of a scenario as a person reads them: the changed hunks of the text, the
inputs that changed (with labels, old -> new) and what that did to NPV and ROI.

Texts are compared line by line with line endings ignored (a version saved with CRLF by an
older release and one saved with LF differ only where their content does).
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass
from typing import Any

from ccecon.web.yamledit import normalize

CONTEXT = 3
"""Unchanged lines shown around each change (as ``diff -u``)."""


@dataclass(frozen=True)
class Line:
    """One line of a hunk: ``kind`` is ``"ctx"``, ``"del"`` or ``"add"``; line numbers in
    the old and the new text (None on the side the line is not in)."""

    kind: str
    old: int | None
    new: int | None
    text: str


@dataclass(frozen=True)
class Hunk:
    """A run of changed lines with their context, and its ``@@`` header."""

    header: str
    lines: tuple[Line, ...]


def hunks(a: str, b: str, context: int = CONTEXT) -> list[Hunk]:
    """Only the changed parts of ``b`` against ``a`` (none when the texts are equal)."""
    old, new = normalize(a).splitlines(), normalize(b).splitlines()
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        lines: list[Line] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line("ctx", i + 1, j1 + i - i1 + 1, old[i]) for i in range(i1, i2)]
                continue
            lines += [Line("del", i + 1, None, old[i]) for i in range(i1, i2)]
            lines += [Line("add", None, j + 1, new[j]) for j in range(j1, j2)]
        first, last = group[0], group[-1]
        header = f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@"
        out.append(Hunk(header, tuple(lines)))
    return out


def unified(a: str, b: str, a_name: str, b_name: str) -> str:
    """A unified diff (``diff -u``) of the two texts, line endings ignored."""
    return "".join(
        line + "\n"
        for line in difflib.unified_diff(
            normalize(a).splitlines(),
            normalize(b).splitlines(),
            fromfile=a_name,
            tofile=b_name,
            lineterm="",
        )
    )


# ------------------------------------------------------------------ what changed
def _leaves(obj: Any, path: str = "") -> dict[str, Any]:
    """Every value of a loaded document by its path (``channels[0].aht_s``); a range
    (a mapping with ``dist``) is one value, not its parts."""
    if isinstance(obj, dict) and not ("dist" in obj and path):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            out.update(_leaves(v, f"{path}.{k}" if path else str(k)))
        return out
    if isinstance(obj, list) and obj and all(isinstance(v, dict) for v in obj):
        out = {}
        for i, v in enumerate(obj):
            out.update(_leaves(v, f"{path}[{i}]"))
        return out
    return {path: obj}


def show(value: Any) -> str:
    """A value as a person reads it: thousands separators, no ``1e+05``, a range as its
    distribution and numbers, a missing value as a dash."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "not a number" if math.isnan(value) else ("∞" if value > 0 else "-∞")
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        text = f"{value:,.6f}".rstrip("0").rstrip(".")
        return text if text not in ("0", "-0") else f"{value:.3g}"
    if isinstance(value, dict):
        dist = value.get("dist")
        rest = ", ".join(f"{k} {show(v)}" for k, v in value.items() if k != "dist")
        return f"{dist} ({rest})" if dist else "{" + rest + "}"
    if isinstance(value, list):
        return ", ".join(show(v) for v in value)
    return str(value)


def _load(text: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(normalize(text))
    except yaml.YAMLError:
        return None


def _label(models: tuple[Any, ...], path: str) -> str:
    from ccecon.uncertainty.sensitivity import describe_path

    for model in models:
        if model is None:
            continue
        try:
            return describe_path(model, path)
        except (IndexError, KeyError, TypeError, AttributeError):
            continue
    return path


def _model(text: str) -> Any:
    from ccecon.errors import CCEconError
    from ccecon.web import service

    try:
        return service.parse(text)
    except CCEconError:
        return None


def changes(a: str, b: str) -> list[dict[str, str]]:
    """The inputs that differ between two versions: path, label, old and new value as
    shown (``-`` where a side does not have it), in the order of the newer text."""
    da, db = _load(a), _load(b)
    if not isinstance(da, dict) or not isinstance(db, dict):
        return []
    la, lb = _leaves(da), _leaves(db)
    models = (_model(b), _model(a))
    out = []
    for path in [*lb, *(p for p in la if p not in lb)]:
        old, new = la.get(path), lb.get(path)
        if json.dumps(old, default=str) == json.dumps(new, default=str):
            continue
        label = _label(models, path)
        out.append({"path": path, "label": label, "old": show(old), "new": show(new)})
    return out


EFFECT_METRICS = ("npv", "roi_pct")
"""Metrics whose change between two versions is shown."""


def effect(a: str, b: str) -> dict[str, Any] | None:
    """NPV and ROI of both versions and the difference; None when either cannot be
    evaluated or the currencies differ."""
    from ccecon.errors import CCEconError
    from ccecon.web import service

    try:
        docs = [json.loads(service.evaluate_bytes(normalize(t))) for t in (a, b)]
    except CCEconError:
        return None
    if docs[0].get("currency") != docs[1].get("currency"):
        return None
    rows = []
    for key in EFFECT_METRICS:
        old, new = (d.get("metrics", {}).get(key) for d in docs)
        ok = all(isinstance(v, int | float) and math.isfinite(v) for v in (old, new))
        rows.append(
            {
                "metric": key,
                "old": old if ok else None,
                "new": new if ok else None,
                "delta": (new - old) if ok else None,
            }
        )
    return {"currency": docs[1].get("currency"), "metrics": rows}
