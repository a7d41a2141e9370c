"""Chat and messaging: agents who handle several conversations at once.

Model (a documented approximation, the one most WFM tools use): an agent working ``k``
chats at once is ``k`` servers ("slots"), but each chat then lasts longer: the user gives
the handle time at each concurrency, ``aht_s[k]`` (typically rising with ``k``). For each
allowed ``k`` the chats are staffed as an Erlang C queue with ``k x agents`` slots and
handle time ``aht_s[k]``, and the agents needed are ``ceil(slots / k)``; the concurrency
with the fewest agents wins.

Limits: slots of one agent are not independent servers (an agent's chats start and end
together more than the model assumes), customers' reply delays are folded into the handle
time, and the service level counts the wait for the first agent response only. Use it to
size a chat team, not to promise a chat-level service level to the second.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccecon.errors import InputError
from ccecon.queueing.staffing import required_agents


@dataclass(frozen=True)
class ChatStaffing:
    """Agents for each concurrency tried, and the best one."""

    table: pd.DataFrame
    concurrency: int
    agents: int

    def to_frame(self) -> pd.DataFrame:
        """One row per concurrency: aht_s, slots, agents."""
        return self.table


def chat_agents(
    chats: float,
    interval_s: float,
    aht_by_concurrency: Mapping[int, float],
    *,
    sl_target: float = 0.8,
    sl_threshold_s: float = 60.0,
    max_occupancy: float | None = None,
) -> ChatStaffing:
    """Agents for ``chats`` per interval when each agent can take several at once.

    Parameters
    ----------
    chats : float
        Chats offered per interval.
    interval_s : float
        Interval length, seconds.
    aht_by_concurrency : mapping int -> float
        Handle time (s) of one chat when an agent handles k chats at once, e.g.
        ``{1: 420, 2: 510, 3: 660}``.

    Examples
    --------
    >>> r = chat_agents(120, 1800, {1: 420, 2: 510, 3: 660})
    >>> r.concurrency, r.agents
    (3, 17)
    """
    if not aht_by_concurrency:
        raise InputError(
            "give the handle time for at least one concurrency", field="aht_by_concurrency"
        )
    rows = []
    for k, aht in sorted(aht_by_concurrency.items()):
        if int(k) != k or k < 1:
            raise InputError(
                "concurrency must be a whole number >= 1", field="concurrency", value=k
            )
        if not aht > 0:
            raise InputError("handle time must be > 0 seconds", field=f"aht_s[{k}]", value=aht)
        slots = int(
            required_agents(
                chats,
                aht,
                interval_s,
                sl_target=sl_target,
                sl_threshold_s=sl_threshold_s,
                max_occupancy=max_occupancy,
            )
        )
        rows.append(
            {
                "concurrency": int(k),
                "aht_s": float(aht),
                "slots": slots,
                "agents": int(np.ceil(slots / k)),
            }
        )
    table = pd.DataFrame(rows)
    best = table.sort_values(["agents", "concurrency"]).iloc[0]
    return ChatStaffing(table=table, concurrency=int(best.concurrency), agents=int(best.agents))
