// Issue 9's dashboard side as a person walks it, by the seed's labels: Settings -> Machines ->
// Sign out one; Deactivate license (what it does, then the button, the notice, the email, the
// cooldown); Home -> Edit Instances -> Change at next renewal -> the pending count on the page
// and on Home, then Keep; Home's checkout chart; staff's statistics. axe-core on every page of
// it at desktop and at 390 px. Each test runs its own server and database (the demo customer:
// three instances, two machines, 320 checkouts over 60 days).
//
// Run: node --test --test-concurrency=1 tests/e2e/
// E2E_SCREENSHOT_DIR=/tmp also saves e2e-settings-machines.png, e2e-deactivate.png,
// e2e-instances.png, e2e-home-chart.png and their -mobile versions there, to look at.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { assertAccessible, clickAndWait, DESKTOP, LABELS, LONG_DATE, MOBILE, pathOf, shoot, signIn, textOf, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const DEMO = DEMO_USERS.customer;
const DEACTIVATED_SUBJECT = 'Your license was deactivated on every machine';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** What a person reads: innerText keeps table cells apart (textContent runs them together). */
async function readable(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

async function openTab(page, name, url) {
  await clickAndWait(page, page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name, exact: true }), url);
}

describe('Settings -> Machines', () => {
  test('lists the two machines holding slots, and Sign out frees one', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      await openTab(page, 'Settings', '**/settings');
      const machines = page.getByRole('region', { name: 'Machines', exact: true });
      assert.match(await textOf(machines), /^Machines 2 of 3 instances in use\./);
      const rows = machines.getByRole('row');
      assert.equal(await rows.count(), 3, 'a header and two machines');
      assert.match(await readable(rows.nth(1)), /^Office desktop Windows 11 2\.4\.1 .+ (just now|\d+ minutes? ago) Sign out Office desktop$/);
      assert.match(await readable(rows.nth(2)), /^MacBook Air macOS 15\.1 2\.4\.1 /);
      await shoot(page, 'settings-machines');

      await clickAndWait(page, machines.getByRole('button', { name: 'Sign out MacBook Air' }), '**/settings?done=signed_out');
      assert.match(await textOf(page.getByRole('status').first()), /The machine was signed out of the program, and its instance slot is free\./);
      assert.match(await textOf(machines), /^Machines 1 of 3 instances in use\./);
      assert.equal(await machines.getByText('MacBook Air').count(), 0);
      assert.equal(await machines.getByRole('button', { name: /^Sign out/ }).count(), 1);
    });
  });
});

describe('Deactivate license', () => {
  test('the page says what it does; the button signs out every machine; then the cooldown', async () => {
    await withStack(browser, {}, async ({ newPage, sink }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      await openTab(page, 'Settings', '**/settings');
      await clickAndWait(page, page.getByRole('link', { name: 'Deactivate license', exact: true }), '**/settings/deactivate');
      assert.equal(await textOf(page.getByRole('heading', { level: 1 })), 'Deactivate license');
      const main = await textOf(page.getByRole('main'));
      assert.match(main, /signs the program out on every machine at once and frees every instance slot/);
      assert.match(main, /Your license itself keeps its dates/);
      assert.match(main, /It can be used once every 24 hours/);
      await shoot(page, 'deactivate');

      const button = page.getByRole('button', { name: 'Deactivate license', exact: true });
      assert.equal(await button.isEnabled(), true);
      await clickAndWait(page, button, '**/settings?done=deactivated&machines=2');
      assert.match(await textOf(page.getByRole('status').first()),
                   /the program was signed out on 2 machines, and every instance slot is free/);
      assert.match(await textOf(page.getByRole('region', { name: 'Machines', exact: true })), /0 of 3 instances in use\. No machine is signed in/);
      await sink.waitFor((m) => m.to.includes(DEMO) && m.subject === DEACTIVATED_SUBJECT, 'the email');

      // Within the cooldown: the page names the date and time, and the button is disabled.
      await clickAndWait(page, page.getByRole('link', { name: 'Deactivate license', exact: true }), '**/settings/deactivate');
      const note = await textOf(page.getByRole('status'));
      assert.match(note, new RegExp(`It is available again on ${LONG_DATE.source} \\d\\d:\\d\\d UTC\\.`));
      assert.equal(await page.getByRole('button', { name: 'Deactivate license', exact: true }).isDisabled(), true);
      await assertAccessible(page, '/settings/deactivate during the cooldown');
    });
  });
});

