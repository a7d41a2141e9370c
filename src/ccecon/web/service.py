"""What the API and the pages compute: the same library calls as the CLI, no second engine.

Every function takes scenario text (YAML or JSON, as a user would save it) and returns
JSON-able data; user mistakes raise :class:`ccecon.errors.CCEconError` subclasses, which
the app turns into HTTP 422 with the field path and the value.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ccecon.documents import jsonable as _jsonable
from ccecon.errors import CCEconError, InputError

LOG = logging.getLogger("ccecon.web")

SOURCE = "scenario"
"""How messages name the scenario text of a request (there is no file)."""

MAX_DRAWS = 100_000
"""Largest Monte Carlo run one request may ask for (a request must stay interactive)."""


class _LRU:
    """A small thread-safe LRU cache of encoded JSON responses keyed by text hash."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._d: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            v = self._d.get(key)
            if v is not None:
                self._d.move_to_end(key)
            return v

    def put(self, key: str, value: bytes) -> None:
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()


EVALUATE_CACHE = _LRU()
"""Evaluate responses by SHA-256 of (kind, text): the engine is deterministic, so the same
text always gives the same bytes."""


def fingerprint(*parts: str) -> str:
    """SHA-256 hex of the parts."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


try:  # the web extra installs it; the standard library's encoder otherwise
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None  # type: ignore[assignment]


def encode(data: Any) -> bytes:
    """Compact JSON bytes (NaN -> null, inf -> "inf", numpy -> lists).

    orjson when installed (about 0.06 ms for the bundled example's evaluate document
    instead of 0.45 ms; the same bytes for it), the standard library otherwise.
    """
    clean = _jsonable(data)
    if _orjson is not None:
        try:
            return _orjson.dumps(clean)
        except (TypeError, _orjson.JSONEncodeError):  # e.g. an integer beyond 64 bits
            pass
    return json.dumps(clean, ensure_ascii=False, separators=(",", ":")).encode()


def check_text(text: str) -> None:
    """:class:`InputError` unless ``text`` is valid Unicode of an accepted size."""
    from ccecon.scenario.load import check_text as check

    check(text, SOURCE)


def request_errors(errors: Any) -> list[dict[str, Any]]:
    """FastAPI's request validation errors with each value as a short excerpt."""
    out = []
    for err in errors:
        item = {
            "type": str(err.get("type", "")),
            "loc": [p if isinstance(p, int) else excerpt(p) for p in err.get("loc", ())],
            "msg": clean_text(str(err.get("msg", ""))),
        }
        if "input" in err:
            item["input"] = _safe_value(err["input"])
        out.append(item)
    return out


def parse(text: str) -> Any:
    """A validated scenario from text; :class:`InputError` naming field and value."""
    from ccecon.scenario.load import parse_scenario

    if not text.strip():
        raise InputError("the scenario text is empty; expected YAML or JSON", file=SOURCE)
    return parse_scenario(text, source=SOURCE)


def parse_checked(text: str) -> Any:
    """:func:`parse`, and every check ``evaluate`` runs (the base case is evaluated, and
    its document kept in the cache): what ``ccecon validate`` checks, and what the store
    requires, so a stored version can always be evaluated."""
    sc = parse(text)
    evaluate_bytes(text)
    return sc


def summary(scenario: Any) -> dict[str, Any]:
    """What ``ccecon validate`` says about a valid scenario."""
    return {
        "name": scenario.name,
        "currency": scenario.currency,
        "horizon_months": scenario.horizon_months,
        "cases": list(scenario.cases()),
        "channels": len(scenario.channels),
        "sourcing": scenario.sourcing is not None,
    }


def cached_evaluation(text: str) -> bytes | None:
    """The evaluate response of this exact text if it is in the cache (no computation, so
    it may run on the event loop); None otherwise."""
    return EVALUATE_CACHE.get(fingerprint("evaluate", text))


def remember_evaluation(text: str, body: bytes) -> None:
    """Keep an evaluate response (computed elsewhere, e.g. in an engine process)."""
    EVALUATE_CACHE.put(fingerprint("evaluate", text), body)


def _evaluate_uncached(text: str) -> bytes:
    from ccecon.engine import evaluate_checked

    return encode(evaluate_checked(parse(text), SOURCE).to_dict())


