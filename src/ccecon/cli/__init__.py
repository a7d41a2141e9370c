"""Command-line interface (typer). Thin: parse, call the core, render."""
