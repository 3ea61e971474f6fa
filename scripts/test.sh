#!/usr/bin/env bash
# The whole test suite, as CI runs it (`make test`):
#   1. install what is missing (scripts/setup.sh test);
#   2. build the release site once (wasm + server), reused by every step;
#   3. start a throwaway embedded Postgres and run the Rust tests against
#      it: each database test creates its own database there;
#   4. run the Playwright tests in Debian's Chromium against the release
#      server, started on a fresh data directory (its own embedded Postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1;35m==>\033[0m %s\n' "$*"; }

./scripts/setup.sh test

say "checking formatting"
cargo fmt --all --check

say "building the release site (wasm bundle, CSS, server)"
cargo leptos build --release --precompress
# The cluster tool and the backends' stand-ins, from the same release build.
cargo build --release --quiet -p easel-embedded-pg --bin easel-pg -p easel-standins --bin easel-standins
pg=target/release/easel-pg

# A short path outside the checkout: unix socket paths are limited to 107
# bytes, and when tests run as root PostgreSQL runs as `postgres`, which
# must be able to enter the folder.
tmp=${TMPDIR:-/tmp}
test_pg="$tmp/easel-test-pg-$(id -u)-$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)"
e2e_data=$(mktemp -d "$tmp/easel-e2e-XXXXXX")
chmod 755 "$test_pg" "$e2e_data" 2>/dev/null || true
cleanup() {
  "$pg" --data-dir "$e2e_data" stop >/dev/null 2>&1 || true
  rm -rf "$e2e_data"
  "$pg" --data-dir "$test_pg" stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

say "starting the test database ($test_pg)"
# Durability is pointless for throwaway test databases; speed is not.
"$pg" --data-dir "$test_pg" start \
  --setting fsync=off --setting synchronous_commit=off --setting full_page_writes=off \
  --setting max_connections=300
export DATABASE_URL
DATABASE_URL=$("$pg" --data-dir "$test_pg" url)

say "unit and Postgres integration tests"
# Release profile: reuses everything `cargo leptos build --release` compiled.
cargo test --release --lib --bins --tests

say "browser tests (Playwright, Debian Chromium)"
chmod 755 "$e2e_data"
# Without DATABASE_URL: the e2e server runs its own embedded PostgreSQL in
# the fresh data directory, exactly as `make run` does.
(cd end2end && env -u DATABASE_URL EASEL_E2E_DATA_DIR="$e2e_data" npx playwright test)
say "all tests passed"
