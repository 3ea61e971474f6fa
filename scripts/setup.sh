#!/usr/bin/env bash
# Installs what building, running and testing Easel need, when missing.
# Safe to run any number of times: each step checks before it acts.
#
#   scripts/setup.sh run    the toolchain for building and serving
#   scripts/setup.sh test   the above, plus Chromium and Playwright
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
CARGO_LEPTOS_VERSION=0.3.11

say() { printf '\033[1;35m==>\033[0m %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif have sudo; then sudo "$@"; else
  echo "need root to run: $*" >&2; exit 1; fi; }
apt_install() {
  if ! have apt-get; then
    echo "please install these packages with your system's package manager: $*" >&2; exit 1
  fi
  say "installing $* (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

have cargo || { echo "Rust is not installed: see https://rustup.rs" >&2; exit 1; }

# The browser bundle's target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# cargo-leptos. Its lock file needs a newer rustc than stable 1.95, so it is
# built with the machine's nightly when there is one, else from its source
# with one dependency held back (see TOOLCHAIN notes in the README).
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes about 12 minutes on 2 cores)"
  if rustup toolchain list | grep -q '^nightly'; then
    cargo +nightly install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION"
  else
    # Fetch the source (the locked install fails, but leaves it unpacked).
    cargo install --locked cargo-leptos --version "$CARGO_LEPTOS_VERSION" >/dev/null 2>&1 || true
    src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cargo-leptos-"$CARGO_LEPTOS_VERSION" | head -1)
    work=$(mktemp -d)
    cp -r "$src" "$work/cargo-leptos"
    (cd "$work/cargo-leptos" && cargo update -p cargo-util-schemas --precise 0.14.1 && cargo install --locked --path .)
    rm -rf "$work"
  fi
fi

# The wasm-bindgen CLI must be exactly the version of the crate in Cargo.lock.
wbg_lock=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg_lock" ]; then
  say "installing wasm-bindgen-cli $wbg_lock (matches Cargo.lock)"
  # Not --locked: its lock names a webpki-roots release the registry lacks.
  cargo install wasm-bindgen-cli --version "$wbg_lock"
fi

# Tailwind and wasm-opt, from npm (cargo-leptos runs node_modules/.bin first).
have npm || apt_install nodejs npm
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the npm build tools"
  npm ci --no-audit --no-fund
fi

# PostgreSQL's server programs for the embedded database.
if ! have pg_ctl && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt_install postgresql
fi

if [ "$mode" = test ]; then
  [ -x /usr/bin/chromium ] || apt_install chromium
  if [ ! -f end2end/node_modules/.package-lock.json ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing Playwright (no browser download: tests use Debian's Chromium)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi
say "tools ready"
