// Settings -> Sessions as a person uses it (issue 10 item 5): signed in on a phone and on a
// desktop, the desktop's Settings lists both browsers and the demo's two machines, marks
// "This session", passes axe-core at desktop width and at 390 px, and one click on
// Sign out everywhere else leaves only this browser: the phone is back at the sign-in page
// and every machine's slot is free.
//
// Run: node --test --test-concurrency=1 tests/e2e/
// E2E_SCREENSHOT_DIR=/tmp also saves e2e-settings-sessions.png and its -mobile version.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import { assertAccessible, clickAndWait, DESKTOP, MOBILE, pathOf, shoot, signIn, textOf, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const DEMO = DEMO_USERS.customer;
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME_ANDROID = 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) '
  + 'Chrome/131.0.0.0 Mobile Safari/537.36';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function assertNoSidewaysScroll(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${label} does not scroll sideways at 390 px (${overflow} px)`);
}

describe('Settings -> Sessions', () => {
  test('lists every session; Sign out everywhere else keeps only this one', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const phone = await newPage({ userAgent: CHROME_ANDROID });
      await signIn(phone.page, DEMO);
      const { page } = await newPage({ viewport: DESKTOP, userAgent: FIREFOX_WINDOWS });
      await signIn(page, DEMO);
      await clickAndWait(page, page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Settings', exact: true }), '**/settings');

      const sessions = page.getByRole('region', { name: 'Sessions', exact: true });
      assert.match(await textOf(sessions), /^Sessions Where your account is signed in: browsers on this dashboard, and the program on your machines\. A browser session ends after 14 days without use, and 30 days after it signed in\./);
      const rows = sessions.getByRole('row');
      assert.equal(await rows.count(), 5, 'a header, two browsers and two machines');
      // textContent, not innerText: the badge is upper-cased by CSS only.
      assert.match(await textOf(rows.nth(1)), /^Firefox on Windows This session\s*Browser\s*127\.0\.0\.1/);
      assert.equal(await rows.nth(1).getByRole('button').count(), 0, 'this session has no Sign out');
      assert.match(await textOf(rows.nth(2)), /^Chrome on Android\s*Browser\s*127\.0\.0\.1/);
      assert.equal(await sessions.getByRole('button', { name: 'Sign out session: Chrome on Android, 127.0.0.1' }).count(), 1);
      for (const machine of ['Office desktop', 'MacBook Air']) {
        assert.equal(await sessions.getByRole('button', { name: `Sign out session: ${machine}, 192.0.2.44` }).count(), 1, machine);
      }
      await assertAccessible(page, '/settings with four sessions at desktop');
      await shoot(page, 'settings-sessions');
      await page.setViewportSize(MOBILE);
      await assertAccessible(page, '/settings with four sessions at 390 px');
      await assertNoSidewaysScroll(page, '/settings');
      await shoot(page, 'settings-sessions-mobile');
      await page.setViewportSize(DESKTOP);

      await clickAndWait(page, sessions.getByRole('button', { name: 'Sign out everywhere else', exact: true }),
                         '**/settings?done=signed_out_others&browsers=1&machines=2');
      assert.equal(await textOf(page.getByRole('status').first()),
                   'Done. You are signed out everywhere else: 1 other browser and the program on 2 machines, whose instance slots are free. This browser stays signed in.');
      assert.equal(await rows.count(), 2, 'a header and this session');
      assert.match(await textOf(sessions), /You are signed in only in this browser\./);
      assert.match(await textOf(page.getByRole('region', { name: 'Machines', exact: true })), /0 of 3 instances in use/);
      await assertAccessible(page, '/settings after Sign out everywhere else');

      // The phone is signed out: Home sends it to the sign-in page.
      await phone.page.goto('/home');
      assert.match(pathOf(phone.page), /^\/sign-in/);
    });
  });
});
