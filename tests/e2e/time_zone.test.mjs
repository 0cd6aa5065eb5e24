// Dates in the customer's time zone as a person meets them (issue 14 item 5): a browser in
// New York signs in for the first time and, with no step of theirs, Home shows its dates in
// New York; Settings offers every zone as a list to pick from; a mistyped zone comes back with
// the error summary focused, what was typed, and suggestions to pick; without JavaScript
// nothing is detected and the form still works. axe-core at desktop width and at 390 px.
//
// Run: node --test --test-concurrency=1 tests/e2e/time_zone.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { assertFitsAndAccessible, clickAndWait, DESKTOP, shoot, signIn, textOf, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const DEMO = DEMO_USERS.customer;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

/** "December 22, 2026": the day of `iso` in `timeZone`, as the dashboard writes it. */
function longDate(iso, timeZone) {
  return new Intl.DateTimeFormat('en-US', { timeZone, month: 'long', day: 'numeric', year: 'numeric' })
    .format(new Date(iso));
}

async function validUntil(page) {
  const time = page.getByText(/^Valid until /).locator('time');
  return { iso: await time.getAttribute('datetime'), text: await textOf(time) };
}

describe('the time zone', () => {
  test('detected from the browser on the first visit, then chosen from the list', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP, timezoneId: 'America/New_York' });
      const reported = page.waitForResponse((r) => r.url().endsWith('/settings/time-zone/detected'));
      await signIn(page, DEMO);
      const answer = await reported;
      assert.equal(answer.status(), 204, 'the browser reported America/New_York and it was saved');
      assert.match(answer.request().postData(), /time_zone=America%2FNew_York/);
      // The page reloads itself to show its dates in the zone.
      const { iso } = await validUntil(page);
      await page.getByText(`Valid until ${longDate(iso, 'America/New_York')}`).waitFor();

      await clickAndWait(page, page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings' }), '**/settings');
      const field = page.getByLabel('Time zone');
      assert.equal(await field.inputValue(), 'America/New_York');
      assert.match(await textOf(page.locator('#tz-hint')), /It is \d\d:\d\d E[SD]T there now\./);
      // Times of day carry the zone's abbreviation (the sessions' "last seen").
      assert.match(await page.locator('time[title]').first().getAttribute('title'), / E[SD]T$/);
      // Every zone of the tz database is on the list the field offers.
      assert.equal(await field.getAttribute('list'), 'zones');
      const options = await page.locator('#zones option').evaluateAll((os) => os.map((o) => o.value));
      assert.ok(options.length > 300, `${options.length} zones`);
      for (const zone of ['UTC', 'Europe/Lisbon', 'Asia/Kolkata', 'America/Argentina/Salta']) assert.ok(options.includes(zone), zone);
      await assertFitsAndAccessible(page, '/settings');
      await shoot(page, 'settings-time-zone');

      // Picking one from the list: the field takes the option's value.
      await field.fill('Asia/Kolkata');
      await clickAndWait(page, page.locator('#time-zone-form').getByRole('button', { name: 'Save' }), '**/settings?done=time_zone');
      assert.equal(await textOf(page.getByRole('status').filter({ hasText: 'time zone' })), 'Your time zone is saved.');
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Kolkata');
      assert.match(await page.locator('time[title]').first().getAttribute('title'), / IST$/);
      await page.goto('/home');
      const again = await validUntil(page);
      assert.equal(again.text, longDate(again.iso, 'Asia/Kolkata'));
      // The browser still says New York: a choice is never replaced by the browser's zone.
      await page.reload();
      await page.goto('/settings');
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Asia/Kolkata');
    });
  });

  test('a mistyped zone comes back with the summary focused, what was typed, and suggestions', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      await signIn(page, DEMO);
      await page.goto('/settings');
      await page.getByLabel('Time zone').fill('Europe/Lisbn');
      await page.locator('#time-zone-form').getByRole('button', { name: 'Save' }).click();
      await page.locator('#error-summary').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'the summary receives the focus');
      assert.match(await textOf(page.locator('#error-summary')), /^Your time zone was not saved\. That is not a time zone we know\./);
      const field = page.getByLabel('Time zone');
      assert.equal(await field.inputValue(), 'Europe/Lisbn');
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.ok(await page.locator('#zones option[value="Europe/Lisbon"]').count() === 1, 'the list is still there');
      await assertFitsAndAccessible(page, '/settings with a mistyped time zone');
      await shoot(page, 'settings-time-zone-error');
      // The summary's link leads to the field.
      await page.locator('#error-summary a').click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'time_zone');

      await clickAndWait(page, page.getByRole('group', { name: /Did you mean/ }).getByRole('button', { name: 'Europe/Lisbon' }), '**/settings?done=time_zone');
      assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Lisbon');
    });
  });

  test('without JavaScript nothing is detected, and the form still works', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP, javaScriptEnabled: false, timezoneId: 'Asia/Tokyo' });
      await signIn(page, DEMO);
      await page.goto('/settings');
      const field = page.getByLabel('Time zone');
      assert.equal(await field.inputValue(), '', 'no zone was detected');
      assert.match(await textOf(page.locator('#tz-hint')), /until you choose, that is UTC\. It is \d\d:\d\d UTC there now\./);
      await field.fill('Asia/Tokyo');
      await clickAndWait(page, page.locator('#time-zone-form').getByRole('button', { name: 'Save' }), '**/settings?done=time_zone');
      await page.goto('/home');
      const until = await validUntil(page);
      assert.equal(until.text, longDate(until.iso, 'Asia/Tokyo'));
    });
  });
});
