#!/usr/bin/env bash
# make demo: the main job on the bundled data.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/tonghop
echo "== tonghop dump: a real-world workbook (readxl's test file), as CSV"
"$bin" dump Tests/Corpus/xlsx/readxl/vietnamese-utf8.xlsx
