import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { crc32, deflateSync } from "node:zlib";
import { hydrated, pageErrors, register, screenshot, uniqueName } from "./helpers";

const password = "correct horse battery";

/** One PNG chunk: length, type, data, CRC over type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/**
 * A 64×64 RGB PNG with AUTOMATIC1111's infotext in a `parameters` tEXt
 * chunk, exactly as the web UI writes it.
 */
function a1111Png(infotext: string): Buffer {
  const size = 64;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3); // filter byte 0, then pixels
    for (let x = 0; x < size; x++) row.set([x * 4, y * 4, 160], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("tEXt", Buffer.concat([Buffer.from("parameters\0", "latin1"), Buffer.from(infotext, "latin1")])),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const a1111Prompt = "a copper teapot on a windowsill, morning light";
const a1111 = a1111Png(
  `${a1111Prompt}\nNegative prompt: blurry, lowres\n` +
    "Steps: 23, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 1234567, Size: 512x768, Model: sd_xl_base_1.0",
);
// A real ComfyUI 0.8.0 output (API-format `prompt` chunk).
const comfyui = readFileSync("../server/tests/fixtures/comfyui-api-txt2img.png");

/** Drops `file` onto `selector` as the browser would. */
async function dropFile(page: Page, selector: string, name: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, data }) => {
      const transfer = new DataTransfer();
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], name, { type: "image/png" }));
      return transfer;
    },
    { name, data: bytes.toString("base64") },
  );
  await page.dispatchEvent(selector, "dragover", { dataTransfer: transfer });
  await page.dispatchEvent(selector, "drop", { dataTransfer: transfer });
}

test("import images made by AUTOMATIC1111 and ComfyUI, and load one's settings into the Studio", async ({ page }, info) => {
  test.setTimeout(90_000);
  const errors = pageErrors(page);
  await register(page, uniqueName("imp"), password);

  // Two real images and one that is not an image: the two import, the
  // third is named in the outcome.
  await page.goto("/gallery");
  await hydrated(page);
  await page.getByTestId("import-input").setInputFiles([
    { name: "teapot.png", mimeType: "image/png", buffer: a1111 },
    { name: "comfy.png", mimeType: "image/png", buffer: comfyui },
    { name: "notes.png", mimeType: "image/png", buffer: Buffer.from("this is not a picture") },
  ]);
  const outcome = page.getByTestId("upload-outcome");
  await expect(outcome).toContainText("Imported 2 images.", { timeout: 30_000 });
  await expect(page.getByTestId("upload-errors")).toContainText("notes.png");
  await expect(page.getByTestId("gallery-item")).toHaveCount(2);
  await screenshot(page, info, "gallery-import");

  // Imported images are searchable by the prompt read from the file, and
  // filterable by their operation.
  await page.goto("/gallery?q=teapot");
  await expect(page.getByTestId("gallery-item")).toHaveCount(1);
  await expect(page.getByTestId("gallery-item").locator("img")).toHaveAttribute("alt", a1111Prompt);
  await page.goto("/gallery?operation=import");
  await expect(page.getByTestId("gallery-item")).toHaveCount(2);

  // Dropped on the Studio: the form takes the prompt, negative prompt,
  // seed, steps and CFG, and names what it could not use.
  await page.goto("/");
  await hydrated(page);
  await expect(page.getByTestId("prompt")).toBeVisible();
  await dropFile(page, '[data-testid="studio-drop"]', "teapot.png", a1111);
  await expect(page.getByTestId("drop-note")).toContainText("Settings loaded from teapot.png (AUTOMATIC1111).");
  await expect(page.getByTestId("drop-unmapped")).toContainText("Sampler: DPM++ 2M");
  await expect(page.getByTestId("prompt")).toHaveValue(a1111Prompt);
  await expect(page.getByTestId("negative-prompt")).toHaveValue("blurry, lowres");
  await expect(page.getByTestId("steps")).toHaveValue("23");
  await expect(page.getByTestId("seed")).toHaveValue("1234567");
  await expect(page.getByTestId("width")).toHaveValue("512");
  await expect(page.getByTestId("height")).toHaveValue("768");
  await screenshot(page, info, "studio-drop");

  // A file with no settings says so and leaves the form as it was.
  await dropFile(page, '[data-testid="studio-drop"]', "plain.png", Buffer.from("not a png"));
  await expect(page.getByTestId("drop-note")).toContainText("plain.png carries no generation settings Easel can read.");
  await expect(page.getByTestId("prompt")).toHaveValue(a1111Prompt);
  expect(errors).toEqual([]);
});
