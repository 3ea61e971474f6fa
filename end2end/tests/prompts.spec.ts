import { expect, test, type Locator, type Page } from "@playwright/test";
import { register, screenshot, uniqueName } from "./helpers";

const password = "correct horse battery";

/** Whether an <img> has loaded real pixels. */
async function loadedWidth(image: Locator): Promise<number> {
  return image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0));
}

/** Nothing on the page scrolls sideways. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test("build a prompt with chips and a style, preview it, generate, and find it in History", async ({ page }, info) => {
  test.setTimeout(150_000);
  await register(page, uniqueName("pia"), password);

  // Chips compose the prompt, subject first.
  await page.getByTestId("toggle-builder").click();
  const builder = page.getByTestId("prompt-builder");
  await expect(builder).toBeVisible();
  await builder.getByTestId("chip-input-subject").fill("a lighthouse on a cliff");
  await builder.getByTestId("chip-input-subject").press("Enter");
  await builder.locator('[data-category="lighting"]').getByTestId("chip-suggestion").first().click();
  await builder.getByTestId("chip-input-mood").fill("serene");
  await builder.getByTestId("chip-input-mood").press("Enter");
  await expect(builder.getByTestId("chip")).toHaveCount(3);
  const prompt = page.getByTestId("prompt");
  await expect(prompt).toHaveValue(/^a lighthouse on a cliff, .+, serene$/);
  await screenshot(page, info, "studio-builder");

  // A choice makes the prompt dynamic: two random picks.
  const composed = await prompt.inputValue();
  await prompt.fill(composed.replace("a lighthouse", "a {red|white} lighthouse"));
  await expect(page.getByTestId("expansion")).toBeVisible();
  await page.getByTestId("expansion-all").click();
  await expect(page.getByTestId("expansion-summary")).toHaveText("2 combinations");

  // A style from the picker, with its preview image.
  await page.getByTestId("toggle-styles").click();
  const picker = page.getByTestId("style-picker");
  await expect(picker).toBeVisible();
  // Every preview in view loads (drawn by the built-in engine).
  const firstCards = picker.getByTestId("style-option").locator("img");
  for (const preview of (await firstCards.all()).slice(0, 8)) {
    await expect.poll(() => loadedWidth(preview), { timeout: 30_000 }).toBeGreaterThan(0);
  }
  await screenshot(page, info, "style-picker");
  await picker.getByTestId("style-filter").fill("watercolo");
  const watercolor = picker.locator('[data-testid="style-option"][data-style="watercolor"]');
  await expect(watercolor).toBeVisible();
  await expect.poll(() => loadedWidth(watercolor.locator("img")), { timeout: 20_000 }).toBeGreaterThan(0);
  await watercolor.click();
  await expect(watercolor).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("selected-style")).toHaveAttribute("data-style", "watercolor");
  await expect(page.getByTestId("toggle-styles")).toHaveText("Styles · 1");

  // The preview shows both final prompts, wrapped in the style, with lengths.
  const preview = page.getByTestId("prompt-preview");
  await expect(preview.getByTestId("preview-prompt")).toHaveCount(2);
  await expect(preview.getByTestId("preview-prompt").first()).toContainText("a red lighthouse on a cliff");
  await expect(preview.getByTestId("preview-prompt").last()).toContainText("a white lighthouse on a cliff");
  await expect(preview).toContainText(/watercolou?r/i);
  await expect(preview.getByTestId("preview-length").first()).toHaveText(/^\d+ \/ 2000 characters/);
  await expectNoSidewaysScroll(page);
  await screenshot(page, info, "studio-styles-preview");

  // Generate: one job per combination.
  await page.getByTestId("steps").fill("8");
  await page.getByTestId("generate").click();
  const cards = page.getByTestId("job-card");
  await expect(cards).toHaveCount(2);
  for (const card of await cards.all()) {
    await expect(card).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  }

  // History: the prompt as written, its two expansions, thumbnails.
  await page.goto("/history");
  const entry = page.getByTestId("history-entry").first();
  await expect(entry).toContainText("a {red|white} lighthouse on a cliff");
  await expect(entry.getByTestId("history-thumb")).toHaveCount(2);
  for (const thumb of await entry.getByTestId("history-thumb").locator("img").all()) {
    await expect.poll(() => loadedWidth(thumb)).toBeGreaterThan(0);
  }
  await page.getByTestId("history-search").fill("lighthou");
  await expect(page.getByTestId("history-entry")).toHaveCount(1);
  await page.getByTestId("history-search").fill("submarine");
  await expect(page.getByTestId("history-entry")).toHaveCount(0);
  await page.getByTestId("history-search").fill("");
  await expect(page.getByTestId("history-entry")).toHaveCount(1);
  await entry.getByTestId("history-star").click();
  await page.getByTestId("history-starred").click();
  await expect(page.getByTestId("history-entry")).toHaveCount(1);
  await expectNoSidewaysScroll(page);
  await screenshot(page, info, "history");

  // Open it in the Studio: prompt, style and expansion come back.
  await page.getByTestId("history-open").first().click();
  await expect(page).toHaveURL(/\/\?history=/);
  await expect(prompt).toHaveValue(/a \{red\|white\} lighthouse/);
  await expect(page.getByTestId("selected-style")).toHaveAttribute("data-style", "watercolor");
  await expect(page.getByTestId("expansion-all")).toHaveAttribute("aria-pressed", "true");
});

test("a syntax error points at the prompt before anything is sent", async ({ page }) => {
  const sent: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/generation/submit")) sent.push(request.url());
  });
  await register(page, uniqueName("quin"), password);
  await page.getByTestId("prompt").fill("a {fox|cat in the snow");
  await page.getByTestId("generate").click();
  await expect(page.getByTestId("prompt-message")).toContainText("never closed");
  await page.getByTestId("prompt").fill("a portrait of __nobody__");
  await expect(page.getByTestId("prompt-message")).toContainText("nobody");
  expect(sent).toHaveLength(0);
});

test("templates: save one, use it in the Studio with its variable, and another user cannot see it", async ({ browser, page }, info) => {
  test.setTimeout(90_000);
  await register(page, uniqueName("rae"), password);
  await page.getByTestId("prompt").fill("portrait of {subject=a red fox}, soft light");
  await page.getByTestId("save-template").click();
  await expect(page).toHaveURL(/\/templates\?new=1/);
  await expect(page.getByTestId("template-form")).toBeVisible();
  await expect(page.getByTestId("template-prompt")).toHaveValue("portrait of {subject=a red fox}, soft light");
  await page.getByTestId("template-name").fill("Soft portrait");
  await page.getByTestId("template-category").fill("Portraits");
  await page.getByTestId("template-save").click();
  const card = page.getByTestId("template-card").filter({ hasText: "Soft portrait" });
  await expect(card).toBeVisible();
  await expectNoSidewaysScroll(page);
  await screenshot(page, info, "templates");

  // Use it: the Studio shows a field for its variable, and the preview fills it.
  await card.getByTestId("template-use").click();
  await expect(page).toHaveURL(/\/\?template=/);
  await expect(page.getByTestId("prompt")).toHaveValue("portrait of {subject=a red fox}, soft light");
  const variable = page.getByTestId("variable-subject");
  await expect(variable).toHaveAttribute("placeholder", "a red fox");
  await variable.fill("an old sailor");
  await expect(page.getByTestId("preview-prompt")).toHaveText(/portrait of an old sailor, soft light/);

  // Someone else sees none of it.
  const other = await browser.newPage();
  await register(other, uniqueName("sol"), password);
  await other.goto("/templates");
  await expect(other.getByTestId("template-card")).toHaveCount(0);
  await other.close();
});