def evaluate_bytes(text: str) -> bytes:
    """``ccecon evaluate --format json`` of the text, cached by its fingerprint."""
    hit = cached_evaluation(text)
    if hit is not None:
        return hit
    body = _evaluate_uncached(text)
    remember_evaluation(text, body)
    return body


INTERNAL_ERROR = {"detail": "internal error: the server could not evaluate this text"}
"""The body of a 500: nothing of the exception (it is in the server's log)."""


def evaluate_in_worker(text: str) -> tuple[int, bytes]:
    """:func:`evaluate_bytes` for an engine process: (200, the document), (422, the error
    document) or (500, :data:`INTERNAL_ERROR`, the exception logged here once), so no
    exception crosses the process boundary and none ends the process."""
    try:
        return 200, _evaluate_uncached(text)
    except CCEconError as exc:
        return 422, encode(error_doc(exc))
    except Exception:  # a bug: this request fails, the process serves the next one
        LOG.exception("evaluating a scenario text failed (%s)", excerpt(text))
        return 500, encode(INTERNAL_ERROR)


def warm_up() -> None:
    """Import the engine and evaluate the bundled example once (a new engine process's
    first request is then as fast as the others)."""
    from ccecon.documents import demo_scenario_path

    _evaluate_uncached(Path(demo_scenario_path()).read_text(encoding="utf-8"))


def simulate_doc(text: str, draws: int, seed: int) -> dict[str, Any]:
    """``ccecon simulate --format json``: percentiles, probabilities, options; an
    :class:`InputError` saying so when nothing in the scenario is a range."""
    import numpy as np

    from ccecon.uncertainty.montecarlo import check_uncertain, simulate

    if not 1 <= draws <= MAX_DRAWS:
        raise InputError(f"draws must be 1..{MAX_DRAWS}", field="draws", value=draws)
    sc = parse(text)
    check_uncertain(sc)
    sim = simulate(sc, draws, np.random.default_rng(seed))
    return {"seed": seed, **sim.to_dict()}


