#!/usr/bin/env bash
# make fuzz: builds libFuzzer targets for the XLSX reader (Fuzz/FuzzXLSX.swift), the .xls
# reader (Fuzz/FuzzXLS.swift) and the CSV reader (Fuzz/FuzzCSV.swift) with AddressSanitizer,
# then runs each (FUZZ_TARGETS, default all three) for FUZZ_SECONDS (default 60) from the
# committed seeds in Fuzz/seeds. New inputs go to fuzz-out/; a
# crash leaves its input there and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
out=fuzz-out
mkdir -p "$out"
sources=$(find Sources/SheetIO -name '*.swift')
for target in ${FUZZ_TARGETS:-xlsx xls csv}; do
  src=Fuzz/Fuzz$(echo $target | tr a-z A-Z).swift
  echo "fuzz: building $target"
  swiftc -sanitize=fuzzer,address -parse-as-library -O -enforce-exclusivity=unchecked -module-name SheetIOFuzz \
    -I Sources/CZip -I Sources/CDeflate -I Sources/CXlsxWriter $sources "$src" -lzip -ldeflate -lxlsxwriter -o "$out/fuzz-$target" 2>&1 \
    | { grep -v "Cannot export local symbol" || true; }
  mkdir -p "$out/corpus-$target"
  echo "fuzz: running $target for $secs s"
  "$out/fuzz-$target" "$out/corpus-$target" "Fuzz/seeds/$target" -max_total_time="$secs" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$out/$target-" -print_final_stats=1 2>&1 | tail -12
done
