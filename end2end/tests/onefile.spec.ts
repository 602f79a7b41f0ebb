import { expect, test } from "@playwright/test";

// The release binary copied alone into an empty folder (scripts/test.sh starts it):
// it serves the whole hydrated app from the files inside it.
const url = process.env.E2E_ONEFILE_URL;
test.skip(!url, "needs the one-file release binary: run scripts/test.sh");
test.use({ baseURL: url });

test("the binary alone serves its wasm, js and css with types, compression and ETags", async ({ request }) => {
  for (const [path, type] of [
    ["/pkg/referral-gate.wasm", "application/wasm"],
    ["/pkg/referral-gate.js", "javascript"],
    ["/pkg/referral-gate.css", "text/css"],
  ]) {
    const res = await request.get(path, { headers: { "Accept-Encoding": "gzip, br" } });
    expect(res.status(), path).toBe(200);
    expect(res.headers()["content-type"], path).toContain(type);
    expect(res.headers()["etag"], path).toBeTruthy();
    expect(["gzip", "br"], path).toContain(res.headers()["content-encoding"]);
    const again = await request.get(path, { headers: { "If-None-Match": res.headers()["etag"] } });
    expect(again.status(), path).toBe(304);
  }
});

test("the binary alone serves a page that hydrates", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Username")).toBeVisible();
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
  // The stylesheet applied: the card has its white background.
  const background = await page.locator(".card").evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(background).toBe("rgb(255, 255, 255)");
});
