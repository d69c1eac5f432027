#!/usr/bin/env bash
# Build benchmark on the bundled data (docs/performance.md). Prints, in one run:
#   1. full build (--force): wall time, peak RSS, seconds per stage, files and bytes
#   2. no-op rebuild: wall time and files written
#   3. rebuild after touching one template (an override of region.html)
#   4. rebuild after changing one compare group in the config
# Usage: scripts/bench.sh [OUT_DIR]   (default: a temporary folder)
#   SEECOVID_BIN=path/to/seecovid scripts/bench.sh   measures that binary instead of building
#   one (with a target dir shared by several checkouts, target/release/seecovid may be
#   another checkout's build).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
if [ -n "${SEECOVID_BIN:-}" ]; then
    bin=$SEECOVID_BIN
else
    cargo build --release --quiet
    bin="$CARGO_TARGET_DIR/release/seecovid"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${1:-$work/out}
tpl=$work/templates
mkdir -p "$tpl"
cfg=$work/seecovid.toml
write_cfg() { # $1 = extra region of the bench group
    cat >"$cfg" <<TOML
[site]
templates = "$tpl"
[[compare.groups]]
name = "Bench group"
regions = ["germany", "france", "$1"]
TOML
}
write_cfg italy

run() { # label, args…
    local label=$1; shift
    local log=$work/log
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin" build --quiet --config "$cfg" --out "$out" "$@" 2>"$log" || {
        cat "$log" >&2
        exit 1
    }
    read -r wall rss <"$work/time"
    local summary
    summary=$(grep -E '^(built|.* is up to date)' "$log" | tail -1)
    printf '%-28s wall %6.2f s   peak RSS %5d MB\n' "$label" "$wall" $((rss / 1024))
    echo "    $summary"
    grep -E '^\[' "$log" | sed 's/^/    /' || true
}

echo "seecovid build benchmark — $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
run "full build (--force)" --force
run "no-op rebuild"
# A visible edit inside the page body (text outside a block is ignored by Tera).
sed 's|<h2 id="compare">How it compares</h2>|<h2 id="compare">How it compares (bench)</h2>|' \
    templates/region.html >"$tpl/region.html"
run "one template touched"
write_cfg spain
run "one compare group changed"
