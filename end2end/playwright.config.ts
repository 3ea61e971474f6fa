import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The server under test is the release build, on a fresh data directory:
// it creates its own embedded Postgres, exactly as `make run` does.
const port = Number(process.env.EASEL_E2E_PORT ?? 3100);
// The stand-ins' ports (away from the real backends' defaults).
const standins = {
  openai: port + 10,
  stability: port + 11,
  a1111: port + 12,
  comfyui: port + 13,
  midjourney: port + 14,
  // Nothing listens here: the Stability backend is unreachable.
  deadStability: port + 19,
};
const dataDir = process.env.EASEL_E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), "easel-e2e-"));
// When run as root, PostgreSQL runs as `postgres` and must enter the folder.
chmodSync(dataDir, 0o755);

// Debian's Chromium; these flags keep it from reaching for a network it
// does not have.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  // Two cores: one browser at a time is faster than contention.
  workers: 1,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: chromium,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions: chromium } },
    { name: "phone", use: { ...devices["Pixel 7"], launchOptions: chromium } },
  ],
  webServer: [
    // The backends' stand-ins (the same servers the Rust tests use), on
    // their own ports; Stability points at a port where nothing listens.
    {
      command: `../target/release/easel-standins --openai-port ${standins.openai} --stability-port ${standins.stability} --a1111-port ${standins.a1111} --comfyui-port ${standins.comfyui} --midjourney-port ${standins.midjourney} --step-millis 60`,
      url: `http://127.0.0.1:${standins.comfyui}/_standin/requests`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // An admin made headlessly (as `easel user create --admin` would on
      // a server), then the studio.
      command: `sh -c 'echo "admin password for e2e" | ../target/release/easel user create e2e-admin --admin --password-stdin --data-dir ${dataDir} && exec ../target/release/easel serve --bind 127.0.0.1:${port} --data-dir ${dataDir} --site-root ../target/site'`,
      url: `http://127.0.0.1:${port}/readyz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
      env: {
        EASEL_OPENAI_BASE_URL: `http://127.0.0.1:${standins.openai}/v1`,
        EASEL_OPENAI_API_KEY: "sk-standin",
        EASEL_STABILITY_BASE_URL: `http://127.0.0.1:${standins.deadStability}`,
        EASEL_STABILITY_API_KEY: "sk-standin",
        EASEL_STABILITY_TIMEOUT_SECS: "5",
        EASEL_A1111_BASE_URL: `http://127.0.0.1:${standins.a1111}`,
        EASEL_COMFYUI_BASE_URL: `http://127.0.0.1:${standins.comfyui}`,
        EASEL_MIDJOURNEY_BASE_URL: `http://127.0.0.1:${standins.midjourney}`,
        EASEL_MIDJOURNEY_API_KEY: "mj-standin",
        EASEL_MIDJOURNEY_POLL_MILLIS: "200",
      },
    },
  ],
});
