// The seller's console in Chromium (issue 14 items 1-4, 9 and 11): a customer walks the
// cancel journey, opening a ticket on the support-first screen; an admin finds them by a part
// of their email, reads their timeline, sees the funnel on the business page, filters the audit
// log, opens the outbox; every one of these pages, the changed cancel screen and a help page
// pass axe at desktop width and at 390 px, without a page wider than the screen, and in dark
// mode.
//
// Run: node --test --test-concurrency=1 tests/e2e/console.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { LABELS, assertAccessible, clickAndWait, shoot, signIn, textOf, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const CUSTOMER = 'customer1@example.com';  // from `tenure demo --customers 2`
const WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** axe finds nothing serious, and nothing makes the page wider than the window. */
async function assertFits(page, label) {
  await assertAccessible(page, label);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const viewport = page.viewportSize().width;
  assert.ok(width <= viewport, `${label}: the page is ${width} px wide in a ${viewport} px window`);
}

describe('the seller\'s console', () => {
  test('find a customer, their timeline, the funnel, the audit log and the outbox', async () => {
    await withStack(browser, { customers: 2 }, async ({ newPage }) => {
      // The customer: Cancel, a ticket on the support-first screen, Continue, Confirm Cancel.
      const { page: customer } = await newPage();
      await signIn(customer, CUSTOMER);
      await customer.goto('/home');
      await clickAndWait(customer, customer.getByRole('link', { name: LABELS.cancel, exact: true }), '**/cancel');
      await customer.getByLabel('Subject').fill('Too slow on my laptop');
      await customer.getByLabel("What's going on?").fill('It takes a minute to start.');
      await clickAndWait(customer, customer.getByRole('button', { name: 'Open a support ticket' }), /\/cancel\?ticket=\d+$/);
      const ticket = customer.getByRole('region', { name: 'Your ticket is open' });
      assert.match(await textOf(ticket), /Too slow on my laptop/);
      for (const viewport of WIDTHS) {
        await customer.setViewportSize(viewport);
        await assertFits(customer, `the support-first screen with its ticket, ${viewport.width} px`);
      }
      await clickAndWait(customer, customer.getByRole('link', { name: LABELS.continue, exact: true }), '**/cancel/reason?ticket=*');
      await customer.getByLabel("I don't use it enough", { exact: true }).check();
      await clickAndWait(customer, customer.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=canceled');

      // The admin finds them by part of their email.
      const { page } = await newPage();
      await signIn(page, DEMO_USERS.admin);
      await page.goto('/staff');
      await page.getByLabel('Find a customer').fill('customer1');
      await clickAndWait(page, page.getByRole('button', { name: 'Search' }), /\/staff\?q=customer1$/);
      await clickAndWait(page, page.getByRole('link', { name: CUSTOMER }), /\/staff\/customers\/\d+$/);
      const timeline = page.getByRole('region', { name: 'Timeline' });
      assert.match(await textOf(timeline), /Cancelled auto-renew \(Confirm Cancel\).*Reason: I don't use it enough/);
      assert.match(await textOf(timeline), /Opened ticket #\d+: Too slow on my laptop/);
      assert.equal(await page.getByRole('combobox', { name: 'This account is' }).inputValue(), 'customer');
      assert.match(await textOf(page.getByRole('region', { name: 'Grant extra days' })), /The customer sees this reason/);
      await shoot(page, 'console-customer');
      const customerUrl = new URL(page.url()).pathname;

      // The business page: this month's funnel, by its labels.
      await page.goto('/staff/business');
      const funnel = page.getByRole('region', { name: 'The cancel funnel' });
      await funnel.getByText('Figures by month').click();
      // This month is the last column.
      const thisMonth = async (name) =>
        textOf(funnel.getByRole('row', { name: new RegExp(`^${name}`) }).getByRole('cell').last());
      assert.equal(await thisMonth('Opened Cancel'), '1');
      assert.equal(await thisMonth('Opened a ticket'), '1');
      assert.equal(await thisMonth('Continue to Cancel'), '1');
      assert.equal(await thisMonth('Confirm Cancel'), '1');
      await shoot(page, 'console-business');

      // The audit log, filtered to cancellations: the customer by name, the reason in the diff.
      await page.goto('/staff/audit');
      await page.getByLabel('Action').selectOption('license.cancel_renewal');
      await clickAndWait(page, page.getByRole('button', { name: 'Filter' }), /action=license.cancel_renewal/);
      const log = await textOf(page.getByRole('region', { name: 'Changes, newest first' }));
      assert.match(log, new RegExp(`${CUSTOMER} · license.cancel_renewal · license of ${CUSTOMER}`));
      assert.match(log, /reason\s*\(new\)\s*unused/);
      await shoot(page, 'console-audit');

      await page.goto('/staff/outbox');
      assert.match(await textOf(page.getByRole('heading', { level: 2 })), /Messages that failed every try/);

      // Dark mode (prefers-color-scheme): the same pages keep their contrast.
      await page.emulateMedia({ colorScheme: 'dark' });
      await customer.emulateMedia({ colorScheme: 'dark' });
      for (const [who, url] of [[customer, '/home'], [customer, '/billing'], [customer, '/settings'],
                                [customer, '/support'], [page, customerUrl], [page, '/staff/business'],
                                [page, '/staff/audit'], [page, '/help/']]) {
        await who.goto(url);
        assert.equal(await who.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(15, 20, 32)',
                     `${url} is dark`);
        await assertAccessible(who, `${url} in dark mode`);
      }
      await page.emulateMedia({ colorScheme: 'light' });

      // Every page at both widths.
      for (const url of ['/staff', '/staff?q=customer1', customerUrl, '/staff/business',
                         '/staff/audit', '/staff/outbox?status=dead', '/staff/outbox?status=pending',
                         '/help/operators/business-metrics']) {
        for (const viewport of WIDTHS) {
          await page.setViewportSize(viewport);
          await page.goto(url);
          await assertFits(page, `${url} at ${viewport.width} px`);
        }
      }
    });
  });

  test('the navigation is a menu at 390 px, with or without JavaScript', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: { width: 390, height: 844 } });
      await signIn(page, DEMO_USERS.customer);
      await page.goto('/home');
      const menu = page.getByText('Menu', { exact: true });
      const settings = page.getByRole('link', { name: 'Settings', exact: true });
      assert.equal(await menu.isVisible(), true, 'a Menu button on a phone');
      assert.equal(await settings.isVisible(), false, 'the tabs wait behind it');
      await assertFits(page, 'Home with the menu closed, 390 px');
      await menu.click();
      assert.equal(await settings.isVisible(), true);
      await assertFits(page, 'Home with the menu open, 390 px');
      await clickAndWait(page, settings, '**/settings');
      // The new page starts with its menu closed again; its tab is the current one.
      assert.equal(await page.locator('nav.tabs a[href="/settings"]').getAttribute('aria-current'), 'page');

      // Wide: the tabs in the bar, no button.
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto('/home');
      assert.equal(await page.getByText('Menu', { exact: true }).isVisible(), false);
      assert.equal(await page.getByRole('link', { name: 'Settings', exact: true }).isVisible(), true);

      // Without JavaScript the menu stays open: every tab can be reached.
      const { page: plain } = await newPage({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
      await signIn(plain, DEMO_USERS.customer);
      await plain.goto('/home');
      // (axe cannot run in a page without JavaScript: the open menu is the same markup axe
      // checked above.)
      for (const tab of ['Home', 'Settings', 'Download', 'Support'])
        assert.equal(await plain.getByRole('link', { name: tab, exact: true }).isVisible(), true, tab);
      assert.equal(await plain.getByRole('button', { name: 'Sign out' }).isVisible(), true);
    });
  });
});
