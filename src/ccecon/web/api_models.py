"""Response models of the JSON API, for the OpenAPI schema (``/openapi.json``).

The compute endpoints send the documents of the CLI's ``--format json`` as they are (bytes
made once, cached by text); these models describe them so clients and schemathesis can
check answers. Each names the fields every document has; documents may carry more
(``extra`` is allowed: a sourcing section, per-period rows). A number is JSON's number,
``null`` where it is undefined (no payback, no IRR) and the strings ``"inf"`` / ``"-inf"``
where it is infinite.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Number = float | str | None
"""A JSON number; null when undefined; "inf"/"-inf" when infinite."""


class _Doc(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDoc(_Doc):
    """A 4xx answer: what is wrong; for a scenario mistake also the field and the value."""

    detail: str | list[dict[str, Any]] = Field(
        description="The message; for a malformed request, one entry per field."
    )
    message: str | None = None
    field: str | None = Field(None, description="Field path, e.g. channels[0].aht_s.")
    row: int | None = None
    value: Any = Field(None, description="The offending value (an excerpt).")


class ValidateDoc(_Doc):
    """A valid scenario's summary (``ccecon validate``)."""

    ok: bool
    name: str
    currency: str
    horizon_months: int
    cases: list[str]
    channels: int
    sourcing: bool


class MetricsDoc(_Doc):
    """ROI, NPV, IRR, payback of one view (plain or risk-adjusted)."""

    total_benefit: Number
    total_cost: Number
    net: Number
    roi_pct: Number
    npv: Number
    irr_annual_pct: Number
    payback_months: Number
    payback_reached: bool | None = None


class MonthDoc(_Doc):
    """One month of the case flows."""

    month: int
    label: str
    net: Number
    cumulative: Number


class EvaluateDoc(_Doc):
    """``ccecon evaluate --format json``."""

    scenario: str
    currency: str
    start: str
    horizon_months: int
    metrics: MetricsDoc
    risk_adjusted: MetricsDoc
    unit_costs: dict[str, Any]
    benchmark: dict[str, Any] | None = None
    monthly: list[MonthDoc]


class SimulateDoc(_Doc):
    """``ccecon simulate --format json``: percentiles per metric and probabilities."""

    seed: int
    scenario: str
    currency: str
    draws: int
    metrics: dict[str, dict[str, Any]]
    probabilities: dict[str, Number]
    base_case: dict[str, Number]


class CompareDoc(_Doc):
    """``ccecon compare --format json``: sourcing options ranked."""

    currency: str
    options: dict[str, Any]
    ranking: list[Any]


class StaffDoc(_Doc):
    """Agents for one interval and what they give (``ccecon staff``)."""

    model: str
    agents: int
    fte: Number
    traffic_erlangs: Number
    service_level: Number
    asa_s: Number
    occupancy: Number


class TargetsDoc(_Doc):
    """``ccecon targets plan --format json``."""

    name: str
    goal: Number
    periods: list[dict[str, Any]]


class ChangeDoc(BaseModel):
    """One input that differs between two versions, as a person reads it."""

    path: str
    label: str
    old: str
    new: str


class DiffDoc(BaseModel):
    """Two versions: their unified diff and the inputs that changed."""

    a: int
    b: int
    diff: str
    changes: list[ChangeDoc]


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorDoc, "description": "The request body is not JSON."},
    401: {"model": ErrorDoc, "description": "No valid API token."},
    404: {"model": ErrorDoc, "description": "No such scenario or version (or not yours)."},
    422: {"model": ErrorDoc, "description": "The input is not valid (field, value)."},
}
"""The error answers any API endpoint may give (documented on every one)."""


def ok(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of an endpoint whose 200 is ``model`` (sent as ready-made JSON)."""
    return {200: {"model": model, "description": description}, **ERRORS}
