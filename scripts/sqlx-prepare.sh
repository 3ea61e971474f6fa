#!/usr/bin/env bash
# Regenerates `.sqlx/`, the offline data that lets sqlx's query macros check
# SQL at compile time without a database. Run it after changing a query or a
# migration (`make sqlx-prepare`), and commit `.sqlx/`.
#
# It starts the development cluster in target/dev-pg (the same embedded
# Postgres the server uses), applies migrations/, and rebuilds the crates
# that hold queries against it with SQLX_OFFLINE_DIR set, which makes the
# macros write one JSON file per query.
set -euo pipefail
cd "$(dirname "$0")/.."

data_dir=target/dev-pg
cargo build --quiet -p easel-embedded-pg --bin easel-pg
pg=target/debug/easel-pg
"$pg" --data-dir "$data_dir" start
"$pg" --data-dir "$data_dir" migrate --source migrations
url=$("$pg" --data-dir "$data_dir" url)

rm -rf .sqlx && mkdir .sqlx
# Query macros only run when their crate recompiles.
touch engine/src/lib.rs
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" DATABASE_URL="$url" \
  cargo check --quiet -p easel-engine --all-targets
echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"
