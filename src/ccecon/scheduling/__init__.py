"""Shift scheduling: from interval requirements to shifts, coverage and what they cost.

``spec`` reads a shift templates file, ``design`` builds and solves the mixed-integer
program (HiGHS through ``scipy.optimize.milp``), ``results`` reads the requirements onto a
grid and reports a solved schedule. docs/scheduling.md writes the formulation out.
"""

from ccecon.scheduling.design import Grid as Grid
from ccecon.scheduling.design import Model as Model
from ccecon.scheduling.design import Solution as Solution
from ccecon.scheduling.design import build_model as build_model
from ccecon.scheduling.design import solve as solve
from ccecon.scheduling.results import Requirements as Requirements
from ccecon.scheduling.results import read_requirements as read_requirements
from ccecon.scheduling.results import summarize as summarize
from ccecon.scheduling.spec import ShiftsFile as ShiftsFile
from ccecon.scheduling.spec import load_shifts as load_shifts
from ccecon.scheduling.spec import parse_shifts as parse_shifts

__all__ = [
    "Grid",
    "Model",
    "Requirements",
    "ShiftsFile",
    "Solution",
    "build_model",
    "load_shifts",
    "parse_shifts",
    "read_requirements",
    "solve",
    "summarize",
]
