// Two-factor authentication in a real browser (issue 10), with codes from an independent TOTP
// implementation (the npm package otpauth, RFC 6238): turn it on from Settings, sign out, sign
// in with a code, then with a recovery code, then reset the password from the email the SMTP
// sink received (the reset asks for a code too). axe-core checks every new page, at desktop
// width and at 390 px.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import * as OTPAuth from 'otpauth';

import { launchBrowser } from './browser.mjs';
import { assertAccessible, clickAndWait, pathOf, shoot, signIn } from './harness.mjs';
import { withStack } from './harness.mjs';
import { DEMO_PASSWORD, DEMO_USERS } from './server.mjs';

const NEW_PASSWORD = 'quartz lantern meadow 42';
let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The authenticator: the key as the page shows it for manual entry ("ABCD EFGH ..."). */
function authenticator(shownKey) {
  return new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(shownKey.replace(/\s+/g, '')),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

async function signOut(page) {
  await clickAndWait(page, page.getByRole('button', { name: 'Sign out' }), '**/sign-in');
}

async function passwordStep(page, email, password) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }), '**/sign-in/code');
}

async function codeStep(page, code) {
  await page.getByLabel('Code', { exact: true }).fill(code);
  await clickAndWait(page, page.getByRole('button', { name: 'Verify' }), '**/home');
}

describe('two-factor authentication', () => {
  test('turn on, sign in with a code, then a recovery code, then reset the password by email', async () => {
    await withStack(browser, {}, async ({ newPage, sink }) => {
      const email = DEMO_USERS.customer;
      const { page } = await newPage();
      await signIn(page, email);

      // Settings -> Turn on two-factor authentication: a QR code and the key as text.
      await page.goto('/settings');
      await clickAndWait(page, page.getByRole('link', { name: 'Turn on two-factor authentication' }), '**/settings/two-factor');
      assert.equal(await page.getByRole('img', { name: /QR code/ }).count(), 1);
      await assertAccessible(page, '/settings/two-factor (turn on)');
      await shoot(page, 'two-factor-setup');
      const totp = authenticator(await page.locator('#totp-secret').innerText());

      await page.getByLabel('Code', { exact: true }).fill(totp.generate());
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
      const codes = await page.getByRole('list', { name: 'Recovery codes' }).locator('code').allInnerTexts();
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      const download = page.getByRole('link', { name: 'Download as a text file' });
      assert.equal(await download.getAttribute('download'), 'recovery-codes.txt');
      assert.match(decodeURIComponent(await download.getAttribute('href')), new RegExp(codes[0]));
      await assertAccessible(page, 'recovery codes');
      await sink.waitFor((m) => m.to.includes(email) && /Two-factor authentication is on/.test(m.subject), 'the notice');

      // Sign out; the password alone leads to the code step. The code of the next 30-second
      // step (the one used to turn it on cannot be used again).
      await signOut(page);
      await passwordStep(page, email, DEMO_PASSWORD);
      await assertAccessible(page, '/sign-in/code');
      await codeStep(page, totp.generate({ timestamp: Date.now() + 30_000 }));
      assert.equal(pathOf(page), '/home');

      // Then with a recovery code instead; the notice says how many are left.
      await signOut(page);
      await passwordStep(page, email, DEMO_PASSWORD);
      await codeStep(page, codes[0]);
      const used = await sink.waitFor((m) => m.to.includes(email) && /recovery code was used/.test(m.subject), 'the recovery code notice');
      assert.match(used.text, /9 left/);

      // Manage page, at desktop width and on a phone.
      await page.goto('/settings/two-factor');
      assert.match(await page.locator('body').innerText(), /9 unused recovery codes left/);
      await assertAccessible(page, '/settings/two-factor (on)');
      await page.setViewportSize({ width: 390, height: 844 });
      await assertAccessible(page, '/settings/two-factor (on) at 390 px');
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto('/settings/password');
      await assertAccessible(page, '/settings/password');

      // Forgot your password? from the sign-in page, the link from the sink, a recovery code.
      await signOut(page);
      await clickAndWait(page, page.getByRole('link', { name: 'Forgot your password?' }), '**/forgot-password');
      await assertAccessible(page, '/forgot-password');
      await page.getByLabel('Email').fill(email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByText(`If an account exists for ${email}`).waitFor();
      await assertAccessible(page, '/forgot-password (sent)');
      const reset = await sink.waitFor((m) => m.to.includes(email) && /Reset your password/.test(m.subject), 'the reset link');
      const link = new URL(reset.text.match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/)[0]);
      await page.goto(link.pathname + link.search);
      await assertAccessible(page, '/reset-password');
      await page.getByLabel('New password').fill(NEW_PASSWORD);
      await page.getByLabel('Code', { exact: true }).fill(codes[1]);
      await clickAndWait(page, page.getByRole('button', { name: 'Change password' }), '**/sign-in?done=password_reset');
      await sink.waitFor((m) => m.to.includes(email) && /Your password was changed/.test(m.subject), 'the password notice');

      // The new password, and two-factor still asks for its code.
      await passwordStep(page, email, NEW_PASSWORD);
      await codeStep(page, codes[2]);
      assert.equal(pathOf(page), '/home');
    });
  });
});
