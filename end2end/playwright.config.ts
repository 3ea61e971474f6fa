import { defineConfig, devices } from "@playwright/test";
import { mkdtempSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The server under test is the release build, on a fresh data directory:
// it creates its own embedded Postgres, exactly as `make run` does.
const port = Number(process.env.EASEL_E2E_PORT ?? 3100);
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
  webServer: {
    command: `../target/release/easel serve --bind 127.0.0.1:${port} --data-dir ${dataDir} --site-root ../target/site`,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
  },
});
