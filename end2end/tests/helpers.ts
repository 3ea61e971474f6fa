import { expect, type Page, type TestInfo } from "@playwright/test";
import { mkdirSync } from "node:fs";

/** A user name no other test (or earlier run) has used. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Waits until the WebAssembly has hydrated the page. */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** Registers through the form and waits for the studio. */
export async function register(page: Page, name: string, password: string): Promise<void> {
  await page.goto("/register");
  await hydrated(page);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL("/");
  await expect(page.getByTestId("greeting")).toHaveText(`Welcome, ${name}`);
}

/** Logs in through the form. */
export async function logIn(page: Page, name: string, password: string): Promise<void> {
  await hydrated(page);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** Saves a full-page screenshot to end2end/screenshots/<project>-<name>.png. */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<string> {
  mkdirSync("screenshots", { recursive: true });
  const path = `screenshots/${info.project.name}-${name}.png`;
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  return path;
}

/**
 * Collects the page's uncaught errors (a hydration panic among them, which
 * leaves a page that looks right but ignores every click).
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`${page.url()}: ${error.message}`));
  return errors;
}
