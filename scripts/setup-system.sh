#!/usr/bin/env bash
# Installs the Debian packages the tests need (chromium for browser tests and PDF printing,
# poppler-utils for PDF pages, a Java runtime for Spark, PostgreSQL, CJK fonts, LibreOffice
# Calc headless to recalculate the Excel workbook), once. Idempotent; needs root (CI runs as root).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium chromium-driver)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
# PostgreSQL server: the web store's tests run against a real server started on loopback
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# CJK glyphs for Chinese-locale reports rendered by chromium (screenshots, PDF)
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-zenhei)
# LibreOffice Calc, run headless by the tests to recalculate the workbook's formulas
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup-system: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
