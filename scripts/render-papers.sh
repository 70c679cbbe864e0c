#!/usr/bin/env bash
# Renders one page of each paper tonghop writes (LibreOffice → PDF → PNG) into docs/img/
# for the README: the summary's Tổng hợp, the printable unit table, a blank form and an
# annotated copy; a 6-month summary's Ước cả năm sheet and Diễn biến charts (2025-6T
# filled from the 2024-6T figures by the tests' openpyxl filler). Needs the debug build,
# LibreOffice, poppler-utils (make testdeps) and openpyxl (make pydeps).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/tonghop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TONGHOP_TEMPLATES=templates
"$bin" import fixtures/submissions/2024 --db "$tmp/demo.db" >/dev/null
"$bin" summary --db "$tmp/demo.db" -o "$tmp/tong-hop.xlsx" 2>/dev/null
"$bin" form lai-chau-ktxh --unit 107 --period 2024 -o "$tmp/bieu-mau.xlsx" 2>/dev/null
"$bin" validate fixtures/broken/rule-communes-meeting-standard.xlsx --annotate "$tmp/kiem-tra.xlsx" >/dev/null 2>&1 || true
"$bin" import fixtures/submissions/2024-6T --db "$tmp/demo.db" >/dev/null
"$bin" form lai-chau-ktxh --all --period 2025-6T -o "$tmp/blank-2025-6T" >/dev/null 2>&1
python3 Tests/Support/fill_forms.py "$tmp/blank-2025-6T" "$tmp/filled-2025-6T" 2024-6T >/dev/null
"$bin" import "$tmp/filled-2025-6T" --db "$tmp/demo.db" >/dev/null
"$bin" summary --db "$tmp/demo.db" --period 2025-6T -o "$tmp/sau-thang.xlsx" 2>/dev/null
for f in tong-hop bieu-mau kiem-tra sau-thang; do
  soffice --headless "-env:UserInstallation=file://$tmp/lo" --convert-to pdf --outdir "$tmp" "$tmp/$f.xlsx" >/dev/null 2>&1
done
mkdir -p docs/img
page() {  # page FILE TEXT: the first page whose text contains TEXT
  local n; n=$(pdfinfo "$1" | awk '/^Pages:/ {print $2}')
  for p in $(seq 1 "$n"); do
    if pdftotext -layout -f "$p" -l "$p" "$1" - | grep -q "$2"; then echo "$p"; return; fi
  done
  echo 1
}
shot() {  # shot PDF PAGE NAME
  pdftoppm -f "$2" -l "$2" -r 45 -png -singlefile "$1" "docs/img/$3"
}
shot "$tmp/tong-hop.pdf" 1 tong-hop
shot "$tmp/tong-hop.pdf" "$(page "$tmp/tong-hop.pdf" "THEO CHỈ TIÊU")" bang-in-theo-don-vi
shot "$tmp/bieu-mau.pdf" 1 bieu-mau
shot "$tmp/kiem-tra.pdf" 1 kiem-tra
shot "$tmp/sau-thang.pdf" "$(page "$tmp/sau-thang.pdf" "ƯỚC THỰC HIỆN CẢ NĂM")" uoc-ca-nam
shot "$tmp/sau-thang.pdf" "$(( $(page "$tmp/sau-thang.pdf" "DIỄN BIẾN CÁC CHỈ TIÊU") + 1 ))" dien-bien
ls -l docs/img
