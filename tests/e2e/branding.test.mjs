// The seller's brand in Chromium (issue 14 item 10): a product name, a logo and an amber accent
// whose contrast on white (1.8:1) is far too poor for links. Pages with and without sign-in
// show the logo and the names, pass axe at 1280 and 390 px in light and dark mode (links take
// the darker shade brand.css derives, fills keep the amber), and work without JavaScript. The
// control: the same pages with the amber itself as the link colour fail axe's contrast rule.
//
// Run: node --test --test-concurrency=1 tests/e2e/branding.test.mjs
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { AxeBuilder } from '@axe-core/playwright';

import { launchBrowser } from './browser.mjs';
import { assertAccessible, shoot, signIn, textOf, withStack } from './harness.mjs';
import { DEMO_USERS, REPO } from './server.mjs';

const AMBER = 'rgb(245, 184, 0)';
const BRAND = Object.freeze({
  TENURE_SELLER_NAME: 'Example Software Ltd',
  TENURE_SELLER_ADDRESS: '1 Main Street\nSpringfield',
  TENURE_SELLER_PRODUCT_NAME: 'Acme Render',
  TENURE_SELLER_LOGO_FILE: path.join(REPO, 'scripts', 'demo-logo.svg'),
  TENURE_SELLER_ACCENT_COLOR: '#f5b800',
});
const WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];
const PUBLIC_PAGES = ['/sign-in', '/sign-up', '/terms', '/help/', '/no-such-page'];
const CUSTOMER_PAGES = ['/home', '/billing', '/settings', '/support'];

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The brand is on the page: the title, the header's logo (loaded) and name, the seller. */
async function assertBranded(page, label) {
  assert.match(await page.title(), / · Acme Render$/, `${label}: title`);
  const brand = page.locator('header a.brand');
  assert.equal(await textOf(brand), 'Acme Render', `${label}: header`);
  const logo = brand.locator('img.brand-logo');
  assert.equal(await logo.isVisible(), true, `${label}: logo shown`);
  assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), `${label}: logo loaded`);
  assert.equal(await textOf(page.locator('footer .sold-by')), 'Acme Render is sold by Example Software Ltd.');
}

/** axe finds nothing serious, and nothing makes the page wider than the window. */
async function assertFits(page, label) {
  await assertAccessible(page, label);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const viewport = page.viewportSize().width;
  assert.ok(width <= viewport, `${label}: the page is ${width} px wide in a ${viewport} px window`);
}

describe('the seller\'s brand', () => {
  test('every page carries it and passes axe in both schemes and widths', async () => {
    await withStack(browser, { env: BRAND }, async ({ newPage }) => {
      const { page: visitor } = await newPage();
      const { page: customer } = await newPage();
      await signIn(customer, DEMO_USERS.customer);
      const pages = [...PUBLIC_PAGES.map((url) => [visitor, url]), ...CUSTOMER_PAGES.map((url) => [customer, url])];

      for (const scheme of ['light', 'dark']) {
        await visitor.emulateMedia({ colorScheme: scheme });
        await customer.emulateMedia({ colorScheme: scheme });
        for (const viewport of WIDTHS) {
          for (const [who, url] of pages) {
            await who.setViewportSize(viewport);
            await who.goto(url);
            const label = `${url}, ${scheme}, ${viewport.width} px`;
            await assertBranded(who, label);
            await assertFits(who, label);
          }
        }
      }
      await customer.emulateMedia({ colorScheme: 'light' });
      await customer.setViewportSize(WIDTHS[0]);
      await customer.goto('/home');
      await shoot(customer, 'branding-home');

      // Fills keep the seller's exact colour; text and links take a shade that reads.
      const current = customer.locator('nav.tabs a[aria-current="page"]');
      assert.equal(await current.evaluate((a) => getComputedStyle(a).backgroundColor), AMBER);
      const link = customer.locator('footer a[href="/terms"]');
      const lightLink = await link.evaluate((a) => getComputedStyle(a).color);
      assert.notEqual(lightLink, AMBER, 'links are not amber on white');
      assert.match(lightLink, /^rgb\((\d+), (\d+), (\d+)\)$/);
      await customer.emulateMedia({ colorScheme: 'dark' });
      assert.equal(await link.evaluate((a) => getComputedStyle(a).color), AMBER, 'amber reads on the dark theme');
      assert.equal(await current.evaluate((a) => getComputedStyle(a).backgroundColor), AMBER);
    });
  });

  test('the terms name the seller and the product', async () => {
    await withStack(browser, { env: BRAND }, async ({ newPage }) => {
      const { page } = await newPage();
      await page.goto('/terms');
      const terms = await textOf(page.locator('main'));
      assert.match(terms, /These terms are an agreement between you and Example Software Ltd, who sells Acme Render and this license\./);
      assert.match(terms, /1 Main Street Springfield/);
    });
  });

  test('without JavaScript the brand is all there', async () => {
    await withStack(browser, { env: BRAND }, async ({ newPage }) => {
      const { page } = await newPage({ viewport: WIDTHS[1], javaScriptEnabled: false });
      for (const url of ['/sign-in', '/terms']) {
        await page.goto(url);
        assert.match(await page.title(), / · Acme Render$/);
        assert.equal(await page.getByRole('link', { name: 'Acme Render' }).isVisible(), true);
        assert.equal(await page.locator('header img.brand-logo').isVisible(), true);
        assert.equal(await page.getByText('Acme Render is sold by Example Software Ltd.').isVisible(), true);
      }
      await signIn(page, DEMO_USERS.customer);
      await page.goto('/home');
      assert.equal(await page.getByRole('link', { name: 'Acme Render' }).isVisible(), true);
    });
  });

  // The control: axe does catch the amber as a link colour, so the passes above are the
  // derived shade's doing. (A context that ignores the CSP, to add the inline style.)
  test('the amber itself as the link colour fails axe', async () => {
    await withStack(browser, { env: BRAND }, async ({ newPage }) => {
      const { page } = await newPage({ bypassCSP: true });
      await page.goto('/sign-in');
      await page.addStyleTag({ content: ':root { --accent: #f5b800 !important; }' });
      const results = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
      assert.ok(results.violations.some((v) => v.id === 'color-contrast'),
                'the amber links should fail color-contrast');
    });
  });
});
