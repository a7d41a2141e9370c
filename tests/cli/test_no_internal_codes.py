"""No user-facing text cites the project's internal requirement codes ("D2.5", "DOMAIN
D1.1") or source-document numbers ("seed 001"): a reader cannot look them up. They may stay
in tests and code comments; everything a user reads (CLI help, docs, README, example
files, templates, reports, the JSON Schema, docstrings shown by ``help()``) uses public
references or plain words."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import typer
from typer.testing import CliRunner

from ccecon.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"DOMAIN|\bD[1-7]\.\d|\(D[1-7]\)|seed 00\d|Latvian edition")


def _found(text: str) -> list[str]:
    return [m.group(0) for m in CODE.finditer(text)]


def _commands(cmd: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path of the CLI (typer's groups are click groups in spirit: they hold
    their subcommands in ``commands``, whichever click package typer bundles)."""
    yield path
    for name, sub in getattr(cmd, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_cli_help_of_every_command() -> None:
    runner = CliRunner()
    root = typer.main.get_command(app)
    paths = list(_commands(root))
    assert len(paths) > 20  # every command and subcommand was reached
    for path in paths:
        out = runner.invoke(app, [*path, "--help"], terminal_width=200).output
        assert not _found(out), (path, _found(out))


def test_docs_readme_examples_and_templates() -> None:
    files = [
        ROOT / "README.md",
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "examples").iterdir()),
        *sorted((ROOT / "src/ccecon").rglob("*.j2")),
    ]
    assert len(files) > 30
    for f in files:
        assert not _found(f.read_text(encoding="utf-8")), (f.name, _found(f.read_text()))


def test_docstrings_and_strings_of_the_package() -> None:
    """Every string literal of the package (docstrings, messages, labels), not comments."""
    for py in sorted((ROOT / "src/ccecon").rglob("*.py")):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not _found(node.value), (py.relative_to(ROOT), node.lineno, node.value)


def test_a_rendered_report_and_the_json_schema(tmp_path: Path) -> None:
    from ccecon.engine import evaluate
    from ccecon.reports.html import write_report
    from ccecon.scenario.load import load_scenario
    from ccecon.scenario.schema import Scenario

    for name in ("usd-onprem-to-cloud.yaml", "cny-inhouse-build.yaml"):
        sc = load_scenario(ROOT / "examples" / name)
        paths = write_report(sc, evaluate(sc), tmp_path / name)
        assert paths.html is not None
        html = paths.html.read_text(encoding="utf-8")
        assert not _found(html), (name, _found(html))
    import json

    assert not _found(json.dumps(Scenario.model_json_schema(), ensure_ascii=False))
