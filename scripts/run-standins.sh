#!/usr/bin/env bash
# Serves the studio with every remote backend pointed at its local
# stand-in (OpenAI, Stability, AUTOMATIC1111, ComfyUI, the Midjourney
# proxy), so the whole UI can be tried offline: `make run-standins`.
# The stand-ins are for trying and testing only; they accept their fixed
# test keys and draw simple pictures.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh run
cargo leptos build --release --precompress
cargo build --release --quiet -p easel-standins --bin easel-standins

./target/release/easel-standins >/dev/null 2>&1 &
standins=$!
trap 'kill "$standins" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (echo >/dev/tcp/127.0.0.1/8188) 2>/dev/null && break
  sleep 0.1
done

export EASEL_OPENAI_BASE_URL=http://127.0.0.1:4010/v1
export EASEL_OPENAI_API_KEY=sk-standin
export EASEL_STABILITY_BASE_URL=http://127.0.0.1:4011
export EASEL_STABILITY_API_KEY=sk-standin
export EASEL_A1111_BASE_URL=http://127.0.0.1:7860
export EASEL_COMFYUI_BASE_URL=http://127.0.0.1:8188
export EASEL_MIDJOURNEY_BASE_URL=http://127.0.0.1:4012
export EASEL_MIDJOURNEY_API_KEY=mj-standin
export EASEL_MIDJOURNEY_POLL_MILLIS=500
./target/release/easel serve --data-dir "${EASEL_DATA_DIR:-./data}"
