"""Writes src/ccecon/web/static/plotly.css: the style rules Plotly.js would add to a page.

Run after upgrading plotly: `.venv/bin/python scripts/plotly-css.py` (needs chromium). The
web pages' Content-Security-Policy refuses inline styles, so the rules are served as a file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright
from plotly.offline import get_plotlyjs

OUT = Path(__file__).resolve().parents[1] / "src/ccecon/web/static/plotly.css"
PAGE = (
    '<html><head><script src="plotly.js"></script></head><body><div id="g"></div><script>'
    'Plotly.newPlot("g",[{x:[1,2],y:[3,4],type:"bar"}],{},{displaylogo:false})</script>'
    "</body></html>"
)
RULES = """() => [...document.getElementById('plotly.js-style-global').sheet.cssRules]
  .map(r => r.cssText).reverse()"""

with tempfile.TemporaryDirectory() as tmp:
    (Path(tmp) / "plotly.js").write_text(get_plotlyjs())
    (Path(tmp) / "index.html").write_text(PAGE)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless"])
        page = b.new_page()
        page.goto(f"file://{tmp}/index.html")
        page.wait_for_selector("svg.main-svg")
        rules = page.evaluate(RULES)
        b.close()
head = (
    "/* Plotly.js global style rules, dumped from a page by scripts/plotly-css.py.\n"
    "   Served as a file so the Content-Security-Policy can refuse inline styles; the page\n"
    '   marks it with id "plotly.js-style-global" and class "no-inline-styles", so Plotly\n'
    "   adds none. */\n"
)
OUT.write_text(head + "\n".join(rules) + "\n")
print(f"wrote {OUT} ({len(rules)} rules)")
