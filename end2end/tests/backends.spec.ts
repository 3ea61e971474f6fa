import { expect, test, type Locator, type Page } from "@playwright/test";
import { hydrated, logIn, register, screenshot, uniqueName } from "./helpers";

// The e2e server talks to the stand-ins started by playwright.config.ts
// (OpenAI, ComfyUI, AUTOMATIC1111, Midjourney) and to a Stability URL
// where nothing listens, so that backend shows as unreachable.
const password = "correct horse battery";

/** Whether an <img> has loaded real pixels. */
async function loadedWidth(image: Locator): Promise<number> {
  return image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
}

/** Picks a model by its id in the grouped picker. */
async function pickModel(page: Page, id: string): Promise<void> {
  await page.getByTestId("model").selectOption(id);
  await expect(page.getByTestId("model")).toHaveValue(id);
}

test("the model picker groups models by backend and shows unreachable ones with the reason", async ({ page }, info) => {
  await register(page, uniqueName("uma"), password);
  const picker = page.getByTestId("model");
  for (const group of ["Built-in, offline", "OpenAI", "ComfyUI", "AUTOMATIC1111", "Midjourney (proxy)", "Stability AI"]) {
    await expect(picker.locator(`optgroup[label="${group}"]`)).toHaveCount(1);
  }
  const stability = picker.locator('optgroup[label="Stability AI"] option').first();
  await expect(stability).toBeDisabled();
  await expect(stability).toHaveText(/cannot be reached/);
  await screenshot(page, info, "model-picker");
});

test("generate through the ComfyUI stand-in with its sampler controls and live previews", async ({ page }, info) => {
  test.setTimeout(120_000);
  await register(page, uniqueName("vic"), password);
  const comfy = page.locator('[data-testid="model"] optgroup[label="ComfyUI"] option').first();
  const comfyId = (await comfy.getAttribute("value")) ?? "";
  expect(comfyId).toMatch(/^comfyui:/);
  await pickModel(page, comfyId);

  // ComfyUI's controls: steps, CFG, sampler and schedule from /object_info.
  await expect(page.getByTestId("cfg")).toBeVisible();
  await expect(page.getByTestId("sampler")).toBeVisible();
  await expect(page.getByTestId("sampler").locator("option")).not.toHaveCount(0);
  await page.getByTestId("sampler").selectOption("euler_ancestral");
  await expect(page.getByTestId("quality")).toHaveCount(0);

  await page.getByTestId("prompt").fill("a (green:1.2) valley with a river, dawn");
  await page.getByTestId("steps").fill("12");
  await page.getByTestId("generate").click();
  const card = page.getByTestId("job-card").first();
  await expect(card).toHaveAttribute("data-status", "running", { timeout: 30_000 });
  await expect(card.getByTestId("job-preview")).toBeVisible({ timeout: 30_000 });
  await screenshot(page, info, "comfyui-progress");
  await expect(card).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  const result = card.getByTestId("job-result-image");
  await expect(result).toHaveCount(1);
  await expect.poll(() => loadedWidth(result)).toBeGreaterThan(0);

  // The gallery's detail keeps ComfyUI's model and the sampler.
  await result.click();
  await expect(page).toHaveURL(/\/gallery\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("infotext")).toContainText("green");
  await screenshot(page, info, "comfyui-detail");
});

test("generate through the OpenAI stand-in: DALL-E 3 keeps its revised prompt", async ({ page }, info) => {
  test.setTimeout(120_000);
  await register(page, uniqueName("wen"), password);
  await pickModel(page, "openai:dall-e-3");

  // DALL-E 3's controls: fixed sizes, quality and style; no steps, seed or negative prompt.
  await expect(page.getByTestId("steps")).toHaveCount(0);
  await expect(page.getByTestId("seed")).toHaveCount(0);
  await expect(page.getByTestId("negative-prompt")).toHaveCount(0);
  await expect(page.getByTestId("quality")).toBeVisible();
  await page.getByTestId("quality").selectOption("hd");
  await page.getByTestId("style").selectOption("natural");
  await page.locator('[data-testid="size-preset"][data-size="1792x1024"]').click();

  await page.getByTestId("prompt").fill("a lighthouse keeper's cat asleep on a windowsill");
  await page.getByTestId("generate").click();
  const card = page.getByTestId("job-card").first();
  await expect(card).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  const result = card.getByTestId("job-result-image");
  await expect(result).toHaveCount(1);
  await expect.poll(() => loadedWidth(result)).toBeGreaterThan(0);
  await screenshot(page, info, "openai-done");
  await result.click();
  await expect(page.getByTestId("detail-size")).toHaveText("1792 × 1024");
  await expect(page.getByTestId("revised-prompt")).toContainText("lighthouse keeper");
  await screenshot(page, info, "openai-detail");
});

