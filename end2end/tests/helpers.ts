import { execFileSync } from "node:child_process";
import { expect, type Page } from "@playwright/test";

export const CONTACT = "invites@example.org";
export const WRONG_CODE = "ZZZZ-ZZZZ-ZZZZ";

/** Runs the app's own command line against the server's data folder. */
export function cli(args: string[], input?: string): string {
  return execFileSync(process.env.E2E_BIN!, args, {
    input,
    encoding: "utf8",
    env: { ...process.env, REFERRAL_GATE_DATA_DIR: process.env.E2E_DATA_DIR, RUST_LOG: "error" },
  });
}

export function addUser(prefix: string, admin = false): { name: string; password: string } {
  const name = `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
  const password = "correct horse battery";
  cli(["users", "add", name, ...(admin ? ["--admin"] : [])], `${password}\n`);
  return { name, password };
}

export function createCode(): string {
  const out = cli(["codes", "create", "--max-uses", "1"]).trim();
  expect(out).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  return out;
}

/** With JavaScript, waits for hydration and plants a marker that a full reload would lose. */
export async function ready(page: Page, js: boolean) {
  if (js) {
    await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
    await page.evaluate(() => ((window as any).__noReload = true));
  }
}

export async function assertNoReload(page: Page, js: boolean) {
  if (js) {
    expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
  }
}

export async function signIn(page: Page, js: boolean, name: string, password: string) {
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page).toHaveTitle(/Sign in/);
  await ready(page, js);
  await page.getByLabel("Username").fill(name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function submitCode(page: Page, code: string) {
  await page.getByLabel("Referral code").fill(code);
  await page.getByRole("button", { name: "Submit code" }).click();
}

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000200000500" +
    "01e9fadcd80000000049454e44ae426082",
  "hex",
);
