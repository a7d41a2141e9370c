"""Business-case commands: evaluate, validate, schema, demo."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the business-case commands to ``app``."""
