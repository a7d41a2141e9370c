"""Small scheduling problems built in code: one day of hourly intervals from 08:00."""

from __future__ import annotations

from typing import Any

import pandas as pd
import yaml

from ccecon.scheduling import build_model, parse_shifts, read_requirements, solve, summarize
from ccecon.scheduling.design import Model, Solution
from ccecon.scheduling.results import Requirements
from ccecon.scheduling.spec import ShiftsFile

DAY = "2027-01-04"  # a Monday


def hourly(required: list[int], first_hour: int = 8, minutes: int = 60) -> pd.DataFrame:
    """An interval table of required agents from ``first_hour`` on one Monday."""
    start = pd.Timestamp(f"{DAY} {first_hour:02d}:00")
    return pd.DataFrame(
        {
            "start": [
                (start + pd.Timedelta(minutes=minutes * i)).strftime("%Y-%m-%d %H:%M")
                for i in range(len(required))
            ],
            "agents": required,
        }
    )


def run(
    shifts: dict[str, Any], frame: pd.DataFrame, **solve_args: Any
) -> tuple[ShiftsFile, Requirements, Model, Solution, dict[str, Any]]:
    spec = parse_shifts(yaml.safe_dump(shifts))
    req = read_requirements(frame, source="requirements.csv")
    model = build_model(spec, req.grid)
    sol = solve(model, spec, **solve_args)
    return spec, req, model, sol, summarize(model, sol, spec, req)
