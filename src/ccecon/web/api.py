"""The JSON API under ``/api``: compute (validate, evaluate, simulate, compare, staff,
targets, report) on a scenario text, and the stored scenarios with their versions.

Every route takes ``Authorization: Bearer <token>`` and nothing else (no cookie, so no
CSRF surface); a scenario outside the user's workspaces answers 404 like one that does not
exist. Request bodies are the models below; answers are documented in
:mod:`ccecon.web.api_models`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ccecon.defaults import DEFAULT_SHRINKAGE, DEFAULT_SL_TARGET, DEFAULT_SL_THRESHOLD_S
from ccecon.scenario.types import GoalShareNumber, ShareBelowOneNumber
from ccecon.web import api_models, service, yamledit
from ccecon.web.engines import EngineDied, EnginePool
from ccecon.web.site import (
    MAX_TEXT,
    ApiUser,
    Id,
    StoreDep,
    Ver,
    VerReq,
    download_disposition,
)

router = APIRouter()


class ScenarioText(BaseModel):
    """A scenario as YAML or JSON text, exactly as a user would save it in a file."""

    text: str = Field(max_length=MAX_TEXT, description="Scenario YAML or JSON.")


class SimulateRequest(ScenarioText):
    """A Monte Carlo run of a scenario."""

    draws: int = Field(2000, ge=1, le=service.MAX_DRAWS, description="Number of draws.")
    seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed of the random generator.")


class ReportRequest(ScenarioText):
    """A report of a scenario."""

    format: str = Field("html", pattern="^(html|xlsx|pdf)$", description="html, xlsx or pdf.")


class TargetsRequest(BaseModel):
    """A targets file (yearly goal, fiscal calendar, weights, actuals) as YAML or JSON."""

    text: str = Field(max_length=MAX_TEXT, description="Targets YAML or JSON.")
    level: str = Field(
        "month",
        pattern="^(" + "|".join(service.TARGET_LEVELS) + ")$",
        description="Rows to list: " + ", ".join(service.TARGET_LEVELS) + ".",
    )


class StaffRequest(BaseModel):
    """One interval of work and the goals it must meet (Erlang C, or A with patience)."""

    calls: float = Field(ge=0, le=1e9, description="Calls offered in the interval.")
    aht_s: float = Field(gt=0, le=86_400, description="Average handle time, seconds.")
    interval_s: float = Field(1800, gt=0, le=86_400, description="Interval length, seconds.")
    sl_target: GoalShareNumber | None = Field(
        DEFAULT_SL_TARGET, description='Service level goal: 0.8 or "80%".'
    )
    sl_threshold_s: float | None = Field(
        DEFAULT_SL_THRESHOLD_S, ge=0, le=86_400, description="SL threshold, s."
    )
    max_asa_s: float | None = Field(None, gt=0, le=86_400, description="Max ASA, s.")
    max_occupancy: GoalShareNumber | None = Field(None, description='Max occupancy: 0.85 or "85%".')
    shrinkage: ShareBelowOneNumber = Field(
        DEFAULT_SHRINKAGE, description='Share of paid time off the phones: 0.3 or "30%".'
    )
    patience_s: float | None = Field(None, gt=0, le=86_400, description="Mean patience (A).")
    max_abandon: GoalShareNumber | None = Field(
        None, description='Max abandon share (A): 0.05 or "5%".'
    )


class NewScenario(ScenarioText):
    """A scenario to store."""

    name: str | None = Field(
        None, max_length=300, description="Display name; default: the scenario's name."
    )
    workspace: str | None = Field(
        None, max_length=200, description="One of your workspaces; default: your first."
    )


class SavedVersion(BaseModel):
    """A stored version."""

    scenario_id: int
    version: int
    author: str
    created_at: str
    text: str


class ScenarioHead(BaseModel):
    """A stored scenario's head."""

    id: int
    workspace: str
    name: str
    latest_version: int
    created_at: str


