import { expect, test, type Browser, type Page } from "@playwright/test";
import { addUser, PNG, ready, signIn, submitCode, WRONG_CODE } from "./helpers";

// The console is rendered on the server only (its code is not in the browser bundle):
// its pages are never hydrated, and with JavaScript /admin.js adds the copy buttons.

/** Signed in as an administrator: the console itself is shown (with JavaScript the
 *  hydrated app first lands on /admin, then hands over with a full page load). */
async function consoleShown(page: Page) {
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("link", { name: "Codes", exact: true })).toBeVisible();
}

/** A second person, in a browser of their own. */
async function otherBrowser(browser: Browser, js: boolean) {
  const context = await browser.newContext({ javaScriptEnabled: js });
  return { context, page: await context.newPage() };
}

for (const js of [true, false]) {
  test.describe(`administrators ${js ? "with" : "without"} JavaScript`, () => {
    test.use({ javaScriptEnabled: js });

    test("create a code on the page; a new user redeems it; the use and the submission show", async ({
      page,
      browser,
    }) => {
      const admin = addUser("admin", true);
      await signIn(page, js, admin.name, admin.password);
      await consoleShown(page);
      await page.getByRole("link", { name: "Codes", exact: true }).click();
      await expect(page).toHaveURL(/\/admin\/codes$/);

      const note = `e2e-${js ? "js" : "nojs"}-${Date.now().toString(36)}`;
      await page.getByLabel("Max uses").fill("1");
      await page.getByLabel("Note").fill(note);
      await page.getByRole("button", { name: "Create codes" }).click();
      const created = page.locator(".new-codes code");
      await expect(created).toHaveCount(1);
      await expect(page.getByText("1 new code created.")).toBeVisible();
      const code = (await created.textContent())!.trim();
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const row = page.locator("tr", { hasText: note });
      await expect(row.locator(".uses")).toHaveText("0 / 1");
      const copy = page.getByRole("button", { name: "Copy" });
      if (js) {
        await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
        await copy.click();
        await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
      } else {
        await expect(copy).toBeHidden();
      }

      // Someone new redeems it and sends the form.
      const other = await otherBrowser(browser, js);
      const user = addUser("invited");
      await signIn(other.page, js, user.name, user.password);
      await expect(other.page).toHaveURL(/\/gate$/);
      await ready(other.page, js);
      await submitCode(other.page, code);
      await expect(other.page).toHaveURL(/\/form$/);
      await ready(other.page, js);
      await other.page.getByLabel("Full name").fill(`Grace ${note}`);
      await other.page.getByLabel("Email").fill("grace@example.com");
      await other.page.getByLabel("About you").fill("Compilers.");
      await other.page.getByLabel("Photo").setInputFiles({ name: "grace.png", mimeType: "image/png", buffer: PNG });
      await other.page.getByRole("button", { name: "Send" }).click();
      await expect(other.page.getByText("We have received your details.")).toBeVisible();
      await other.context.close();

      // The administrator sees the use and the submission with its photo.
      await page.reload();
      await expect(page.locator("tr", { hasText: note }).locator(".uses")).toHaveText("1 / 1");
      await expect(page.locator("tr", { hasText: note })).toContainText("used up");
      await page.getByRole("link", { name: "Submissions", exact: true }).click();
      await expect(page).toHaveURL(/\/admin\/submissions$/);
      const submission = page.locator("tr", { hasText: `Grace ${note}` });
      await expect(submission).toContainText(user.name);
      await submission.getByRole("link").click();
      await expect(page).toHaveURL(/\/admin\/submissions\/\d+$/);
      await expect(page.getByText("Compilers.")).toBeVisible();
      const photo = page.getByRole("img", { name: `Photo sent by Grace ${note}` });
      await expect(photo).toBeVisible();
      await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    });

    test("unlock a locked user with a reason; the user signs in again", async ({ page, browser }) => {
      // A user locks their account with six wrong codes.
      const user = addUser("locked");
      const other = await otherBrowser(browser, js);
      await signIn(other.page, js, user.name, user.password);
      await expect(other.page).toHaveURL(/\/gate$/);
      await ready(other.page, js);
      for (let k = 1; k <= 5; k++) {
        await submitCode(other.page, WRONG_CODE);
        await expect(other.page.getByText(`Invalid attempt count: ${k}.`)).toBeVisible();
      }
      await submitCode(other.page, WRONG_CODE);
      await expect(other.page).toHaveURL(/\/sign-in$/);
      await expect(other.page.getByText("You have exceeded the maximum number of retries.")).toBeVisible();

      const admin = addUser("admin", true);
      await signIn(page, js, admin.name, admin.password);
      await consoleShown(page);
      await page.goto("/admin/locked");
      const row = page.locator(`tr[data-account="${user.name}"]`);
      await expect(row).toContainText("127.0.0.1");
      await expect(row).toContainText("6");
      const reason = `Checked with ${user.name} by phone`;
      await row.getByLabel(`Reason for unlocking ${user.name}`).fill(reason);
      await row.getByRole("button", { name: "Unlock" }).click();
      await expect(page.getByText(`${user.name} is unlocked and can sign in again.`)).toBeVisible();
      await expect(page.locator(`tr[data-account="${user.name}"]`)).toHaveCount(0);
      await expect(page.locator(".recent-unlocks tr", { hasText: reason })).toContainText(admin.name);

      // Back in, with a clean count.
      await signIn(other.page, js, user.name, user.password);
      await expect(other.page).toHaveURL(/\/gate$/);
      await ready(other.page, js);
      await submitCode(other.page, WRONG_CODE);
      await expect(other.page.getByText("Invalid attempt count: 1. You have 4 attempts left.")).toBeVisible();
      await other.context.close();
    });

    test("a user who is not an administrator is refused", async ({ page }) => {
      const user = addUser("curious");
      await signIn(page, js, user.name, user.password);
      await expect(page).toHaveURL(/\/gate$/);
      const response = await page.goto("/admin/locked");
      expect(response?.status()).toBe(403);
      await expect(page.getByText("This is for administrators only.")).toBeVisible();
    });
  });
}
