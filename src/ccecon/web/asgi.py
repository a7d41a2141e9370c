"""The ASGI application for uvicorn workers: ``ccecon.web.asgi:app``.

The store URL comes from ``CCECON_WEB_DB`` (set by ``ccecon serve``), else the default
SQLite file in the working directory.
"""

from __future__ import annotations

import os

from ccecon.web.app import create_app

app = create_app(os.environ.get("CCECON_WEB_DB"))