describe('Edit Instances', () => {
  test('Home -> Edit Instances -> Change at next renewal, then Keep', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      const license = page.getByRole('region', { name: 'Your license' });
      assert.match(await textOf(license), /3 instances · 150\.00 USD a month · Edit Instances/);
      await clickAndWait(page, license.getByRole('link', { name: 'Edit Instances', exact: true }), '**/billing/instances');
      assert.equal(await textOf(page.getByRole('heading', { level: 1 })), 'Edit instances');
      // The purchase form is as it was.
      const add = page.getByRole('region', { name: 'Add instances now' });
      assert.equal(await add.getByRole('button', { name: 'Buy instances' }).count(), 1);

      const remove = page.getByRole('region', { name: 'Remove instances from your next renewal' });
      assert.match(await textOf(remove), /Nothing is refunded\./);
      await remove.getByLabel('Instances from your next renewal', { exact: true }).selectOption('1');
      await clickAndWait(page, remove.getByRole('button', { name: 'Change at next renewal' }), '**/billing/instances?done=scheduled');
      const pending = new RegExp(`From your next renewal on ${LONG_DATE.source}: 1 instance, 50\\.00 USD a month\\.`);
      assert.match(await textOf(remove), pending);
      await shoot(page, 'instances');
      await assertAccessible(page, '/billing/instances with a removal pending');

      await openTab(page, 'Home', '**/home');
      assert.match(await textOf(license), pending);
      assert.match(await textOf(page.getByRole('region', { name: LABELS.section })),
                   new RegExp(`renews automatically on ${LONG_DATE.source} for 50\\.00 USD`));
      await openTab(page, 'Settings', '**/settings');
      assert.match(await textOf(page.getByRole('main')), pending);

      // Keep the three after all.
      await clickAndWait(page, page.getByRole('link', { name: 'Edit Instances', exact: true }), '**/billing/instances');
      await clickAndWait(page, page.getByRole('button', { name: 'Keep 3 instances' }), '**/billing/instances?done=kept');
      assert.match(await textOf(page.getByRole('status')), /Your next renewal keeps all 3 instances\./);
      await openTab(page, 'Home', '**/home');
      assert.match(await textOf(license), /3 instances · 150\.00 USD a month · Edit Instances/);
      assert.doesNotMatch(await textOf(license), /From your next renewal/);
    });
  });
});

describe('checkout statistics', () => {
  test("Home's chart is visible, summed up in words, and fits a phone", async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      await signIn(page, DEMO);
      const stats = page.getByRole('region', { name: 'Checkout statistics' });
      assert.match(await readable(stats), /All time 320 [\d,]+\.\d\d EUR, [\d,]+\.\d\d USD/);
      const chart = stats.getByRole('img', { name: /^Checkouts per day from / });
      assert.equal(await chart.isVisible(), true);
      const box = await chart.boundingBox();
      assert.ok(box.width > 400 && box.height > 100, `a chart of a readable size: ${JSON.stringify(box)}`);
      assert.equal(await chart.locator('rect.chart-bar').count(), 30);
      assert.equal(await stats.getByRole('table', { name: 'The latest 10 checkouts, newest first' }).getByRole('row').count(), 11);
      await shoot(page, 'home-chart');

      await page.setViewportSize(MOBILE);
      const small = await chart.boundingBox();
      assert.ok(small.width <= MOBILE.width && small.width > 250, `the chart fits 390 px: ${JSON.stringify(small)}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `Home does not scroll sideways at 390 px (${overflow} px)`);
      await shoot(page, 'home-chart-mobile');
    });
  });

  test('staff see a customer\'s statistics and machines, and everyone\'s under Checkouts', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO_USERS.staff);
      await clickAndWait(page, page.getByRole('link', { name: DEMO, exact: true }), /\/staff\/customers\/\d+$/);
      assert.match(await textOf(page.getByRole('region', { name: 'Machines', exact: true })), /2 of 3 instances in use/);
      assert.match(await readable(page.getByRole('region', { name: 'Checkout statistics' })), /All time 320 /);
      await assertAccessible(page, 'a staff customer page');
      await clickAndWait(page, page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Checkouts' }), '**/staff/checkouts');
      assert.match(await readable(page.getByRole('main')), /Checkout statistics, all customers .*All time 320 /);
      assert.equal(await page.getByRole('img', { name: /^Checkouts per day from / }).isVisible(), true);
      await assertAccessible(page, '/staff/checkouts');
    });
  });
});

describe('accessibility of the program pages (axe-core: no serious or critical violations)', () => {
  for (const [name, viewport] of [['desktop', DESKTOP], ['390 px', MOBILE]]) {
    test(`Home, Settings, Deactivate license, Edit Instances at ${name}`, async () => {
      await withStack(browser, {}, async ({ newPage }) => {
        const { page } = await newPage({ viewport });
        await signIn(page, DEMO);
        for (const url of ['/home', '/settings', '/settings/deactivate', '/billing/instances']) {
          await page.goto(url);
          assert.equal(pathOf(page), url);
          await assertAccessible(page, `${url} at ${name}`);
          if (viewport === MOBILE) {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            assert.ok(overflow <= 0, `${url} does not scroll sideways at 390 px (${overflow} px)`);
          }
        }
        // The same pages after a Sign out and with a removal pending: notices and their forms.
        await page.goto('/settings');
        await clickAndWait(page, page.getByRole('button', { name: 'Sign out Office desktop' }), '**/settings?done=signed_out');
        await assertAccessible(page, `/settings with its notice at ${name}`);
        await page.goto('/billing/instances');
        await page.getByLabel('Instances from your next renewal', { exact: true }).selectOption('2');
        await clickAndWait(page, page.getByRole('button', { name: 'Change at next renewal' }), '**/billing/instances?done=scheduled');
        await assertAccessible(page, `/billing/instances with a removal pending at ${name}`);
        await page.goto('/home');
        await assertAccessible(page, `/home with a removal pending at ${name}`);
        if (viewport === MOBILE) await shoot(page, 'home-mobile');
      });
    });
  }
});
