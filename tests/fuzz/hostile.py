"""A seeded generator of hostile scenario texts (issue 22): the bundled examples mutated at
random leaves (numbers beyond float range or Python's int limit, NaN, dates near year 9999,
console markup, lone surrogates, long texts and lists, nesting, wrong types, missing
keys), text-level damage (truncation, inserted characters), and amplification (alias
bombs, deep nesting). The same seed gives the same texts on every machine."""

from __future__ import annotations

import copy
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BASES = [
    "usd-onprem-to-cloud.yaml",
    "eur-omnichannel-chat.yaml",
    "cny-inhouse-build.yaml",
    "uncertain-chatbot.yaml",
    "uncertain-onprem-to-cloud.yaml",
    "sourcing-usd-shores.yaml",
    "sourcing-cny-seed004.yaml",
]

HOSTILE_VALUES: list[Any] = [
    10**400,
    -(10**20),
    0,
    -1,
    1,
    2**63,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    "",
    "[/bold]",
    "[red]x[/]",
    "\ud800",
    "x" * 100_000,
    "9999-12",
    "0001-01",
    "2200-12",
    None,
    True,
    [],
    {},
    [1] * 30_000,
    {"dist": "uniform", "min": 0, "max": 1e308},
    {"dist": "triangular", "min": -1, "mode": 0, "max": 1},
    {"dist": "pert", "min": 1, "mode": 0, "max": -1},
    "1e400",
    "35%",
    1.0,
    0.999999,
    1e30,
]


def _leaves(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _leaves(v, (*path, i))


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _hostile_number(x: float, rng: random.Random) -> Any:
    how = rng.randrange(6)
    if how == 0:
        return float(x) * float(f"1e{rng.randint(1, 308)}")  # toward float range and past
    if how == 1:
        return 10 ** rng.choice([16, 20, 400, 4000])
    if how == 2:
        return -x if x else -1
    if how == 3:
        return rng.choice([float("nan"), float("inf"), 0, 1e-300])
    if how == 4:
        return x * rng.choice([1e6, 1e12, 1e100])
    return rng.choice([1.0, 0.0, 1.5, 100, 2**31])


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    parent[path[-1]] = value
    return doc


def _delete(doc: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return doc
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    del parent[path[-1]]
    return doc


def _dump(doc: Any, rng: random.Random) -> tuple[str, str]:
    """(text, suffix): JSON (lone surrogates escaped) or YAML (when it can be written)."""
    if rng.random() < 0.3:
        return json.dumps(doc, allow_nan=True), ".json"
    try:
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), ".yaml"
    except (yaml.YAMLError, UnicodeEncodeError):
        return json.dumps(doc, allow_nan=True), ".json"


def _bomb(levels: int, width: int) -> str:
    names = [f"l{i}" for i in range(levels)]
    out = f"{names[0]}: &{names[0]} [{', '.join(['lol'] * width)}]\n"
    for prev, name in itertools.pairwise(names):
        out += f"{name}: &{name} [{', '.join([f'*{prev}'] * width)}]\n"
    return out


def hostile_scenarios(n: int, seed: int = 22) -> Iterator[tuple[str, str, str]]:
    """``n`` hostile scenario texts: (case id, text, suffix)."""
    rng = random.Random(seed)
    texts = {b: (EXAMPLES / b).read_text(encoding="utf-8") for b in BASES}
    docs = {b: yaml.safe_load(t) for b, t in texts.items()}
    for i in range(n):
        base = rng.choice(BASES)
        roll = rng.random()
        if roll < 0.04:
            yield f"{i}-bomb", _bomb(rng.randint(4, 10), rng.randint(5, 12)), ".yaml"
            continue
        if roll < 0.07:
            depth = rng.choice([41, 100, 999, 5000])
            opener, closer = rng.choice([("[", "]"), ("{a: ", "}")])
            yield f"{i}-deep", "name: x\nz: " + opener * depth + closer * depth + "\n", ".yaml"
            continue
        if roll < 0.17:  # text-level damage of a valid file
            text = texts[base]
            at = rng.randrange(len(text))
            damage = rng.choice(["cut", "insert", "replace"])
            junk = rng.choice(["\x00", "\t", ": ", "- ", "&a", "*a", "!!python/object", "{", "]"])
            if damage == "cut":
                text = text[:at]
            elif damage == "insert":
                text = text[:at] + junk + text[at:]
            else:
                text = text[:at] + junk + text[at + len(junk) :]
            yield f"{i}-{damage}", text, ".yaml"
            continue
        doc = copy.deepcopy(docs[base])
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            paths = list(_leaves(doc))[1:]
            numeric = [p for p in paths if _is_number(_get(doc, p))]
            pick = rng.random()
            if pick < 0.5 and numeric:  # the numbers: scaled past float range, huge ints
                path = rng.choice(numeric)
                doc = _set(doc, path, _hostile_number(_get(doc, path), rng))
            elif pick < 0.6:  # the plan's start and its name
                key = rng.choice(["start", "name", "horizon_months"])
                value = {
                    "start": rng.choice(["9999-12", "1969-12", "2199-01", "0001-01"]),
                    "name": rng.choice(["[/bold]", "[red]x[/]", "x" * 100_000, "\ud800", ""]),
                    "horizon_months": rng.choice([600, 601, 10**400, 0]),
                }[key]
                doc = _set(doc, (key,), value)
            elif pick < 0.7:
                doc = _delete(doc, rng.choice(paths))
            else:
                doc = _set(doc, rng.choice(paths), copy.deepcopy(rng.choice(HOSTILE_VALUES)))
        text, suffix = _dump(doc, rng)
        yield f"{i}-{base.split('.')[0]}", text, suffix


API_ENDPOINTS = [
    "/api/validate",
    "/api/evaluate",
    "/api/scenarios",
    "/api/simulate",
    "/api/compare",
    "/api/report",
]


def hostile_api_bodies(n: int, seed: int = 2022) -> Iterator[tuple[str, str, bytes]]:
    """``n`` hostile API requests: (case id, endpoint, JSON body bytes). Mostly the hostile
    scenario texts, some bodies that are themselves wrong (types, a lone surrogate, JSON
    damage)."""
    rng = random.Random(seed)
    scenarios = hostile_scenarios(n, seed)
    for i in range(n):
        url = rng.choice(API_ENDPOINTS)
        roll = rng.random()
        if roll < 0.15:
            body = rng.choice(
                [
                    b'{"text": "\\ud800"}',
                    b'{"text": ["\\udfff"]}',
                    b'{"text": 5}',
                    b'{"text": null}',
                    b'{"text": "name: x", "draws": 100000000000000000000}',
                    b'{"text": "name: x", "seed": -1}',
                    b"{",
                    b"[]",
                    b'{"text": "' + b"[" * 5000 + b'"}',
                ]
            )
            yield f"{i}-body", url, body
            continue
        case, text, _ = next(scenarios)
        extra: dict[str, Any] = (
            {"draws": rng.choice([1, 10, 50])} if url.endswith("simulate") else {}
        )
        if url.endswith("report"):
            extra["format"] = "html"
        yield f"{i}-{case}", url, json.dumps({"text": text, **extra}).encode()
