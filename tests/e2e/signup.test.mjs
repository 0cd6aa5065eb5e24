// A person signs up, lands on Home, signs out and back in; the demo customer sees their
// license; a bad sign-up keeps what was typed; the account pages pass axe-core's serious and
// critical checks. Real server (SQLite, temp dir) and Debian's Chromium, both on loopback.
//
// Run: node --test tests/e2e/
// E2E_SCREENSHOT_DIR=/tmp also saves signup.png, home.png (demo customer) and home-new.png
// (a fresh account) there, to look at.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { AxeBuilder } from '@axe-core/playwright';

import { launchBrowser } from './browser.mjs';
import { DEMO_PASSWORD, DEMO_USERS, startServer } from './server.mjs';

const TIMEOUT_MS = 15_000;
const SCREENSHOT_DIR = process.env.E2E_SCREENSHOT_DIR || '';
const LONG_DATE = /(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}/;

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    if (server) {
      const exit = await server.stop();
      // SIGTERM is a graceful stop: exit code 0, "tenure: stopped" printed.
      assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
      assert.match(server.logs(), /tenure: stopped/);
    }
  }
});

/** A fresh browser context (no cookies) and a page on it; closed by the caller. */
async function newPage() {
  const context = await browser.newContext({ baseURL: server.url });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  return { context, page };
}

let seq = 0;
function uniqueEmail(tag) {
  seq += 1;
  return `${tag}-${process.pid}-${Date.now()}-${seq}@example.com`;
}

function pathOf(page) {
  return new URL(page.url()).pathname;
}

async function signUp(page, email, password) {
  await page.goto('/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel(/I accept the Terms & Conditions/).check();
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Create account' }).click(),
  ]);
}

async function signIn(page, email, password) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([
    page.waitForURL('**/home'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

async function assertOnHome(page, email) {
  assert.equal(pathOf(page), '/home');
  const h1 = page.getByRole('heading', { level: 1 });
  assert.equal((await h1.textContent()).trim(), 'Home');
  assert.equal(await page.getByRole('banner').getByText(email, { exact: true }).count(), 1,
               `the header shows ${email}`);
}

async function shoot(page, name) {
  if (!SCREENSHOT_DIR) return;
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}

describe('sign-up and sign-in', () => {
  test('a new person signs up, lands on Home, signs out and signs back in', async () => {
    const { context, page } = await newPage();
    try {
      const email = uniqueEmail('new');
      const password = 'correct horse battery';
      await signUp(page, email, password);

      await assertOnHome(page, email);
      const renewal = page.getByRole('region', { name: 'Account Renewal' });
      assert.equal(await renewal.count(), 1, 'an "Account Renewal" section');
      assert.equal(await page.getByText('No license yet', { exact: true }).count(), 1);
      await shoot(page, 'home-new.png');

      // Sign out: back to the sign-in page, and Home is closed again.
      await Promise.all([
        page.waitForURL('**/sign-in'),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ]);
      assert.equal(await page.getByText(email, { exact: true }).count(), 0);
      await page.goto('/home');
      assert.equal(pathOf(page), '/sign-in', 'a signed-out visitor is sent to sign in');

      await signIn(page, email, password);
      await assertOnHome(page, email);
    } finally {
      await context.close();
    }
  });

  test('the demo customer sees the license date and automatic renewal', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, DEMO_USERS.customer, DEMO_PASSWORD);
      await assertOnHome(page, DEMO_USERS.customer);
      await shoot(page, 'home.png');
      const validUntil = page.getByText(/^Valid until /);
      assert.equal(await validUntil.count(), 1, '"Valid until ..." on Home');
      const text = (await validUntil.textContent()).replace(/\s+/g, ' ').trim();
      assert.match(text, new RegExp(`^Valid until ${LONG_DATE.source}$`));
      const datetime = await validUntil.locator('time').getAttribute('datetime');
      assert.match(datetime ?? '', /^\d{4}-\d{2}-\d{2}T/, 'a machine-readable date');

      const renewal = page.getByRole('region', { name: 'Account Renewal' });
      assert.match(await renewal.textContent(), /renews automatically/);
    } finally {
      await context.close();
    }
  });

  test('a sign-up with a short password shows the error and keeps the email', async () => {
    const { context, page } = await newPage();
    try {
      const email = uniqueEmail('short');
      await signUp(page, email, 'short');

      assert.equal(pathOf(page), '/sign-up', 'stays on the form');
      const alert = page.getByRole('alert');
      assert.equal(await alert.count(), 1);
      assert.match(await alert.textContent(), /at least 10 characters/);
      assert.equal(await page.getByLabel('Email').inputValue(), email, 'the typed email is kept');
      assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '',
                   'the password is never echoed back');
      assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).count(), 0,
                   'no session was created');
    } finally {
      await context.close();
    }
  });
});

describe('accessibility (axe-core: no serious or critical violations)', () => {
  function describeViolations(violations) {
    return violations
      .map((v) => [
        `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`,
        ...v.nodes.map((n) => `  ${n.target.join(' ')}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`),
      ].join('\n'))
      .join('\n');
  }

  async function check(page, label) {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.equal(bad.length, 0, `${label}:\n${describeViolations(bad)}`);
  }

  test('/sign-up', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto('/sign-up');
      await shoot(page, 'signup.png');
      await check(page, '/sign-up');
    } finally {
      await context.close();
    }
  });

  test('/sign-in', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto('/sign-in');
      await check(page, '/sign-in');
    } finally {
      await context.close();
    }
  });

  test('/home', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, DEMO_USERS.customer, DEMO_PASSWORD);
      await check(page, '/home');
    } finally {
      await context.close();
    }
  });
});
