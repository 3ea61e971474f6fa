import { expect, test, type Locator, type Page, type WebSocketRoute } from "@playwright/test";
import { register, screenshot, uniqueName } from "./helpers";

const password = "correct horse battery";
const sunPrompt = "a red sun over a blue sea, mountains on the left";
const forestPrompt = "a misty pine forest at dawn, soft light";

/** Whether an <img> has loaded real pixels. */
async function loadedWidth(image: Locator): Promise<number> {
  return image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
}

/** Nothing on the page scrolls sideways. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test("generate with live progress, then find, remix and delete the image", async ({ page }, info) => {
  test.setTimeout(180_000);
  await register(page, uniqueName("iris"), password);
  await expect(page.getByTestId("link-state")).toHaveText("Live");
  await expect(page.getByTestId("queue-empty")).toBeVisible();

  // The first job, from the button. More steps leave time to watch it paint.
  await page.getByTestId("prompt").fill(sunPrompt);
  await page.getByTestId("steps").fill("150");
  await page.getByTestId("generate").click();
  const cards = page.getByTestId("job-card");
  await expect(cards).toHaveCount(1);
  const sun = cards.first();
  await expect(sun).toContainText(sunPrompt);

  // Live progress: a bar with a step count, and a preview of the painting.
  await expect(sun).toHaveAttribute("data-status", "running", { timeout: 30_000 });
  await expect(sun.getByTestId("job-progress")).toBeVisible();
  await expect(sun.getByTestId("job-step")).toHaveText(/Step \d+ of 150/);
  await expect(sun.getByTestId("job-preview")).toBeVisible({ timeout: 20_000 });
  await expect.poll(() => loadedWidth(sun.getByTestId("job-preview"))).toBeGreaterThan(0);
  await screenshot(page, info, "studio-progress");

  // The second job, from the keyboard, while the first one runs.
  await page.getByTestId("prompt").fill(forestPrompt);
  await page.getByTestId("steps").fill("20");
  await page.getByTestId("prompt").press("Control+Enter");
  await expect(cards).toHaveCount(2);
  const forest = cards.first();
  await expect(forest).toContainText(forestPrompt);

  // Both finish, and their images appear without a reload.
  for (const card of [sun, forest]) {
    await expect(card).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
    const result = card.getByTestId("job-result-image");
    await expect(result).toHaveCount(1);
    await expect.poll(() => loadedWidth(result)).toBeGreaterThan(0);
  }
  await expect(sun.getByTestId("job-progress")).toHaveCount(0);
  await expectNoSidewaysScroll(page);
  await screenshot(page, info, "studio-done");

  // The gallery: newest first, thumbnails that really load.
  await page.goto("/gallery");
  const items = page.getByTestId("gallery-item");
  await expect(items).toHaveCount(2);
  await expect(items.first().locator("img")).toHaveAttribute("alt", forestPrompt);
  for (const image of await items.locator("img").all()) {
    await image.scrollIntoViewIfNeeded();
    await expect.poll(() => loadedWidth(image)).toBeGreaterThan(0);
  }
  await expect(page.getByTestId("gallery-end")).toBeVisible();
  await expectNoSidewaysScroll(page);
  await screenshot(page, info, "gallery");

  // The detail page: the full image and what made it.
  await items.last().click();
  await expect(page).toHaveURL(/\/gallery\/[0-9a-f-]{36}$/);
  const detailUrl = page.url();
  const detail = page.getByTestId("image-detail");
  await expect(detail).toBeVisible();
  await expect(page.getByTestId("detail-prompt")).toHaveText(sunPrompt);
  await expect(page.getByTestId("detail-seed")).toHaveText(/^\d+$/);
  await expect(page.getByTestId("detail-steps")).toHaveText("150");
  await expect(page.getByTestId("infotext")).toContainText(sunPrompt);
  await expect.poll(() => loadedWidth(page.getByTestId("detail-image"))).toBeGreaterThan(0);
  const seed = (await page.getByTestId("detail-seed").textContent()) ?? "";
  const download = page.getByTestId("download");
  await expect(download).toHaveAttribute("href", /\/images\/[0-9a-f-]{36}\/download$/);
  const downloaded = await page.request.get((await download.getAttribute("href")) ?? "");
  expect(downloaded.status()).toBe(200);
  await expectNoSidewaysScroll(page);
  await screenshot(page, info, "image-detail");

  // Remix: back in the studio with the prompt, seed and steps filled in.
  await page.getByTestId("remix").click();
  await expect(page).toHaveURL(/\/\?remix=/);
  await expect(page.getByTestId("prompt")).toHaveValue(sunPrompt);
  await expect(page.getByTestId("seed")).toHaveValue(seed);
  await expect(page.getByTestId("seed-fixed")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("steps")).toHaveValue("150");
  await expect(page.getByTestId("remix-note")).toBeVisible();

  // Delete, after confirming: back to a gallery without it; it waits in
  // the trash, from where it can be restored.
  await page.goto(detailUrl);
  await page.getByTestId("delete-image").click();
  await screenshot(page, info, "confirm-delete");
  await page.getByTestId("confirm-delete").click();
  await expect(page).toHaveURL("/gallery");
  await expect(items).toHaveCount(1);
  await expect(items.first().locator("img")).toHaveAttribute("alt", forestPrompt);
  await page.goto("/gallery/trash");
  await expect(page.getByTestId("trash-item")).toHaveCount(1);
  await page.getByTestId("trash-item").click();
  await page.getByTestId("restore").click();
  await expect(page.getByTestId("trash-empty")).toBeVisible();
  await page.goto("/gallery");
  await expect(items).toHaveCount(2);
});

test("the studio checks a request before sending it", async ({ page }, info) => {
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/generation/submit")) sent.push(request.url());
  });
  await register(page, uniqueName("jay"), password);
  const generate = page.getByTestId("generate");

  // An empty prompt, an impossible size and a seed that is not a number.
  await generate.click();
  await expect(page.getByTestId("prompt-message")).toHaveText("Describe the image you want.");
  await page.getByTestId("width").fill("100");
  await expect(page.getByTestId("size-message")).toContainText("100x512 is not available");
  await page.getByTestId("seed-fixed").click();
  await page.getByTestId("seed").fill("twelve");
  await expect(page.getByTestId("seed-message")).toContainText("Enter a seed from 0 to");
  await expectNoSidewaysScroll(page);
  await screenshot(page, info, "studio-errors");

  // Messages follow the edits.
  await page.getByTestId("prompt").fill("a lighthouse");
  await expect(page.getByTestId("prompt-message")).toBeEmpty();
  await page.getByTestId("size-preset").first().click();
  await expect(page.getByTestId("size-message")).toBeEmpty();
  await page.getByTestId("dice").click();
  await expect(page.getByTestId("seed")).toHaveValue(/^\d+$/);
  await expect(page.getByTestId("seed-message")).toBeEmpty();
  expect(sent, "invalid requests never reach the server").toHaveLength(0);
});

test("an empty gallery says so, and a missing image is not found", async ({ page }) => {
  await register(page, uniqueName("kit"), password);
  await page.goto("/gallery");
  await expect(page.getByRole("heading", { name: "Gallery" })).toBeVisible();
  await expect(page.getByTestId("gallery-empty")).toBeVisible();
  const response = await page.goto("/gallery/00000000-0000-0000-0000-000000000000");
  expect(response?.status()).toBe(404);
  await expect(page.getByText("This image does not exist, or it was deleted.")).toBeVisible();
});

test("a job can be cancelled while it runs", async ({ page }, info) => {
  test.setTimeout(90_000);
  await register(page, uniqueName("lou"), password);
  await page.getByTestId("prompt").fill("a very large and very slow cathedral");
  await page.locator('[data-testid="size-preset"][data-size="2048x2048"]').click();
  await page.getByTestId("steps").fill("150");
  await page.getByTestId("count-4").click();
  await page.getByTestId("generate").click();
  const card = page.getByTestId("job-card");
  await expect(card).toHaveAttribute("data-status", "running", { timeout: 30_000 });
  await card.getByTestId("job-cancel").click();
  await expect(card).toHaveAttribute("data-status", "cancelled", { timeout: 30_000 });
  await expect(card.getByTestId("job-cancel")).toHaveCount(0);
  await expect(card.getByTestId("job-result-image")).toHaveCount(0);
  await screenshot(page, info, "studio-cancelled");
});

test("the queue reconnects and resumes when the progress socket drops", async ({ page }) => {
  test.setTimeout(90_000);
  const sockets: WebSocketRoute[] = [];
  const sent: string[] = [];
  await page.routeWebSocket(/\/ws\/progress$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      sent.push(String(message));
      server.send(message);
    });
    sockets.push(socket);
  });
  await register(page, uniqueName("max"), password);
  const link = page.getByTestId("link-state");
  await expect(link).toHaveText("Live");
  await page.getByTestId("prompt").fill("a paper boat on a puddle");
  await page.getByTestId("generate").click();
  const card = page.getByTestId("job-card");
  await expect(card).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  const jobId = (await card.getAttribute("data-job-id")) ?? "";

  // The server goes away (as on a restart): the studio reconnects on its
  // own and resumes from the sequence numbers it holds.
  const connections = sockets.length;
  await sockets[connections - 1].close({ code: 1012, reason: "restarting" });
  await expect.poll(() => sockets.length, { timeout: 15_000 }).toBeGreaterThan(connections);
  await expect(link).toHaveText("Live");
  await expect.poll(() => sent.at(-1) ?? "").toContain(jobId);
  expect(JSON.parse(sent.at(-1) ?? "{}")).toMatchObject({ type: "resume" });

  // Live progress still arrives on the new socket.
  await page.getByTestId("prompt").fill("a second paper boat");
  await page.getByTestId("generate").click();
  await expect(page.getByTestId("job-card")).toHaveCount(2);
  await expect(page.getByTestId("job-card").first()).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("job-card").first().getByTestId("job-result-image")).toHaveCount(1);
});
