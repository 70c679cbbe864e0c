#!/usr/bin/env bash
# make serve: the web page on a demo store — every Lai Châu district's 2024 report but
# Nậm Nhùn's, one province account and one account per district, with passwords made
# now and printed once. PORT=8080 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/tonghop
out=out/serve
port=${PORT:-8080}
mkdir -p "$out"
rm -f "$out"/demo.db "$out"/demo.db-wal "$out"/demo.db-shm "$out"/demo.db.lock
"$bin" import $(ls fixtures/submissions/2024/*.xlsx | grep -v 112-nam-nhun) --db "$out/demo.db" > /dev/null
echo "Tài khoản thử (mật khẩu tạo ngẫu nhiên, chỉ in lần này):"
printf '  %-10s %-16s %s\n' "tinh" "$("$bin" user add tinh --province --db "$out/demo.db" --generate 2>/dev/null)" "tỉnh: xem tất cả, tải biểu tổng hợp"
for u in 105:tpLaiChau 106:tamDuong 107:muongTe 108:sinHo 109:phongTho 110:thanUyen 111:tanUyen 112:namNhun; do
  code=${u%%:*}; name=${u##*:}
  printf '  %-10s %-16s %s\n' "$name" "$("$bin" user add "$name" --unit "$code" --db "$out/demo.db" --generate 2>/dev/null)" "đơn vị mã $code"
done
echo
echo "Mở http://127.0.0.1:$port/ — Nậm Nhùn (namNhun) chưa nộp: tải biểu, điền, gửi kiểm tra, nộp."
exec "$bin" serve --db "$out/demo.db" --port "$port" --periods 2024
