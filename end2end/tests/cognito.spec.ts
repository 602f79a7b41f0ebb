import { expect, test } from "@playwright/test";
import { addUser, enabled, notifications } from "../aws.mjs";
import { ready, submitCode, WRONG_CODE } from "./helpers";

// The lockout in Cognito mode: the account is disabled in the user pool (moto server,
// the AWS emulator) and an administrator is notified through SNS.
const aws = process.env.E2E_AWS_ENDPOINT;
const poolId = process.env.E2E_COGNITO_POOL_ID!;

test.skip(!aws, "needs the AWS emulator: run scripts/test.sh");
test.use({ baseURL: `http://127.0.0.1:${process.env.E2E_COGNITO_PORT}` });

for (const js of [true, false]) {
  test(`Cognito lockout ${js ? "with" : "without"} JavaScript ends with signing in refused`, async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: js });
    const page = await context.newPage();
    const name = `cog-${js ? "js" : "nojs"}-${Date.now().toString(36)}`;
    const password = "Passw0rd-long";
    await addUser(aws!, poolId, name, password);

    const signIn = async () => {
      await page.goto("/sign-in");
      await ready(page, js);
      await page.getByLabel("Username").fill(name);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
    };
    await signIn();
    await expect(page).toHaveURL(/\/gate$/);
    for (let k = 1; k <= 5; k++) {
      await submitCode(page, WRONG_CODE);
      await expect(page.getByText(`Invalid attempt count: ${k}. You have ${5 - k} attempts left.`)).toBeVisible();
    }
    await submitCode(page, WRONG_CODE);
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByText("You have exceeded the maximum number of retries.")).toBeVisible();

    // Disabled in Cognito, and exactly one alert about this user on the topic.
    // Delivered in order (disable, sign-out, alert), by the request or the worker.
    await expect.poll(() => enabled(aws!, poolId, name)).toBe(false);
    const mineNow = async () => (await notifications(aws!)).filter((n) => n.message.includes(name));
    await expect.poll(async () => (await mineNow()).length).toBe(1);
    const mine = await mineNow();
    expect(mine).toHaveLength(1);
    expect(mine[0].subject).toBe("Account disabled");
    expect(mine[0].event).toBe("account_disabled");

    await signIn();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByText("Your account has been disabled. Please contact the administrator.")).toBeVisible();
    await context.close();
  });
}