@router.post(
    "/api/validate",
    tags=["compute"],
    response_model=None,
    responses=api_models.ok(api_models.ValidateDoc, "The scenario is valid: a summary."),
)
def api_validate(body: ScenarioText, user: ApiUser) -> dict[str, Any]:
    """Validate a scenario: 200 with a summary, or 422 with field path and value."""
    return {"ok": True, **service.summary(service.parse_checked(body.text))}


async def evaluate_response(request: Request, text: str) -> Response:
    """The evaluate document of ``text``: from the cache on the event loop when this
    text was evaluated before; otherwise computed in an engine process (the app's
    ``state.engines``) or, without one, a thread."""
    engines: EnginePool | None = request.app.state.engines
    service.check_text(text)  # a lone surrogate cannot even be sent to an engine
    data = service.cached_evaluation(text)
    if data is not None:
        return Response(data, media_type="application/json")
    if engines is None:
        data = await run_in_threadpool(service.evaluate_bytes, text)
        return Response(data, media_type="application/json")
    try:
        status, body = await engines.evaluate(text)
    except EngineDied as exc:
        return JSONResponse({"detail": f"{exc}; try again"}, status_code=503)
    if status == 200:
        service.remember_evaluation(text, body)
    return Response(body, status_code=status, media_type="application/json")


@router.post(
    "/api/evaluate",
    tags=["compute"],
    responses=api_models.ok(api_models.EvaluateDoc, "The evaluate document."),
)
async def api_evaluate(request: Request, body: ScenarioText, user: ApiUser) -> Response:
    """ROI, NPV, IRR, payback, unit costs, monthly flows (``ccecon evaluate``)."""
    return await evaluate_response(request, body.text)


@router.post(
    "/api/simulate",
    tags=["compute"],
    responses=api_models.ok(api_models.SimulateDoc, "The simulate document."),
)
def api_simulate(body: SimulateRequest, user: ApiUser) -> Response:
    """Monte Carlo percentiles and probabilities (``ccecon simulate``)."""
    return Response(
        service.encode(service.simulate_doc(body.text, body.draws, body.seed)),
        media_type="application/json",
    )


@router.post(
    "/api/compare",
    tags=["compute"],
    responses=api_models.ok(api_models.CompareDoc, "The sourcing comparison."),
)
def api_compare(body: ScenarioText, user: ApiUser) -> Response:
    """Sourcing options ranked, with break-even volumes (``ccecon compare``)."""
    return Response(service.encode(service.compare_doc(body.text)), media_type="application/json")


@router.post(
    "/api/staff",
    tags=["compute"],
    response_model=None,
    responses=api_models.ok(api_models.StaffDoc, "Agents and what they give."),
)
def api_staff(body: StaffRequest, user: ApiUser) -> dict[str, Any]:
    """Agents needed for one interval and the metrics they give (``ccecon staff``)."""
    return service.staff_doc(**body.model_dump())


@router.post(
    "/api/targets/plan",
    tags=["compute"],
    responses=api_models.ok(api_models.TargetsDoc, "The plan."),
)
def api_targets(body: TargetsRequest, user: ApiUser) -> Response:
    """A yearly goal split over the fiscal calendar; re-planned with actuals
    (``ccecon targets plan``)."""
    return Response(
        service.encode(service.targets_doc(body.text, body.level)),
        media_type="application/json",
    )


@router.post(
    "/api/report",
    tags=["compute"],
    responses={
        200: {"content": {t: {} for t in service.REPORT_TYPES.values()}},
        **api_models.ERRORS,
    },
)
def api_report(body: ReportRequest, user: ApiUser) -> Response:
    """The report as HTML, Excel (live formulas) or PDF."""
    data = service.report_bytes(body.text, body.format)
    return Response(
        data,
        media_type=service.REPORT_TYPES[body.format],
        headers={
            "Content-Disposition": download_disposition(
                service.parse(body.text).name, "report", body.format
            )
        },
    )


