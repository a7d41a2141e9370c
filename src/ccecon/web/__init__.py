"""Web app and JSON API: a shared, access-controlled workspace for business cases.

* :mod:`ccecon.web.store`: users, workspaces, tokens, versioned scenarios (SQLAlchemy 2,
  Alembic migrations; SQLite by default, PostgreSQL by URL).
* :mod:`ccecon.web.app`: :func:`create_app`, the FastAPI application, with its routers
  :mod:`ccecon.web.api` (JSON API under ``/api``), :mod:`ccecon.web.pages`
  (server-rendered pages with HTMX, Plotly.js served from the installed package) and
  :mod:`ccecon.web.forms` (what the pages post); :mod:`ccecon.web.site` is what they share.

Install with ``pip install 'ccecon[web]'``; start with ``ccecon serve``.
"""
