#!/bin/sh
# Issue 24's measurements on synthetic data (BENCHMARKS.md, "Quality screening"):
# a national batch of 3,321 communes for 2020–2025 with slips planted in every tenth
# 2025 form, imported year by year; `anomalies` timed on 2025; the catch and false-flag
# rates beside the DHIS2-style own-history z-score; the year-end forecast back-test.
# With 9T, the store also holds 2025's 9-month reports (the year's plans, imported before
# the annual ones), as a province's store does by December.
# Usage: scripts/bench/quality.sh [DIR] [COUNT] [9T]   (release build in .build/release, or B=.build/debug)
set -eu
DIR=${1:-bench-data/quality}
COUNT=${2:-3321}
NINE=${3:-}
B=${B:-.build/release}
rm -rf "$DIR" && mkdir -p "$DIR"
/usr/bin/time -f "gen-quality: %e s, %M KB" $B/tonghop-bench gen-quality "$DIR" "$COUNT" 2020 $NINE
T="$DIR/quoc-gia-chat-luong.yaml"
for y in 2020 2021 2022 2023 2024 2025-9T 2025; do
  [ -d "$DIR/forms/$y" ] || continue
  /usr/bin/time -f "import $y: %e s, %M KB" $B/tonghop import "$DIR/forms/$y" --db "$DIR/q.db" --template "$T" --format json > "$DIR/import-$y.json" || true
done
for i in 1 2 3; do
  /usr/bin/time -f "anomalies 2025 (run $i): %e s, %M KB" $B/tonghop anomalies --db "$DIR/q.db" --template "$T" --period 2025 --format json -o "$DIR/anomalies.json"
done
python3 scripts/bench/quality_eval.py "$DIR" "$DIR/q.db" "$DIR/anomalies.json" "$DIR/import-2025.json"
$B/tonghop-bench backtest-forecast 3321 8
