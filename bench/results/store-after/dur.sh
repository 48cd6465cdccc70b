#!/usr/bin/env bash
# dur.sh BIN LABEL [server flags]: one 15 s closed-loop chat run against BIN
set -u
BIN=$1; LABEL=$2; shift 2
D=$(mktemp -d /tmp/store2-dur.XXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA="${DATA:-$D/data.db}"
RUST_LOG=warn "$BIN" --listen 127.0.0.1:$PORT --rate-limit 1000000 --rate-burst 1000000 --data "$DATA" "$@" >"$D/server.log" 2>&1 &
SP=$!
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done
timeout 120 /work/wt-store2/target/release/allssam loadtest --json --url ws://127.0.0.1:$PORT/ws --mode chat --rooms 13 --players 8 --duration 15 > "$D/out.json" 2>"$D/err"
WB=$(awk '/^wchar/ {w=$2} /^write_bytes/ {b=$2} END {print w, b}' /proc/$SP/io)
kill $SP; wait $SP 2>/dev/null
python3 -c "
import json,sys
d=json.load(open('$D/out.json')); l=d.get('latency_ms',{})
w,b='$WB'.split()
print('$LABEL', round(d['acked_per_second']), 'acks/s p50', l.get('p50'), 'p99', l.get('p99'), 'wchar/ack', round(int(w)/d['acked']), 'write_bytes/ack', round(int(b)/d['acked']))
"
rm -rf "$D"