def _version_model(v: Any) -> SavedVersion:
    """A stored version as the API answers it."""
    return SavedVersion(
        scenario_id=v.scenario_id,
        version=v.version,
        author=v.author,
        created_at=v.created_at,
        text=v.text,
    )


@router.get("/api/scenarios", tags=["scenarios"])
def api_list(st: StoreDep, user: ApiUser) -> list[ScenarioHead]:
    """The scenarios of your workspaces, newest first."""
    return [ScenarioHead(**s.__dict__) for s in st.list_scenarios(user)]


@router.post("/api/scenarios", tags=["scenarios"], status_code=201)
def api_create(st: StoreDep, body: NewScenario, user: ApiUser) -> SavedVersion:
    """Store a valid scenario as version 1."""
    text = yamledit.normalize(body.text)
    sc = service.parse_checked(text)
    return _version_model(st.create(user, body.name or sc.name, text, body.workspace))


@router.get("/api/scenarios/{scenario_id}", tags=["scenarios"])
def api_get(st: StoreDep, scenario_id: Id, user: ApiUser, version: Ver = None) -> SavedVersion:
    """A version (the latest by default)."""
    return _version_model(st.version(user, scenario_id, version))


@router.put("/api/scenarios/{scenario_id}", tags=["scenarios"])
def api_save(st: StoreDep, scenario_id: Id, body: ScenarioText, user: ApiUser) -> SavedVersion:
    """Save a new version (every save is a new version; none is overwritten)."""
    st.info(user, scenario_id)
    text = yamledit.normalize(body.text)
    sc = service.parse_checked(text)
    return _version_model(st.save(user, scenario_id, text, sc.name))


@router.delete("/api/scenarios/{scenario_id}", tags=["scenarios"], status_code=204)
def api_delete(st: StoreDep, scenario_id: Id, user: ApiUser) -> Response:
    """Remove a scenario from the list (its versions are kept for audit)."""
    st.delete(user, scenario_id)
    return Response(status_code=204)


@router.get("/api/scenarios/{scenario_id}/versions", tags=["scenarios"])
def api_versions(st: StoreDep, scenario_id: Id, user: ApiUser) -> list[SavedVersion]:
    """Every version, oldest first."""
    return [_version_model(v) for v in st.versions(user, scenario_id)]


@router.get(
    "/api/scenarios/{scenario_id}/diff",
    tags=["scenarios"],
    response_model=None,
    responses={
        200: {"model": api_models.DiffDoc, "description": "Diff and changes."},
        404: {"model": api_models.ErrorDoc, "description": "No such scenario or version."},
        401: api_models.ERRORS[401],
    },
)
def api_diff(
    st: StoreDep,
    scenario_id: Id,
    user: ApiUser,
    a: VerReq,
    b: VerReq,
) -> dict[str, Any]:
    """Unified diff of two versions' text (line endings ignored) and the inputs that
    changed (path, label, old and new value as shown)."""
    from ccecon.web.versions import changes

    va, vb = st.version(user, scenario_id, a), st.version(user, scenario_id, b)
    return {
        "a": a,
        "b": b,
        "diff": st.diff(user, scenario_id, a, b),
        "changes": changes(va.text, vb.text),
    }


@router.get(
    "/api/scenarios/{scenario_id}/evaluate",
    tags=["scenarios"],
    responses={
        **api_models.ok(api_models.EvaluateDoc, "The evaluate document."),
        404: {"model": api_models.ErrorDoc, "description": "No such scenario or version."},
    },
)
async def api_evaluate_saved(
    request: Request, st: StoreDep, scenario_id: Id, user: ApiUser, version: Ver = None
) -> Response:
    """Evaluate a stored version."""
    v = await run_in_threadpool(st.version, user, scenario_id, version)
    return await evaluate_response(request, v.text)
