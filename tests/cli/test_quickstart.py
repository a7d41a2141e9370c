"""The README's quick start, as a new user runs it: a fresh clone, `make demo`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    return [
        line.split("#", 1)[0].strip()
        for line in block.group(1).splitlines()
        if line.split("#", 1)[0].strip()
    ]


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second() -> None:
    assert _quick_start_commands() == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.slow
def test_make_demo_from_a_fresh_clone(tmp_path: Path) -> None:
    """Clones the committed tree (no .venv), runs `make demo`: it creates .venv, installs
    ccecon's core from the package index, prints the summary and writes the report."""
    if shutil.which("make") is None or shutil.which("git") is None:
        pytest.fail("make and git are part of the quick start's machine")
    clone = tmp_path / "fresh"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    proc = subprocess.run(
        ["make", "demo"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert (clone / ".venv" / "bin" / "ccecon").exists()
    # the demo is a Chinese case (locale zh): its tables are headed in its language
    from ccecon.labels import label
    from ccecon.scenario.load import load_scenario

    loc = load_scenario(ROOT / "examples" / "cny-inhouse-build.yaml").locale
    assert label("business_case", loc) in proc.stdout and label("npv", loc) in proc.stdout
    assert "Outputs written to" in proc.stdout
    report = clone / "ccecon-demo" / "report.html"
    assert report.is_file() and report.stat().st_size > 10_000
    assert (clone / "ccecon-demo" / "result.json").is_file()
