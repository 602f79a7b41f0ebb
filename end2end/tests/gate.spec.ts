import { expect, test } from "@playwright/test";
import {
  addUser,
  assertNoReload,
  CONTACT,
  createCode,
  PNG,
  ready,
  signIn,
  submitCode,
  WRONG_CODE,
} from "./helpers";

for (const js of [true, false]) {
  test.describe(js ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("happy path: sign in, a wrong code, the right code, the form, the confirmation", async ({ page }) => {
      const user = addUser("happy");
      const code = createCode();
      await signIn(page, js, user.name, user.password);

      await expect(page).toHaveURL(/\/gate$/);
      await expect(page).toHaveTitle(/Referral code/);
      await expect(page.getByText("Please enter the invite code.")).toBeVisible();
      await expect(page.getByText("You have 5 retries to enter the correct referral code.")).toBeVisible();
      await assertNoReload(page, js);

      await submitCode(page, WRONG_CODE);
      await expect(
        page.getByText(
          `Referral code is invalid. If you do not have a referral code, please write to us at ${CONTACT}.`,
        ),
      ).toBeVisible();
      await expect(page.getByText("Invalid attempt count: 1. You have 4 attempts left.")).toBeVisible();
      await assertNoReload(page, js);

      // Typed in lower case without dashes: still the code.
      await submitCode(page, code.toLowerCase().replaceAll("-", ""));
      await expect(page).toHaveURL(/\/form$/);
      await expect(page.getByText("Referral code is correct. Please enter your details below.")).toBeVisible();
      await assertNoReload(page, js);

      await page.getByLabel("Full name").fill("Ada Lovelace");
      await page.getByLabel("Email").fill("ada@example.com");
      await page.getByLabel("About you").fill("I write programs for the Analytical Engine.");
      await page.getByLabel("Photo").setInputFiles({ name: "ada.png", mimeType: "image/png", buffer: PNG });
      await page.getByRole("button", { name: "Send" }).click();

      await expect(page).toHaveURL(/\/form\/received$/);
      await expect(page.getByText("We have received your details.")).toBeVisible();
      await expect(page.getByText("Ada Lovelace")).toBeVisible();
      await expect(page.getByText("ada@example.com")).toBeVisible();
      await expect(page.getByText("image/png image")).toBeVisible();
      await assertNoReload(page, js);

      // Admitted for good: the gate is never shown again.
      await page.goto("/gate");
      await expect(page).toHaveURL(/\/form$/);
    });

    test("a photo that is not an image is refused and nothing typed is lost", async ({ page }) => {
      const user = addUser("photo");
      const code = createCode();
      await signIn(page, js, user.name, user.password);
      await expect(page).toHaveURL(/\/gate$/);
      await ready(page, js);
      await submitCode(page, code);
      await expect(page).toHaveURL(/\/form$/);
      await ready(page, js);
      await page.getByLabel("Full name").fill("Grace Hopper");
      await page.getByLabel("Email").fill("grace@example.com");
      await page.getByLabel("About you").fill("Compilers.");
      await page
        .getByLabel("Photo")
        .setInputFiles({ name: "cv.png", mimeType: "image/png", buffer: Buffer.from("not an image at all") });
      await page.getByRole("button", { name: "Send" }).click();
      await expect(page.getByText("The photo must be a JPEG, PNG or WebP image.")).toBeVisible();
      await expect(page.getByLabel("Full name")).toHaveValue("Grace Hopper");
      await expect(page.getByLabel("Email")).toHaveValue("grace@example.com");
      await expect(page.getByLabel("About you")).toHaveValue("Compilers.");
    });

    test("lockout: six wrong codes disable the account and signing in again is refused", async ({ page }) => {
      const user = addUser("lock");
      await signIn(page, js, user.name, user.password);
      await expect(page).toHaveURL(/\/gate$/);
      for (let k = 1; k <= 5; k++) {
        await submitCode(page, WRONG_CODE);
        await expect(page.getByText(`Invalid attempt count: ${k}. You have ${5 - k} attempts left.`)).toBeVisible();
      }
      await expect(page.getByText("One more invalid code will disable your account.")).toBeVisible();
      await assertNoReload(page, js);

      await submitCode(page, WRONG_CODE);
      await expect(page).toHaveURL(/\/sign-in$/);
      await expect(page.getByText("You have exceeded the maximum number of retries.")).toBeVisible();
      await expect(
        page.getByText("Your account has been disabled. Please contact the administrator."),
      ).toBeVisible();

      await signIn(page, js, user.name, user.password);
      await expect(page).toHaveURL(/\/sign-in$/);
      await expect(
        page.getByText("Your account has been disabled. Please contact the administrator."),
      ).toBeVisible();
    });

    test("wrong credentials get one message", async ({ page }) => {
      const user = addUser("creds");
      await signIn(page, js, user.name, "wrong password");
      await expect(page.getByText("Incorrect username or password.")).toBeVisible();
      await expect(page.getByLabel("Username")).toHaveValue(user.name);
      await signIn(page, js, `${user.name}-nobody`, "wrong password");
      await expect(page.getByText("Incorrect username or password.")).toBeVisible();
    });
  });
}
