"""Queueing: Erlang B, C and A, required agents, shrinkage, interval tables, chat."""

from ccecon.queueing.erlang import asa as asa
from ccecon.queueing.erlang import erlang_a as erlang_a
from ccecon.queueing.erlang import erlang_b as erlang_b
from ccecon.queueing.erlang import erlang_c as erlang_c
from ccecon.queueing.erlang import occupancy as occupancy
from ccecon.queueing.erlang import service_level as service_level
from ccecon.queueing.staffing import metrics as metrics
from ccecon.queueing.staffing import one_interval as one_interval
from ccecon.queueing.staffing import paid_fte as paid_fte
from ccecon.queueing.staffing import required_agents as required_agents
from ccecon.queueing.staffing import rollup as rollup
from ccecon.queueing.staffing import staff_table as staff_table
from ccecon.queueing.staffing import total_shrinkage as total_shrinkage
from ccecon.queueing.staffing import traffic_erlangs as traffic_erlangs

__all__ = [
    "asa",
    "erlang_a",
    "erlang_b",
    "erlang_c",
    "metrics",
    "occupancy",
    "one_interval",
    "paid_fte",
    "required_agents",
    "rollup",
    "service_level",
    "staff_table",
    "total_shrinkage",
    "traffic_erlangs",
]
