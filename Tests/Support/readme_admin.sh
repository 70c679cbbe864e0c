#!/usr/bin/env bash
# Follows the README's "Administering the web page" commands as written, on a fresh
# folder: the README's sh block is run with only these changes — /srv/tonghop becomes a
# temporary folder, `sudo` is dropped, /usr/local/bin is a temporary bin on PATH,
# .build/release/tonghop is the binary given, and the port is a free one. Then the page
# must answer /health and the accounts must be there.
#   readme_admin.sh TONGHOP_BINARY [REPO_ROOT]
set -euo pipefail
bin=$(realpath "$1"); root=$(realpath "${2:-.}")
work=$(mktemp -d); trap 'kill $(cat "$work/serve.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/srv" "$work/bin" "$work/cwd"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The block: from the heading to the first closing fence after its first ```sh.
awk '/^### Administering the web page/{h=1} h&&/^```sh$/{b=1;next} b&&/^```$/{exit} b{print}' "$root/README.md" > "$work/block.sh"
[ -s "$work/block.sh" ] || { echo "no sh block under 'Administering the web page'"; exit 1; }
sed -e "s#/srv/tonghop#$work/srv#g" -e 's#sudo ##g' -e "s#/usr/local/bin#$work/bin#g" -e "s#\.build/release/tonghop#$bin#g" \
    -e "s#--port 8080#--port $port#g" -e "s#^\(tonghop serve .*\)\$#\1#" "$work/block.sh" > "$work/run.sh"
# The background server's pid, to stop it afterwards.
sed -i 's#--secure-cookies --trust-proxy &$#--secure-cookies --trust-proxy \& echo $! > '"$work"'/serve.pid#' "$work/run.sh"
grep -q serve.pid "$work/run.sh" || { echo "the block's tonghop serve line changed; update this script"; exit 1; }
cp -r "$root/templates" "$work/cwd/templates"    # "from a checkout": cp -r templates … runs there
cd "$work/cwd"
PATH="$work/bin:$PATH" bash -euo pipefail "$work/run.sh" > "$work/out.txt" 2> "$work/err.txt" || {
    echo "the README's commands failed:"; cat "$work/err.txt"; exit 1; }
for i in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$port/health" > "$work/health.json"; then break; fi
    sleep 0.1
done
grep -q '"status":"ok"' "$work/health.json" || { echo "/health did not answer"; cat "$work/err.txt"; exit 1; }
test "$(wc -l < first-passwords.tsv)" -eq 2 || { echo "first-passwords.tsv should hold 2 accounts"; exit 1; }
list=$("$work/bin/tonghop" user list --db "$work/srv/tonghop.db")
for name in tinh xa-tan-uyen xa-muong-khoa xa-binh-lu; do
    grep -q "^$name	" <<< "$list" || { echo "account $name missing"; echo "$list"; exit 1; }
done
grep -q "^xa-tan-uyen	.*03598" <<< "$list" || { echo "xa-tan-uyen is not unit 03598"; echo "$list"; exit 1; }
ls "$work/srv"/backup-*.db > /dev/null
echo "README administrator commands: ok"
