// What the cancellation and staff browser tests share: one fresh stack per test (an SMTP sink,
// a Tenure server with its own SQLite database that mails to the sink, and the browser
// contexts the test opened, all stopped at the end), signing in, axe-core, screenshots.
import assert from 'node:assert/strict';
import path from 'node:path';

import { AxeBuilder } from '@axe-core/playwright';

import { startSmtpSink } from './mail.mjs';
import { DEMO_PASSWORD, startServer } from './server.mjs';

export const TIMEOUT_MS = 15_000;
/** The two widths every page is checked at (issue 14): a desktop and a phone. */
export const DESKTOP = Object.freeze({ width: 1280, height: 900 });
export const MOBILE = Object.freeze({ width: 390, height: 844 });
export const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR || '';
export const LONG_DATE =
  /(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}/;

/** The exact labels of the journey (PRODUCT.md: "These labels are exact"). */
export const LABELS = Object.freeze({
  section: 'Account Renewal',
  cancel: 'Cancel',
  continue: 'Continue to Cancel',
  confirm: 'Confirm Cancel',
  subscribe: 'Subscribe (cancel anytime)',
});

/** The eight reasons, in order, as the customer reads them. */
export const REASONS = Object.freeze([
  ['too_expensive', "It's too expensive"],
  ['missing_features', "It's missing features I need"],
  ['switched_service', "I'm switching to another service"],
  ['unused', "I don't use it enough"],
  ['customer_service', "I'm unhappy with customer service"],
  ['too_complex', "It's too complicated to use"],
  ['low_quality', "The quality wasn't what I expected"],
  ['other', 'Something else'],
]);

/**
 * Runs fn({ server, sink, newPage }) against a fresh stack and always tears it down:
 * browser contexts, then the server (which must stop cleanly), then the sink. A failure
 * inside fn carries the tail of the server's log. `env` and `testClock` go to startServer.
 */
export async function withStack(browser, { customers = 0, env = {}, testClock = false } = {}, fn) {
  const sink = await startSmtpSink();
  let server = null;
  const contexts = [];
  let failure = null;
  try {
    server = await startServer({ customers, testClock, env: { ...sink.serverEnv(), ...env } });
    // The browser's time zone is UTC unless a test says otherwise: signed-in pages report it
    // to the server (issue 14 item 5), and dates on the page then follow it.
    const newPage = async (options = {}) => {
      const context = await browser.newContext({ baseURL: server.url, timezoneId: 'UTC', ...options });
      context.setDefaultTimeout(TIMEOUT_MS);
      contexts.push(context);
      const page = await context.newPage();
      return { context, page };
    };
    await fn({ server, sink, newPage });
  } catch (err) {
    failure = err;
  }
  for (const context of contexts) await context.close().catch(() => {});
  try {
    if (server) {
      const exit = await server.stop();
      if (!failure) assert.deepEqual(exit, { code: 0, signal: null }, `tenure serve stopped badly\n${server.logs()}`);
    }
  } catch (err) {
    failure ??= err;
  } finally {
    await sink.stop();
  }
  if (failure) {
    if (server && failure instanceof Error && !failure.message.includes('--- server log')) {
      failure.message += `\n--- server log (tail) ---\n${server.logs().slice(-3000)}`;
    }
    throw failure;
  }
}

export function pathOf(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/** Signs in; customers land on /home, staff on /staff. */
export async function signIn(page, email, password = DEMO_PASSWORD, landing = /\/(home|staff)$/) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL(landing),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** Clicks and waits for the page it leads to (a link, or a form's post/redirect/get). */
export async function clickAndWait(page, locator, urlPattern) {
  await Promise.all([page.waitForURL(urlPattern), locator.click()]);
}

/** Text with its whitespace runs collapsed, for matching sentences across lines. */
export async function textOf(locator) {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

export function describeViolations(violations) {
  return violations
    .map((v) => [
      `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`,
      ...v.nodes.map((n) => `  ${n.target.join(' ')}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`),
    ].join('\n'))
    .join('\n');
}

/** axe-core on the page as it is: no serious or critical violation. */
export async function assertAccessible(page, label) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(bad.length, 0, `${label}:\n${describeViolations(bad)}`);
}

/** With E2E_SCREENSHOT_DIR set, saves a full-page screenshot there as e2e-<name>.png. */
export async function shoot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `e2e-${name}.png`), fullPage: true });
}

/** axe at desktop width and at 390 px, where the page must not scroll sideways; back to desktop. */
export async function assertFitsAndAccessible(page, label) {
  await assertAccessible(page, `${label} at desktop`);
  await page.setViewportSize(MOBILE);
  await assertAccessible(page, `${label} at 390 px`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${label} does not scroll sideways at 390 px (${overflow} px)`);
  await page.setViewportSize(DESKTOP);
}
