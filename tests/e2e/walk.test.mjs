// A walk of every page of the dashboard as the person who sees it (issue 14: "browser tests
// with axe for every new or changed page, at desktop width and at 390 px"): signed out, a
// customer with a payment and a ticket, an admin. Each page at 1280 px and at 390 px in the
// light scheme, and at 1280 px in the dark one: no serious or critical axe violation, and no
// page wider than a phone's window. Pages whose own behaviour is tested elsewhere are only
// looked at here.
//
// Run: node --test --test-concurrency=1 tests/e2e/walk.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { assertAccessible, clickAndWait, DESKTOP, MOBILE, signIn, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** Opens `path` (expecting `status`) and checks it at both widths and in both schemes. */
async function look(page, path, status = 200) {
  const response = await page.goto(path);
  assert.equal(response.status(), status, `GET ${path}`);
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
  await assertAccessible(page, `${path} at 1280 px`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await assertAccessible(page, `${path} at 1280 px, dark`);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(MOBILE);
  await page.reload();  // as a phone opens it: the menu closed
  await assertAccessible(page, `${path} at 390 px`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${path} does not scroll sideways at 390 px (${overflow} px)`);
  await page.setViewportSize(DESKTOP);
  // The phone's closed menu opens again when the window grows wide (its button is not shown).
  if (await page.locator('details.menu').count()) {
    assert.ok(await page.getByRole('navigation', { name: 'Dashboard' }).isVisible(), `${path}: the tabs are back when wide`);
  }
}

describe('every page', () => {
  test('signed out, as a customer, as an admin', async () => {
    await withStack(browser, { customers: 3 }, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      for (const path of ['/sign-in', '/sign-up', '/forgot-password', '/terms', '/help/',
        '/help/billing/receipts', '/help/?q=how+do+I+cancel']) {
        await look(page, path);
      }
      await look(page, '/reset-password?token=not-a-token', 404);
      await look(page, '/no-such-page', 404);

      // A customer with a payment (and so a receipt) and a ticket.
      await signIn(page, DEMO_USERS.customer);
      await page.goto('/billing/renew');
      await page.getByLabel(/I accept the Terms/).check();
      await clickAndWait(page, page.getByRole('button', { name: /^Pay / }), '**/home?done=renewed');
      await page.goto('/support');
      await page.getByLabel('Topic').selectOption({ index: 1 });
      await page.getByLabel('Subject').fill('A question');
      await page.getByLabel('Message').fill('How do I move the program to a new machine?');
      await clickAndWait(page, page.getByRole('button', { name: 'Send' }), /\/support\/tickets\/\d+\?done=opened$/);
      const ticket = new URL(page.url()).pathname;
      await page.goto('/billing');
      const receipt = await page.locator('a[href^="/billing/receipts/"]').first().getAttribute('href');
      for (const path of ['/home', '/settings', '/settings/password', '/settings/two-factor',
        '/settings/deactivate', '/download', '/support', ticket, '/cancel', '/cancel/reason',
        '/billing', receipt, '/billing/renew', '/billing/card', '/billing/instances']) {
        await look(page, path);
      }
      await page.getByRole('button', { name: 'Sign out' }).click();

      await signIn(page, DEMO_USERS.admin);
      await page.goto(`/staff?q=${encodeURIComponent(DEMO_USERS.customer)}`);
      const customer = await page.getByRole('link', { name: DEMO_USERS.customer, exact: true }).getAttribute('href');
      await page.goto('/staff/tickets');
      const staffTicket = await page.getByRole('link', { name: 'A question' }).getAttribute('href');
      for (const path of ['/staff', customer, '/staff/tickets', staffTicket, '/staff/feedback',
        '/staff/checkouts', '/staff/releases', '/staff/business', '/staff/audit', '/staff/outbox',
        '/home', '/settings']) {
        await look(page, path);
      }
    });
  });
});
