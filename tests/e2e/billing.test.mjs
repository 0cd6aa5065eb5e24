// Issue 4's "done when", as a person walks it: a new customer signs up, sees a decline with
// the decline card (nothing changes), buys a license with the success card, renews and watches
// the date move one calendar month, buys a prorated instance, and reads the payment history and
// a receipt; receipts arrive at a real SMTP server on loopback.
//
// Run: node --test --test-concurrency=1 tests/e2e/
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { LONG_DATE, assertAccessible, clickAndWait, pathOf, shoot, withStack } from './harness.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/** The date one calendar month after `iso` (UTC), clamped to the month's end. */
function plusOneMonth(iso) {
  const d = new Date(iso);
  const y = d.getUTCFullYear() + (d.getUTCMonth() === 11 ? 1 : 0);
  const m = (d.getUTCMonth() + 1) % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(),
    d.getUTCMinutes(), d.getUTCSeconds())).toISOString().replace('.000Z', 'Z');
}

function longDate(iso) {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

async function expiryIso(page) {
  await page.goto('/home');
  return page.getByText(/^Valid until /).locator('time').getAttribute('datetime');
}

async function saveCard(page, number) {
  await page.goto('/billing/card?next=/billing/renew');
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry date').fill(`12 / ${String(new Date().getUTCFullYear() + 2).slice(2)}`);
  await page.getByLabel('Security code').fill('123');
  await clickAndWait(page, page.getByRole('button', { name: 'Save card' }), '**/billing/renew');
}

describe('buying and renewing a license', () => {
  test('decline, purchase, renew one month, an instance, history, receipts', async () => {
    await withStack(browser, {}, async ({ newPage, sink }) => {
      const { page } = await newPage();
      const email = `buyer-${Date.now()}@example.com`;
      await page.goto('/sign-up');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password', { exact: true }).fill('a long password 1');
      await page.getByLabel(/I accept the/).check();
      await clickAndWait(page, page.getByRole('button', { name: 'Create account' }), '**/home');
      // A first purchase waits for the email address to be confirmed (issue 10).
      const welcome = await sink.waitFor((m) => m.to.includes(email) && /Confirm your email/.test(m.subject), 'the verification link');
      const link = welcome.text.match(/https?:\/\/\S+\/verify-email\?token=[\w-]+/)[0];
      await page.goto(new URL(link).pathname + new URL(link).search);
      await assertAccessible(page, '/verify-email');
      await page.getByRole('button', { name: 'Confirm my email' }).click();
      await page.getByText(`${email} is confirmed`).waitFor();
      await assertAccessible(page, '/verify-email (confirmed)');
      await page.goto('/home');
      await clickAndWait(page, page.getByRole('link', { name: 'Buy your license' }), '**/billing/renew');
      await assertAccessible(page, '/billing/renew without a card');

      // The decline card: a clear message and nothing changes.
      await saveCard(page, '4000 0000 0000 0002');
      await page.getByLabel(/I accept the/).check();
      await page.getByRole('button', { name: /^Pay 50\.00 USD$/ }).click();
      await page.waitForLoadState();
      assert.match(await page.getByRole('alert').innerText(), /declined\. Nothing was charged/);
      await page.goto('/home');
      assert.equal(await page.getByText('No license yet', { exact: true }).count(), 1, 'a decline changes nothing');

      // Terms are required on every purchase.
      await saveCard(page, '4242 4242 4242 4242');
      await page.getByRole('button', { name: /^Pay 50\.00 USD$/ }).click();
      await page.waitForLoadState();
      assert.match(pathOf(page), /^\/billing\/renew$/);

      // The success card buys the first month.
      await page.goto('/billing/renew');
      await page.getByLabel(/I accept the/).check();
      await clickAndWait(page, page.getByRole('button', { name: /^Pay 50\.00 USD$/ }), '**/home?done=renewed');
      const first = await expiryIso(page);
      assert.ok(first, 'Home shows the new date');
      await sink.waitFor((m) => m.to.includes(email) && /Receipt: 50\.00 USD paid/.test(m.subject), 'the receipt');

      // Renew: the page shows the amount and the new date before the customer confirms.
      await page.goto('/billing/renew');
      const expected = plusOneMonth(first);
      assert.equal(await page.locator('dd time').getAttribute('datetime'), expected);
      await assertAccessible(page, '/billing/renew');
      await shoot(page, 'e2e-billing-renew');
      await page.getByLabel(/I accept the/).check();
      await clickAndWait(page, page.getByRole('button', { name: /^Pay 50\.00 USD$/ }), '**/home?done=renewed');
      assert.match(await page.getByRole('status').innerText(), new RegExp(longDate(expected)));
      assert.equal(await expiryIso(page), expected, 'the date moved one calendar month');

      // A prorated instance: about 60 days remain now.
      await page.goto('/billing/instances');
      const price = await page.locator('strong').first().innerText();
      assert.match(price, /^\d+\.\d\d USD$/);
      await page.getByLabel(/I accept the/).check();
      await clickAndWait(page, page.getByRole('button', { name: 'Buy instances' }), '**/billing?done=instances');

      // The history, newest first: each charge with the period it paid for (the first month's
      // too), its amount and status; the decline paid for nothing (issue 14 item 7).
      const rows = page.locator('tbody tr');
      assert.equal(await rows.count(), 4);
      assert.deepEqual(await page.locator('tbody .badge').allTextContents(), ['Paid', 'Paid', 'Paid', 'Declined']);
      const periods = await rows.locator('td[data-label="Period"]').allTextContents();
      for (const period of periods.slice(0, 3)) assert.match(period, new RegExp(`^${LONG_DATE.source} to ${LONG_DATE.source}$`));
      assert.match(periods[3], /Nothing paid/);
      await assertAccessible(page, '/billing');
      await shoot(page, 'e2e-billing');
      // The terms version accepted with each payment is on its receipt.
      await clickAndWait(page, rows.first().getByRole('link', { name: /^View the receipt of the payment on / }), /\/billing\/receipts\/\d+$/);
      assert.match(await page.getByRole('article', { name: 'Receipt' }).innerText(), /Terms accepted\s*Version 2026-11-01/);
    });
  });
});
