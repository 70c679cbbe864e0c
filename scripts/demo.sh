#!/usr/bin/env bash
# make demo: the main job on the bundled data — validate the units' reports, show a
# broken one, import the good ones into a fresh store, write the province summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/tonghop
out=out
mkdir -p "$out"
rm -f "$out"/demo.db "$out"/demo.db-wal "$out"/demo.db-shm "$out"/demo.db.lock

echo "━━ 1. Kiểm tra biểu của 9 đơn vị (năm 2024): tonghop validate fixtures/submissions/2024"
"$bin" validate fixtures/submissions/2024 | tail -n 1
echo
echo "━━ 2. Một biểu có lỗi: tonghop validate fixtures/broken/rule-communes-meeting-standard.xlsx"
"$bin" validate fixtures/broken/rule-communes-meeting-standard.xlsx --values no || true
echo
echo "━━ 3. Nhập vào kho $out/demo.db (biểu có lỗi bị từ chối)"
"$bin" import fixtures/submissions/2024 fixtures/broken/rule-communes-meeting-standard.xlsx --db "$out/demo.db" || true
echo
echo "━━ 4. Tình hình nộp báo cáo"
"$bin" status --db "$out/demo.db"
echo
echo "━━ 5. Kết quả thực hiện kế hoạch"
"$bin" scorecard --db "$out/demo.db"
echo
echo "━━ 6. Biểu tổng hợp toàn tỉnh"
"$bin" summary --db "$out/demo.db" -o "$out/tong-hop-2024.xlsx"
echo
echo "Một số chỉ tiêu chính toàn tỉnh:"
"$bin" summary --db "$out/demo.db" --format text --codes KT01,KT02,KT03,KT05,KT08,KT09,KT10,NN01,NN03,XH01,XH02,XH06
