// Headless Debian Chromium driven by playwright-core (no downloaded browsers), plus the small
// helpers the scenarios share: numbered screenshots, steps with timings, failure capture.
import { chromium } from "playwright-core";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
export const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? join(import.meta.dirname, "..", "..", "test-artifacts", "screenshots"));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

export async function launch({ viewport = { width: 1440, height: 900 } } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "vigil-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport, locale: "en-GB", timezoneId: "UTC",
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/status of (4\d\d)/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    context, page, problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

let shot = 0;
/** Save `NN-name.png` after the page has settled. */
export async function screenshot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForTimeout(250); // let ECharts finish its first frame
  shot += 1;
  const file = join(SHOTS, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Run one named step; on failure keep a screenshot and rethrow with the step's name. */
export async function step(page, name, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    console.log(`FAIL ${name}: ${err.message}`);
    await page.screenshot({ path: join(SHOTS, `FAILED-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
    throw err;
  }
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Poll `fn` until it returns a truthy value or the deadline passes. */
export async function eventually(fn, { timeout = 20_000, interval = 300, message = "condition not met" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`${message}${last instanceof Error ? ` (${last.message})` : ""}`);
}

/** Run a scenario: it fails on an exception or on a browser error other than `expected`; the
 *  browser is closed and the process exits with the verdict. */
export async function scenario({ problems, close }, body, expected) {
  let failed = false;
  try {
    await body();
    const unexpected = problems.filter((p) => !expected.test(p));
    expect(unexpected.length === 0, `the browser reported errors:\n${unexpected.join("\n")}`);
  } catch (err) {
    failed = true;
    console.error(err.stack ?? String(err));
    if (problems.length) console.error("browser messages:\n" + problems.join("\n"));
  } finally {
    await close();
  }
  console.log(`screenshots in ${SHOTS}`);
  process.exit(failed ? 1 : 0);
}

/** A JSON call to the platform's API (setup and checks beside the browser). */
export async function api(path, { method = "GET", body, token } = {}) {
  const res = await fetch(BASE_URL + path, {
    method, headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