test("a refused prompt is shown as a refusal", async ({ page }) => {
  test.setTimeout(60_000);
  await register(page, uniqueName("xia"), password);
  await pickModel(page, "openai:dall-e-3");
  await page.getByTestId("prompt").fill("something forbidden");
  await page.getByTestId("generate").click();
  const card = page.getByTestId("job-card").first();
  await expect(card).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  await expect(card).toContainText("Refused by OpenAI's safety system");
});

test("an admin sees every backend's state on the Settings page, and never a key", async ({ page }, info) => {
  await page.goto("/login");
  await logIn(page, "e2e-admin", "admin password for e2e");
  await expect(page).toHaveURL("/");
  await page.goto("/settings");
  await hydrated(page);
  const backends = page.getByTestId("backend");
  await expect(page.getByTestId("backends")).toBeVisible();
  await expect(backends).toHaveCount(6);
  await expect(page.locator('[data-backend="openai"]')).toHaveAttribute("data-reachable", "true");
  await expect(page.locator('[data-backend="comfyui"]')).toHaveAttribute("data-reachable", "true");
  const stability = page.locator('[data-backend="stability"]');
  await expect(stability).toHaveAttribute("data-reachable", "false");
  await expect(stability.getByTestId("backend-error")).toContainText("cannot be reached");
  await page.getByTestId("check-backends").click();
  await expect(page.getByTestId("check-backends")).toHaveText("Check now");
  await expect(page.locator("body")).not.toContainText("sk-standin");
  await expect(page.locator("body")).not.toContainText("mj-standin");
  await screenshot(page, info, "settings-backends");
});

test("members do not see the backends section, and its server function refuses them", async ({ page }) => {
  await register(page, uniqueName("yan"), password);
  await page.goto("/settings");
  await hydrated(page);
  await expect(page.getByTestId("backends")).toHaveCount(0);
  const response = await page.request.post("/api/backends/status", { data: "" });
  expect(response.status()).toBe(403);
});

test("Midjourney: a grid becomes four gallery images, and U upscales one of them", async ({ page }, info) => {
  test.setTimeout(120_000);
  await register(page, uniqueName("zed"), password);
  await pickModel(page, "midjourney:v6");
  await expect(page.getByTestId("steps")).toHaveCount(0);
  await page.locator('[data-testid="size-preset"]').first().click();
  await page.getByTestId("prompt").fill("a paper lantern festival over a river");
  await page.getByTestId("generate").click();
  const card = page.getByTestId("job-card").first();
  await expect(card).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(card.getByTestId("job-result-image")).toHaveCount(4);

  await page.goto("/gallery");
  await expect(page.getByTestId("gallery-item")).toHaveCount(4);
  await page.getByTestId("gallery-item").nth(2).click();
  const upscale = page.getByTestId("derive-upscale");
  await expect(upscale).toContainText("Midjourney (proxy)");
  await screenshot(page, info, "midjourney-detail");
  await upscale.click();
  await expect(page.getByTestId("derive-queued")).toBeVisible();
  await page.getByTestId("derive-queued").getByRole("link").click();
  const upscaled = page.getByTestId("job-card").first();
  await expect(upscaled).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(upscaled.getByTestId("job-result-image")).toHaveCount(1);
  await page.goto("/gallery");
  await expect(page.getByTestId("gallery-item")).toHaveCount(5);
});
