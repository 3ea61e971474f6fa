import { expect, test, type Page } from "@playwright/test";
import { hydrated, pageErrors, register, screenshot, uniqueName } from "./helpers";

const password = "correct horse battery";
const prompts = ["a lighthouse on a cliff at sunset", "a red fox in the snow", "a whale under the sea"];

/** Generates each prompt with few steps and waits until all are done. */
async function generate(page: Page, list: string[]): Promise<void> {
  for (const prompt of list) {
    await page.getByTestId("prompt").fill(prompt);
    await page.getByTestId("steps").fill("4");
    await page.getByTestId("generate").click();
  }
  const cards = page.getByTestId("job-card");
  await expect(cards).toHaveCount(list.length);
  for (let i = 0; i < list.length; i++) {
    await expect(cards.nth(i)).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  }
}

test("organise images into a public gallery that strangers can read, with JavaScript or without", async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const errors = pageErrors(page);
  await register(page, uniqueName("gale"), password);
  await generate(page, prompts);

  // Search: full text stems words, and the query lives in the URL.
  await page.goto("/gallery");
  await hydrated(page);
  await page.getByLabel("Search prompts").fill("foxes");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/gallery\?q=foxes/);
  await expect(page.getByTestId("gallery-item")).toHaveCount(1);
  await expect(page.getByTestId("gallery-item").locator("img")).toHaveAttribute("alt", prompts[1]);
  await screenshot(page, info, "gallery-search");

  // A gallery, then a bulk selection into it.
  await page.goto("/galleries");
  await hydrated(page);
  await page.getByPlaceholder("New gallery name").fill("Coasts");
  await page.getByRole("button", { name: "Create gallery" }).click();
  await expect(page.getByTestId("gallery-name")).toHaveText("Coasts");
  await page.goto("/gallery");
  await hydrated(page);
  const items = page.getByTestId("gallery-item");
  await expect(items).toHaveCount(3);
  await page.getByTestId("select-image").nth(0).click();
  await items.nth(2).click({ modifiers: ["Shift"] });
  await expect(page.getByTestId("selected-count")).toHaveText("3 selected");
  await page.getByTestId("bulk-tag").fill("Seaside");
  await page.getByTestId("bulk-tag-add").click();
  await expect(page.getByTestId("bulk-status")).toHaveText("Tagged 3 images.");
  await page.getByTestId("bulk-gallery").selectOption({ label: "Coasts" });
  await page.getByTestId("bulk-add-to-gallery").click();
  await expect(page.getByTestId("bulk-status")).toHaveText("Added 3 images.");
  await screenshot(page, info, "gallery-bulk");

  // Publish it, hiding the prompts.
  await page.goto("/galleries");
  await page.getByTestId("gallery-card").first().click();
  await hydrated(page);
  await expect(page.getByTestId("gallery-image")).toHaveCount(3);
  await page.getByTestId("make-public").check();
  const link = page.getByTestId("public-link");
  await expect(link).toContainText("/g/");
  await page.getByTestId("show-prompts").uncheck();
  await expect(page.getByTestId("show-prompts")).not.toBeChecked();
  await screenshot(page, info, "gallery-sharing");
  const publicUrl = (await link.textContent())!.trim();
  const path = new URL(publicUrl).pathname;

  // A stranger, logged out.
  await page.waitForTimeout(300);
  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  const response = await visitor.goto(path);
  expect(response!.status()).toBe(200);
  await expect(visitor.getByTestId("public-title")).toHaveText("Coasts");
  await expect(visitor.getByTestId("public-image")).toHaveCount(3);
  await expect(visitor.getByTestId("public-prompt")).toHaveCount(0);
  const html = await response!.text();
  for (const prompt of prompts) expect(html).not.toContain(prompt);
  await expect(visitor.locator('meta[property="og:image"]')).toHaveAttribute("content", /^http:\/\/127\.0\.0\.1:\d+\/g\/.+\/thumb\/512$/);
  await expect(visitor.locator('meta[name="twitter:card"]')).toHaveAttribute("content", "summary_large_image");
  await expect(visitor.locator('meta[name="robots"]')).toHaveAttribute("content", "noindex");
  const widths = await visitor.getByTestId("public-image").locator("img").evaluateAll((imgs) =>
    Promise.all((imgs as HTMLImageElement[]).map((img) => img.decode().then(() => img.naturalWidth))),
  );
  expect(widths.every((w) => w > 0)).toBe(true);
  await screenshot(visitor, info, "public-gallery");
  await stranger.close();

  // And with JavaScript off: the same page, whole.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const reader = await noScript.newPage();
  await reader.goto(path);
  await expect(reader.getByTestId("public-title")).toHaveText("Coasts");
  await expect(reader.getByTestId("public-image")).toHaveCount(3);
  await screenshot(reader, info, "public-gallery-no-js");
  await noScript.close();

  // The tag filter, from the URL.
  await page.goto("/gallery?tag=seaside");
  await expect(page.getByTestId("gallery-item")).toHaveCount(3);
  expect(errors).toEqual([]);
});
