"""ccecon: contact-center economics.

Business cases (ROI, NPV, IRR, payback), unit costs, staffing, sourcing decisions and
their uncertainty, from scenario files and from a contact center's own records.

``import ccecon as cc``, then: ``cc.load``, ``cc.evaluate``, ``cc.simulate``,
``cc.sensitivity`` (scenarios and business cases); ``cc.compare`` (build, outsource,
rent or mix); ``cc.ingest``, ``cc.metrics`` (records);
``cc.staff``, ``cc.staff_table``, ``cc.erlang_b``, ``cc.erlang_c``, ``cc.erlang_a``
(staffing); ``cc.npv``, ``cc.irr``, ``cc.payback``, ``cc.roi_pct`` (returns);
``cc.forecast_contacts`` (contacts and AHT ahead, from records); ``cc.budget_plan``,
``cc.budget_track`` (next year's budget, and budget vs actual); ``cc.schedule`` (shifts
from a requirement); ``cc.targets_plan``, ``cc.targets_track``, ``cc.decompose``
(targets over a fiscal calendar). Every one is imported on first use, so ``import ccecon`` and
``ccecon --help`` stay fast. A guided session: docs/python-api.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from ccecon.errors import CCEconError as CCEconError
from ccecon.errors import DataError as DataError
from ccecon.errors import InputError as InputError
from ccecon.errors import NoSolutionError as NoSolutionError

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from ccecon.api import budget_plan as budget_plan
    from ccecon.api import budget_track as budget_track
    from ccecon.api import compare as compare
    from ccecon.api import evaluate as evaluate
    from ccecon.api import forecast_contacts as forecast_contacts
    from ccecon.api import ingest as ingest
    from ccecon.api import load as load
    from ccecon.api import metrics as metrics
    from ccecon.api import schedule as schedule
    from ccecon.api import sensitivity as sensitivity
    from ccecon.api import simulate as simulate
    from ccecon.api import targets_plan as targets_plan
    from ccecon.api import targets_track as targets_track
    from ccecon.finance.returns import irr as irr
    from ccecon.finance.returns import npv as npv
    from ccecon.finance.returns import payback as payback
    from ccecon.finance.returns import roi_pct as roi_pct
    from ccecon.queueing.erlang import erlang_a as erlang_a
    from ccecon.queueing.erlang import erlang_b as erlang_b
    from ccecon.queueing.erlang import erlang_c as erlang_c
    from ccecon.queueing.staffing import required_agents as staff
    from ccecon.queueing.staffing import staff_table as staff_table
    from ccecon.targets.decompose import decompose as decompose

# name -> (module, attribute): imported on first use, so `import ccecon` stays light.
_LAZY = {
    # scenarios and the business case (ccecon.api: files or Scenario objects)
    "load": ("ccecon.api", "load"),
    "evaluate": ("ccecon.api", "evaluate"),
    "simulate": ("ccecon.api", "simulate"),
    "sensitivity": ("ccecon.api", "sensitivity"),
    # sourcing options, each a case of the one engine
    "compare": ("ccecon.api", "compare"),
    # records
    "ingest": ("ccecon.api", "ingest"),
    "metrics": ("ccecon.api", "metrics"),
    "forecast_contacts": ("ccecon.api", "forecast_contacts"),
    # budgets: plan a fiscal year from a scenario, track it against the records
    "budget_plan": ("ccecon.api", "budget_plan"),
    "budget_track": ("ccecon.api", "budget_track"),
    # shifts covering an interval requirement
    "schedule": ("ccecon.api", "schedule"),
    # staffing and queueing (arrays broadcast; durations in seconds)
    "staff": ("ccecon.queueing.staffing", "required_agents"),
    "staff_table": ("ccecon.queueing.staffing", "staff_table"),
    "erlang_b": ("ccecon.queueing.erlang", "erlang_b"),
    "erlang_c": ("ccecon.queueing.erlang", "erlang_c"),
    "erlang_a": ("ccecon.queueing.erlang", "erlang_a"),
    # returns on a cash flow (rates per period, t = 0 undiscounted)
    "npv": ("ccecon.finance.returns", "npv"),
    "irr": ("ccecon.finance.returns", "irr"),
    "payback": ("ccecon.finance.returns", "payback"),
    "roi_pct": ("ccecon.finance.returns", "roi_pct"),
    # targets over a fiscal calendar
    "targets_plan": ("ccecon.api", "targets_plan"),
    "targets_track": ("ccecon.api", "targets_track"),
    "decompose": ("ccecon.targets.decompose", "decompose"),
}

__all__ = [
    "CCEconError",
    "DataError",
    "InputError",
    "NoSolutionError",
    "__version__",
    "budget_plan",
    "budget_track",
    "compare",
    "decompose",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "evaluate",
    "forecast_contacts",
    "ingest",
    "irr",
    "load",
    "metrics",
    "npv",
    "payback",
    "roi_pct",
    "schedule",
    "sensitivity",
    "simulate",
    "staff",
    "staff_table",
    "targets_plan",
    "targets_track",
]


def __getattr__(name: str) -> Any:
    """The public functions, imported on first use (``cc.evaluate`` loads the engine)."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ccecon' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
