"""Recalculate workbooks with LibreOffice headless and read the values back.

LibreOffice is an independent spreadsheet engine (not ccecon, not openpyxl): a workbook it
recalculates to ccecon's numbers is a model whose formulas are right. Installed by
``scripts/setup-system.sh`` (Debian's ``libreoffice-calc``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
"""The profile's settings: recalculate every formula when a file is loaded (never trust
cached values)."""


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(paths: Sequence[Path], out_dir: Path) -> list[Path]:
    """Open each workbook in LibreOffice (headless, a fresh profile), recalculate every
    formula and save it as xlsx in ``out_dir``; returns the saved paths in order.

    One LibreOffice start converts every file (it takes seconds to start)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice is not installed: run scripts/setup-system.sh")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ccecon-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(out_dir),
                *[str(p) for p in paths],
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    out = [out_dir / p.name for p in paths]
    missing = [p for p in out if not p.exists()]
    assert not missing, f"LibreOffice wrote no {missing}"
    return out


def named_values(path: Path) -> dict[str, Any]:
    """The value of every defined name that points to one cell, as LibreOffice computed it."""
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True)
    out: dict[str, Any] = {}
    for name, dn in wb.defined_names.items():
        dest = list(dn.destinations)
        if len(dest) != 1:
            continue
        sheet, ref = dest[0]
        if ":" in ref:
            continue
        out[name] = wb[sheet][ref.replace("$", "")].value
    return out
