"""The ASGI application for uvicorn workers: ``ccecon.web.asgi:app``.

The store URL comes from ``CCECON_WEB_DB`` (set by ``ccecon serve``), else the per-user
SQLite file (:func:`ccecon.web.store.default_path`); the number of engine processes from
``CCECON_WEB_ENGINE_PROCESSES`` (default 0: evaluate in the server's threads); a
``Secure`` session cookie when ``CCECON_WEB_SECURE_COOKIE`` is ``1``.
"""

from __future__ import annotations

import os

from ccecon.web.app import create_app

app = create_app(
    os.environ.get("CCECON_WEB_DB"),
    engine_processes=int(os.environ.get("CCECON_WEB_ENGINE_PROCESSES", "0")),
    secure_cookie=os.environ.get("CCECON_WEB_SECURE_COOKIE") == "1",
)
