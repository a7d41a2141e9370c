"""PDF of the HTML report, printed by headless Chromium (Debian's ``chromium`` package).

Decision: Chromium rather than WeasyPrint, because the charts are drawn by plotly.js and
only a browser runs it; the same browser the tests use prints the page, so the PDF shows
exactly what the HTML shows. ``--virtual-time-budget`` lets the scripts finish before
printing. No network: the report is self-contained and host resolution is disabled.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ccecon.errors import CCEconError

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--no-pdf-header-footer",
    "--virtual-time-budget=10000",
]


def find_chromium() -> str:
    """Path of a chromium binary, or a clear error saying how to install one."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise CCEconError(
        "a PDF needs Chromium: install it (Debian: apt-get install chromium) or ask for"
        " the HTML report only"
    )


def html_to_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout_s: float = 180) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium."""
    exe = find_chromium()
    out = Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="ccecon-chromium-") as profile:
        cmd = [
            exe,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={out}",
            Path(html_path).resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise CCEconError(f"Chromium could not print the PDF: {proc.stderr.strip()[-500:]}")
    return out