def simulate_doc_progress(text: str, draws: int, seed: int, progress: Any) -> dict[str, Any]:
    """:func:`simulate_doc` in chunks of about a twentieth of the draws, calling
    ``progress(done)`` after each (the result does not depend on the chunk size)."""
    import numpy as np

    from ccecon.uncertainty.montecarlo import check_uncertain, simulate

    if not 1 <= draws <= MAX_DRAWS:
        raise InputError(f"draws must be 1..{MAX_DRAWS}", field="draws", value=draws)
    sc = parse(text)
    check_uncertain(sc)
    chunk = max(1000, -(-draws // 20))
    sim = simulate(sc, draws, np.random.default_rng(seed), chunk=chunk, progress=progress)
    return {"seed": seed, **sim.to_dict()}


BACKGROUND_DRAWS = 20_000
"""A page's Monte Carlo run of more draws than this runs in the background, and the page
shows the draws done until it ends."""


class SimulationJobs:
    """Monte Carlo runs of the pages that take seconds: each in a thread, its draws done
    readable meanwhile, its result or error kept until its owner reads it once. Ids are
    random (256 bits) and tied to the user who started the run."""

    MAX = 16
    """Most runs kept at once in a server process (the oldest finished are dropped)."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, user_id: int, text: str, draws: int, seed: int) -> str:
        import secrets

        job_id = secrets.token_urlsafe(32)
        job: dict[str, Any] = {
            "user": user_id,
            "done": 0,
            "total": draws,
            "result": None,
            "error": None,
            "finished": False,
        }

        def progress(done: int) -> None:
            job["done"] = done

        def run() -> None:
            try:
                job["result"] = simulate_doc_progress(text, draws, seed, progress)
            except CCEconError as exc:
                job["error"] = exc
            except Exception:  # a bug: logged, the page says so
                LOG.exception("a background simulation failed")
                job["error"] = CCEconError(INTERNAL_ERROR["detail"])
            finally:
                job["finished"] = True

        with self._lock:
            while len(self._jobs) >= self.MAX:
                finished = [k for k, j in self._jobs.items() if j["finished"]]
                if not finished:
                    raise CCEconError("too many simulations are running; try again shortly")
                self._jobs.pop(finished[0])
            self._jobs[job_id] = job
        threading.Thread(target=run, name="ccecon-simulation", daemon=True).start()
        return job_id

    def get(self, user_id: int, job_id: str) -> dict[str, Any] | None:
        """The run (done, total, finished, result, error), or None when it is not this
        user's; a finished run is handed out once and forgotten."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job["user"] != user_id:
                return None
            if job["finished"]:
                self._jobs.pop(job_id)
            return dict(job)


def compare_doc(text: str) -> dict[str, Any]:
    """``ccecon compare --format json`` of a scenario with a ``sourcing`` section."""
    from ccecon.sourcing.compare import sourcing_document

    return sourcing_document(parse(text), SOURCE).to_dict()


def staff_doc(
    calls: float,
    aht_s: float,
    interval_s: float,
    sl_target: float | None,
    sl_threshold_s: float | None,
    max_asa_s: float | None,
    max_occupancy: float | None,
    shrinkage: float,
    patience_s: float | None,
    max_abandon: float | None,
) -> dict[str, Any]:
    """``ccecon staff`` for one interval: agents, FTE and the metrics they give."""
    from ccecon.queueing import one_interval

    if max_abandon is not None and patience_s is None:
        raise InputError("max_abandon needs patience_s (Erlang A)", field="max_abandon")
    doc = one_interval(
        calls,
        aht_s,
        interval_s,
        sl_target=sl_target,
        sl_threshold_s=sl_threshold_s,
        max_asa_s=max_asa_s,
        max_abandon=max_abandon,
        max_occupancy=max_occupancy,
        patience_s=patience_s,
        shrinkage=shrinkage,
    )
    out: dict[str, Any] = _jsonable(doc)
    return out


MAX_PROFILE = 96
"""Intervals an intraday profile may hold (a day of 15-minute intervals)."""


def staff_profile(
    calls: list[float],
    aht_s: float,
    interval_s: float,
    open_hour: float,
    **goals: Any,
) -> list[dict[str, Any]]:
    """Required agents per interval of a day's profile (calls per interval), with the
    same goals as the single interval: what online Erlang calculators chart.

    Each row: ``start`` (HH:MM from ``open_hour``), ``calls``, ``agents`` (the minimum
    meeting every goal, :func:`ccecon.queueing.required_agents`, all intervals in one
    call) and the service level they give.
    """
    import numpy as np

    from ccecon.queueing import metrics, required_agents

    c = np.asarray(calls, dtype=float)
    agents = np.asarray(
        required_agents(
            c,
            aht_s,
            interval_s,
            sl_target=goals.get("sl_target"),
            sl_threshold_s=goals.get("sl_threshold_s") if goals.get("sl_target") else None,
            max_asa_s=goals.get("max_asa_s"),
            max_abandon=goals.get("max_abandon"),
            max_occupancy=goals.get("max_occupancy"),
            patience_s=goals.get("patience_s"),
        )
    )
    threshold = goals.get("sl_threshold_s") or 20.0
    sl = metrics(
        c * aht_s / interval_s,
        agents,
        aht_s,
        sl_threshold_s=threshold,
        patience_s=goals.get("patience_s"),
    )["service_level"]
    rows = []
    for i, (k, n, level) in enumerate(
        zip(c.tolist(), agents.tolist(), np.asarray(sl).tolist(), strict=True)
    ):
        minutes = round(open_hour * 60 + i * interval_s / 60)
        rows.append(
            {
                "start": f"{minutes // 60 % 24:02d}:{minutes % 60:02d}",
                "calls": k,
                "agents": int(n),
                "service_level": float(level) if k > 0 else None,
            }
        )
    return rows


AROUND = 3
"""Agents shown on each side of the staffing answer (N-3 .. N+3)."""


def staff_around(
    doc: dict[str, Any], sl_threshold_s: float | None, patience_s: float | None
) -> list[dict[str, Any]]:
    """Service level, ASA, occupancy (and abandonment) for N-3 .. N+3 agents around the
    answer ``doc`` of :func:`staff_doc`, as online Erlang calculators list them; rows with
    fewer agents than the traffic never reach a steady state (values null)."""
    import numpy as np

    from ccecon.queueing.staffing import metrics

    n = int(doc["agents"])
    agents = np.arange(max(1, n - AROUND), n + AROUND + 1, dtype=float)
    m = metrics(
        doc["traffic_erlangs"],
        agents,
        doc["aht_s"],
        sl_threshold_s=20.0 if sl_threshold_s is None else sl_threshold_s,
        patience_s=patience_s,
    )
    rows = []
    for i, k in enumerate(agents):
        row: dict[str, Any] = {"agents": int(k), "answer": int(k) == n}
        for key in ("service_level", "asa_s", "occupancy", "p_abandon"):
            v = float(np.asarray(m[key])[i]) if key in m else float("nan")
            row[key] = v if np.isfinite(v) else None
        rows.append(row)
    return rows


def example_text(name: str) -> str:
    """The text of a bundled example (``ccecon/examples`` in an installed package, the
    checkout's ``examples/`` otherwise), found as the demo scenario is."""
    from ccecon.documents import demo_scenario_path

    return (demo_scenario_path().parent / name).read_text(encoding="utf-8")


TARGET_LEVELS = ("year", "quarter", "month", "week", "day", "half_day")
"""Levels a targets plan lists (``ccecon targets plan --level``)."""


def targets_doc(text: str, level: str) -> dict[str, Any]:
    """``ccecon targets plan --format json`` of a targets file's text."""
    from ccecon.targets.document import plan_document
    from ccecon.targets.spec import parse_targets

    if not text.strip():
        raise InputError("the targets text is empty; expected YAML or JSON", file="targets")
    _, data = plan_document(parse_targets(text, source="targets"), level)
    out: dict[str, Any] = _jsonable(data)
    return out


REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def report_bytes(text: str, fmt: str) -> bytes:
    """The report of the text as HTML, Excel (live formulas) or PDF (headless Chromium)."""
    from ccecon.engine import evaluate
    from ccecon.reports import write_report

    if fmt not in REPORT_TYPES:
        raise InputError(
            "unknown report format; expected html, xlsx or pdf", field="format", value=fmt
        )
    sc = parse(text)
    with tempfile.TemporaryDirectory(prefix="ccecon-web-") as d:
        paths = write_report(
            sc,
            evaluate(sc),
            d,
            html=fmt == "html",
            xlsx=fmt == "xlsx",
            pdf=fmt == "pdf",
        )
        path = {"html": paths.html, "xlsx": paths.xlsx, "pdf": paths.pdf}[fmt]
        if path is None:  # pragma: no cover - write_report always writes what it is asked
            raise CCEconError(f"the {fmt} report was not written")
        return Path(path).read_bytes()


EXCERPT = 200
"""Most characters of a user's value an error body echoes (a 50 MB text is not sent back)."""


def clean_text(text: str) -> str:
    """``text`` with lone surrogates written as ``\\udXXX`` (they cannot be encoded as
    UTF-8, so an answer echoing them could not be sent)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of ``value``'s text (``repr`` unless a string),
    shortened with "...", always encodable as UTF-8."""
    text = value if isinstance(value, str) else _short_repr(value, limit)
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return clean_text(text)


def _short_repr(value: Any, limit: int) -> str:
    # containers: the repr of the first items only (a whole document's repr can be huge)
    if isinstance(value, dict) and len(value) > 8:
        value = dict(list(value.items())[:8])
    elif isinstance(value, (list, tuple)) and len(value) > 8:
        value = list(value[:8])
    return repr(value)[: limit + 1]


def _safe_value(value: Any) -> Any:
    """The offending value as JSON: None when not given, a number or a short string as is,
    anything else (or longer) as a short excerpt of its text."""
    if value is ... or value is None:
        return None
    if isinstance(value, bool) or (isinstance(value, (int, float)) and _small(value)):
        return _jsonable(value)
    return excerpt(value)


def _small(value: float) -> bool:
    return isinstance(value, float) or abs(value) < 10**15


def error_doc(exc: CCEconError) -> dict[str, Any]:
    """The JSON body of a 422: message plus file, field, row and value when known."""
    out: dict[str, Any] = {"detail": clean_text(str(exc))}
    if isinstance(exc, InputError):
        out.update(
            {
                "message": clean_text(exc.message),
                "field": None if exc.field is None else excerpt(exc.field),
                "row": exc.row,
                "value": _safe_value(exc.value),
            }
        )
    return out
