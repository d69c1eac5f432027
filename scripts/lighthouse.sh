#!/usr/bin/env bash
# Lighthouse 12 (mobile defaults: Moto G Power emulation, simulated slow 4G) on a built site
# served by Debian's nginx with the project's own configuration (deploy/nginx, baked mode),
# as visitors get it. Prints performance, accessibility, CLS, LCP and total blocking time
# per page, and exits non-zero when a page misses the targets of docs/performance.md:
# performance >= 90, accessibility 100, CLS < 0.1.
#
#   scripts/lighthouse.sh [OUTPUT_DIR] [PAGE...]
#
# OUTPUT_DIR defaults to output/ (build it first: cargo run --release -- build); pages are
# paths under it and default to the overview, the explorer, a region page and compare-any.
# Reports (JSON) are kept in $LIGHTHOUSE_REPORTS (default target/lighthouse/).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

site=$(realpath "${1:-output}")
shift || true
pages=("$@")
if ((${#pages[@]} == 0)); then
    pages=(index.html heatmaps/index.html regions/germany.html compare/any.html)
fi
[ -f "$site/index.html" ] || { echo "lighthouse.sh: $site has no index.html; build the site first" >&2; exit 2; }

log() { echo "[lighthouse.sh] $*" >&2; }

command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
    log "installing nginx and chromium"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx chromium >/dev/null
}
[ -x /usr/bin/chromium ] || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
}
if [ ! -f tools/lighthouse/node_modules/.package-lock.json ] ||
    [ tools/lighthouse/package-lock.json -nt tools/lighthouse/node_modules/.package-lock.json ]; then
    log "installing lighthouse (npm ci in tools/lighthouse)"
    (cd tools/lighthouse && npm ci --no-audit --no-fund --silent)
fi

# An nginx prefix laid out like /etc/nginx in the image (as tests/deploy/support.rs does).
work=$(mktemp -d /tmp/seecovid-lighthouse.XXXXXX)
chmod 755 "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/conf.d" "$work/seecovid"
cp deploy/nginx/conf.d/* "$work/conf.d/"
cp deploy/nginx/seecovid/* "$work/seecovid/"
sed -e "s|\${SEECOVID_LISTEN}|127.0.0.1:$port|" -e "s|\${SEECOVID_ROOT}|$site|" \
    deploy/nginx/templates/seecovid-baked.conf.template >"$work/conf.d/seecovid.conf"
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path $work/tmp_body;
    proxy_temp_path $work/tmp_proxy;
    fastcgi_temp_path $work/tmp_fastcgi;
    uwsgi_temp_path $work/tmp_uwsgi;
    scgi_temp_path $work/tmp_scgi;
    include conf.d/*.conf;
}
EOF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -p "$work/" -c "$work/nginx.conf" -e "$work/error.log" -g 'daemon off;' &
nginx_pid=$!
trap 'kill -QUIT $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
done

reports=${LIGHTHOUSE_REPORTS:-$repo/target/lighthouse}
mkdir -p "$reports"
fail=0
printf '%-28s %5s %5s %7s %8s %8s\n' page perf a11y CLS LCP_ms TBT_ms
for page in "${pages[@]}"; do
    name=$(echo "$page" | tr '/.' '__')
    out="$reports/$name.json"
    # Only loopback: the background-networking flags keep Chromium from calling out.
    tools/lighthouse/node_modules/.bin/lighthouse "http://127.0.0.1:$port/$page" \
        --quiet --output=json --output-path="$out" \
        --only-categories=performance,accessibility \
        --chrome-path=/usr/bin/chromium \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage" \
        >/dev/null 2>"$work/lh.err" || { cat "$work/lh.err" >&2; fail=1; continue; }
    read -r perf a11y cls lcp tbt < <(python3 - "$out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
print(round(c["performance"]["score"] * 100), round(c["accessibility"]["score"] * 100),
      a["cumulative-layout-shift"]["numericValue"], round(a["largest-contentful-paint"]["numericValue"]),
      round(a["total-blocking-time"]["numericValue"]))
PY
)
    printf '%-28s %5s %5s %7.3f %8s %8s\n' "$page" "$perf" "$a11y" "$cls" "$lcp" "$tbt"
    if ((perf < 90 || a11y < 100)) || ! python3 -c "import sys; sys.exit(0 if $cls < 0.1 else 1)"; then
        fail=1
    fi
done
if ((fail)); then
    log "some page misses performance >= 90, accessibility 100, CLS < 0.1 (reports: $reports)"
    exit 1
fi
