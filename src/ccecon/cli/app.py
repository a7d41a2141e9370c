"""The ``ccecon`` command. Each capability registers its commands from its own module.

Heavy libraries are imported inside command bodies so that ``ccecon --help`` starts fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ccecon import __version__

app = typer.Typer(
    name="ccecon",
    help="Contact-center economics: business cases, unit costs, staffing, sourcing, uncertainty.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ccecon {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Contact-center economics from scenario files and real records."""


def _register() -> None:
    # One line per capability module; each module only imports typer at top level.
    from ccecon.cli import business

    business.register(app)
    from ccecon.cli import uncertainty

    uncertainty.register(app)
    from ccecon.cli import seedcalcs

    seedcalcs.register(app)
    from ccecon.cli import staff

    staff.register(app)
    from ccecon.cli import targets

    targets.register(app)
    from ccecon.cli import data

    data.register(app)
    from ccecon.cli import sourcing

    sourcing.register(app)
    from ccecon.cli import web

    web.register(app)
    from ccecon.cli import forecast

    forecast.register(app)


_register()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
