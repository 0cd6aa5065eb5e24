// Home as a customer meets it (issue 14 item 6): with renewal canceled, the license's status
// says when it ends, not a plain ACTIVE; Home links to Billing; and the pages reached from Home
// keep Home highlighted in the navigation. axe-core at desktop width and at 390 px.
//
// Run: node --test --test-concurrency=1 tests/e2e/home.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { assertAccessible, DESKTOP, MOBILE, shoot, signIn, textOf, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const DEMO = DEMO_USERS.customer;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('Home', () => {
  test('with renewal canceled, the status says when the license ends', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      await signIn(page, DEMO);
      const license = page.getByRole('region', { name: 'Your license' });
      assert.doesNotMatch(await textOf(license), /Ends on/, 'while it renews, it does not end');
      assert.equal(await page.getByRole('link', { name: /^Billing: your card/ }).getAttribute('href'), '/billing');
      // Confirm Cancel, posted as its form would post it.
      const csrf = await page.locator('input[name=csrf]').first().inputValue();
      const canceled = await page.request.post('/cancel/confirm', { form: { csrf, reason: 'unused' }, maxRedirects: 0 });
      assert.equal(canceled.status(), 303);
      await page.goto('/home');
      const until = await textOf(page.getByText(/^Valid until /).locator('time'));
      assert.match(await textOf(license), new RegExp(`^Your license Valid until ${until} Active\\s*Ends on ${until} The program works`));
      await assertAccessible(page, 'Home, canceled, at desktop');
      await shoot(page, 'home-canceled');
      await page.setViewportSize(MOBILE);
      await assertAccessible(page, 'Home, canceled, at 390 px');
      const ends = await license.locator('.ends-on').boundingBox();
      assert.ok(ends && ends.x + ends.width <= MOBILE.width, `"Ends on" fits 390 px: ${JSON.stringify(ends)}`);
      await shoot(page, 'home-canceled-mobile');
    });
  });

  test('the pages reached from Home keep Home highlighted', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: MOBILE });
      await signIn(page, DEMO);
      const nav = page.getByRole('navigation', { name: 'Dashboard' });
      for (const path of ['/billing', '/billing/card', '/billing/renew', '/billing/instances', '/cancel']) {
        await page.goto(path);
        await page.getByText('Menu', { exact: true }).click();  // a phone: the tabs are behind it
        const current = nav.locator('[aria-current="page"]');
        assert.equal(await current.count(), 1, path);
        assert.equal(await textOf(current), 'Home', path);
        // Highlighted as the current tab looks: the accent background.
        const background = await current.evaluate((a) => getComputedStyle(a).backgroundColor);
        assert.notEqual(background, 'rgba(0, 0, 0, 0)', path);
      }
    });
  });
});
