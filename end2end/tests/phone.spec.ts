import { expect, test } from "@playwright/test";
import { register, screenshot, uniqueName } from "./helpers";

test("on a phone, the menu opens, navigates and closes", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "phone layout only");
  await register(page, uniqueName("eve"), "correct horse battery");
  const menu = page.getByRole("button", { name: "Open menu" });
  await expect(menu).toBeVisible();
  // The desktop sidebar is hidden; the drawer is closed.
  await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  await menu.click();
  await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
  await screenshot(page, info, "menu-open");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "History" }).click();
  await expect(page).toHaveURL("/history");
  await expect(page.getByRole("button", { name: "Open menu" })).toHaveAttribute("aria-expanded", "false");
  await expect(page.getByRole("heading", { name: "History" })).toBeVisible();
  // Nothing overflows sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, info, "history");
});
