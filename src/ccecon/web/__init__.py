"""Web app and JSON API: a shared, access-controlled workspace for business cases.

* :mod:`ccecon.web.store`: users, workspaces, tokens, versioned scenarios (SQLAlchemy 2,
  Alembic migrations; SQLite by default, PostgreSQL by URL).
* :mod:`ccecon.web.app`: :func:`create_app`, the FastAPI application (JSON API under
  ``/api``, server-rendered pages with HTMX, Plotly.js served from the installed package).

Install with ``pip install 'ccecon[web]'``; start with ``ccecon serve``.
"""
