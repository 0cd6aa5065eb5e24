// The payment history and a receipt as a customer meets them (issue 14 item 7): after Renew
// now, Billing (linked from Home) lists the payment with the period it paid for, its amount and
// its status, which stays on screen on a 390 px phone; its receipt link opens a receipt naming
// the seller (config seller.*), printable without the navigation or the buttons; the emailed
// receipt links to the same page. axe-core at desktop width and at 390 px on each page.
//
// Run: node --test --test-concurrency=1 tests/e2e/receipts.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { assertAccessible, clickAndWait, DESKTOP, LONG_DATE, MOBILE, shoot, signIn, textOf, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const DEMO = DEMO_USERS.customer;
const SELLER = {
  TENURE_SELLER_NAME: 'Example Software Ltd',
  TENURE_SELLER_ADDRESS: '1 Main Street\nSpringfield',
  TENURE_SELLER_TAX_ID: 'GB123456789',
};

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function atBothWidths(page, label, check = async () => {}) {
  await page.setViewportSize(DESKTOP);
  await assertAccessible(page, `${label} at desktop`);
  await check('desktop');
  await shoot(page, label.replace(/\W+/g, '-'));
  await page.setViewportSize(MOBILE);
  await assertAccessible(page, `${label} at 390 px`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${label} does not scroll sideways at 390 px (${overflow} px)`);
  await check('390 px');
  await shoot(page, `${label.replace(/\W+/g, '-')}-mobile`);
  await page.setViewportSize(DESKTOP);
}

describe('payment history and receipts', () => {
  test('Renew now -> the history -> its receipt, printable; the email links to it', async () => {
    await withStack(browser, { env: SELLER }, async ({ newPage, sink }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      await signIn(page, DEMO);
      await page.goto('/billing/renew');
      await page.getByLabel(/I accept the/).check();
      await clickAndWait(page, page.getByRole('button', { name: /^Pay 150\.00 USD$/ }), '**/home?done=renewed');

      // Home links to Billing.
      await clickAndWait(page, page.getByRole('link', { name: /^Billing: your card, payment history and receipts$/ }), '**/billing');
      const history = page.getByRole('table', { name: 'Every charge on your account, newest first' });
      const row = history.getByRole('row').nth(1);
      const cells = row.getByRole('cell');
      assert.match(await textOf(cells.nth(1)), /^Renewal$/);
      assert.match(await textOf(cells.nth(2)), new RegExp(`^${LONG_DATE.source} to ${LONG_DATE.source}$`));
      assert.equal(await textOf(cells.nth(3)), '150.00 USD');
      assert.equal(await cells.nth(3).evaluate((td) => getComputedStyle(td).textAlign), 'right');
      assert.equal(await cells.nth(4).locator('.badge').textContent(), 'Paid');
      await atBothWidths(page, 'billing history', async (width) => {
        // The status is on screen at every width, not pushed off to the side.
        const box = await cells.nth(4).locator('.badge').boundingBox();
        const viewport = page.viewportSize();
        assert.ok(box && box.x >= 0 && box.x + box.width <= viewport.width, `the status shows at ${width}: ${JSON.stringify(box)}`);
        assert.equal(await cells.nth(4).locator('.badge').isVisible(), true);
      });

      const period = await textOf(cells.nth(2));
      await clickAndWait(page, row.getByRole('link', { name: /^View the receipt of the payment on / }), /\/billing\/receipts\/\d+$/);
      const receiptPath = new URL(page.url()).pathname;
      const receipt = page.getByRole('article', { name: 'Receipt' });
      const text = await textOf(receipt);
      assert.match(text, /Example Software Ltd\s*1 Main Street\s*Springfield\s*Tax ID: GB123456789/);
      assert.match(text, /Billed to\s*demo@example\.com/);
      assert.match(text, /Paid for\s*Renewal of your license: one month/);
      assert.ok(text.includes(`Period${period}`) || text.includes(`Period ${period}`), `${text} names ${period}`);
      assert.match(text, /Amount paid\s*150\.00 USD/);
      assert.match(text, /Card\s*Visa ending in 4242/);
      assert.match(text, /Terms accepted\s*Version \d{4}-\d\d-\d\d of the Terms & Conditions/);
      // The seller's address keeps its lines.
      const address = await receipt.locator('.address').evaluate((p) => p.getBoundingClientRect().height);
      assert.ok(address > 30, 'two lines of address');
      const print = page.getByRole('button', { name: 'Print' });
      assert.equal(await print.isVisible(), true, 'with JavaScript, a Print button');
      await atBothWidths(page, 'receipt');

      // Printed: the receipt only.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.getByRole('navigation', { name: 'Dashboard' }).isVisible(), false);
      assert.equal(await print.isVisible(), false);
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).isVisible(), false);
      assert.equal(await receipt.isVisible(), true);
      await page.emulateMedia({ media: 'screen' });

      // The emailed receipt links to this page.
      const mail = await sink.waitFor((m) => m.to.includes(DEMO) && /^Receipt: 150\.00 USD paid$/.test(m.subject), 'the receipt');
      const link = mail.text.match(/Your receipt, to view or print: (\S+)/)[1];
      assert.equal(new URL(link).pathname, receiptPath);
      await page.goto(new URL(link).pathname);
      assert.equal(await page.getByRole('article', { name: 'Receipt' }).isVisible(), true);
    });
  });
});
