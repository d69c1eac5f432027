#!/usr/bin/env bash
# Benchmark: `seecovid sync` against `aws s3 sync` (PyPI awscli), both to moto_server on
# 127.0.0.1, first sync and unchanged re-sync. Exits non-zero if the unchanged re-sync
# uploads anything or is not under a third of awscli's time.
#
#   scripts/bench-sync.sh                  build the site from the bundled data, bench it
#   scripts/bench-sync.sh DIR              bench an existing folder
#   scripts/bench-sync.sh --synthetic N    bench N generated files (sizes like a site's)
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked >&2
BIN="$TARGET/release/seecovid"
WORK=$(mktemp -d)
MOTO_PID=""
cleanup() {
    if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ "${1:-}" = "--synthetic" ]; then
    SITE="$WORK/site"
    python3 - "$SITE" "${2:-4000}" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
random.seed(1)
for i in range(n):
    kind = i % 10
    if kind < 6:   rel, size = f"regions/r{i:05d}.html", random.randint(4_000, 20_000)
    elif kind < 9: rel, size = f"data/regions/r{i:05d}.csv", random.randint(20_000, 80_000)
    else:          rel, size = f"heatmaps/s{i % 7}/m{i:05d}.gif", random.randint(200_000, 2_000_000)
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(os.urandom(size))
PY
elif [ -n "${1:-}" ]; then
    SITE="$1"
else
    SITE="$WORK/site"
    "$BIN" build --out "$SITE" >&2
fi

FILES=$(find "$SITE" -type f -not -path '*/.*' | wc -l)
BYTES=$(find "$SITE" -type f -not -path '*/.*' -printf '%s\n' | awk '{s += $1} END {print s}')

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$PORT/moto-api/" >/dev/null 2>&1 && break
    sleep 0.2
done
EP="http://127.0.0.1:$PORT"
curl -fs -X PUT "$EP/bench-seecovid" >/dev/null
curl -fs -X PUT "$EP/bench-awscli" >/dev/null

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
now() { date +%s.%N; }
puts() { grep -c "\"PUT /$1/" "$WORK/moto.log" || true; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

t0=$(now); "$BIN" sync "$SITE" s3://bench-seecovid/site --delete --endpoint-url "$EP" >/dev/null 2>&1; t1=$(now)
p1=$(puts bench-seecovid)
"$BIN" sync "$SITE" s3://bench-seecovid/site --delete --endpoint-url "$EP" >/dev/null 2>&1; t2=$(now)
p2=$(( $(puts bench-seecovid) - p1 ))

t3=$(now); aws --endpoint-url "$EP" s3 sync "$SITE" s3://bench-awscli/site --delete --only-show-errors; t4=$(now)
a1=$(puts bench-awscli)
aws --endpoint-url "$EP" s3 sync "$SITE" s3://bench-awscli/site --delete --only-show-errors; t5=$(now)
a2=$(( $(puts bench-awscli) - a1 ))

S_FIRST=$(elapsed "$t0" "$t1"); S_RE=$(elapsed "$t1" "$t2")
A_FIRST=$(elapsed "$t3" "$t4"); A_RE=$(elapsed "$t4" "$t5")
echo "site: $SITE: $FILES files, $BYTES bytes"
printf '%-16s %12s %10s %16s %10s\n' tool "first sync" PUTs "unchanged sync" PUTs
printf '%-16s %11ss %10s %15ss %10s\n' "seecovid sync" "$S_FIRST" "$p1" "$S_RE" "$p2"
printf '%-16s %11ss %10s %15ss %10s\n' "aws s3 sync" "$A_FIRST" "$a1" "$A_RE" "$a2"

ok=$(python3 -c "print(int($p2 == 0 and $S_RE < $A_RE / 3))")
if [ "$ok" != 1 ]; then
    echo "FAIL: the unchanged re-sync must upload nothing and take under a third of awscli's time" >&2
    exit 1
fi
echo "ok: unchanged re-sync uploads nothing, $(python3 -c "print(f'{$A_RE / max($S_RE, 0.001):.1f}')")x faster than awscli"
