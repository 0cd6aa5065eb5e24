// Forms as a person meets them (issue 14 item 8): every form is checked by the server alone
// (an empty form is sent, not stopped by the browser's own popups), comes back with an error
// summary that takes the focus and links each message to its field, and keeps what was typed
// unless it must not. The offline provider's card form: one number field whose brand is named
// as it is typed, the expiry as MM / YY, the security code, the demo's test cards set apart;
// without JavaScript it still works. axe-core at desktop width and at 390 px.
//
// Run: node --test --test-concurrency=1 tests/e2e/forms.test.mjs
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

/** The summary's messages, in order, and whether it holds the focus. */
async function summary(page) {
  await page.locator('#error-summary').waitFor();
  return {
    focused: await page.evaluate(() => document.activeElement?.id === 'error-summary'),
    title: await textOf(page.locator('#error-summary strong')),
    items: await page.locator('#error-summary li').evaluateAll((lis) => lis.map((li) => li.textContent.trim())),
  };
}

const nextYear = String(new Date().getUTCFullYear() + 1).slice(2);

describe('forms', () => {
  test('the card form: brand as typed, every problem at once, then saved', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      await signIn(page, DEMO);
      await page.goto('/billing/card');
      const number = page.getByLabel('Card number');
      const brand = page.locator('#card-brand');
      await number.pressSequentially('42');
      assert.equal(await textOf(brand), 'Visa');
      await number.fill('');
      await number.pressSequentially('3782');
      assert.equal(await textOf(brand), 'American Express');
      await number.pressSequentially('82246310005');
      await page.getByLabel('Expiry date').focus();  // leaving the field groups the number
      assert.equal(await number.inputValue(), '3782 822463 10005');
      await page.getByLabel('Expiry date').pressSequentially('13');
      assert.equal(await page.getByLabel('Expiry date').inputValue(), '13 / ', 'the slash comes by itself');
      await page.getByLabel('Expiry date').pressSequentially(nextYear);
      await page.getByLabel('Security code').fill('123');
      // The demo's test cards: set apart, below the form.
      const help = page.getByRole('complementary', { name: 'Demo: test cards only' });
      assert.match(await textOf(help), /4242 4242 4242 4242 with any future date/);
      await assertFitsAndAccessible(page, '/billing/card');
      await shoot(page, 'card-form');

      await page.getByRole('button', { name: 'Save card' }).click();
      const s = await summary(page);
      assert.ok(s.focused, 'the summary receives the focus');
      assert.equal(s.title, 'Your card was not saved.');
      assert.deepEqual(s.items, [
        'Enter the expiry date as it is on the card: MM / YY, such as 08 / 29.',
        'The security code of an American Express card is the 4 digits on its front.',
      ]);
      assert.equal(await page.getByLabel('Expiry date').getAttribute('aria-invalid'), 'true');
      assert.equal(await page.getByLabel('Card number').inputValue(), '', 'the number is not written back');
      assert.equal(await page.getByLabel('Expiry date').inputValue(), `13 / ${nextYear}`, 'the expiry is');
      await assertFitsAndAccessible(page, '/billing/card with errors');
      await shoot(page, 'card-form-errors');
      await page.getByRole('link', { name: /^Enter the expiry date/ }).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'exp', 'the link leads to the field');

      await page.getByLabel('Card number').fill('3782 822463 10005');
      await page.getByLabel('Expiry date').fill(`12 / ${nextYear}`);
      await page.getByLabel('Security code').fill('1234');
      await clickAndWait(page, page.getByRole('button', { name: 'Save card' }), '**/billing?done=card_saved');
      assert.match(await textOf(page.locator('main')), /American Express ending in 0005/);
    });
  });

  test('without JavaScript the card form works and the server checks every form', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP, javaScriptEnabled: false });
      // An empty sign-up is sent to the server (no popup stops it) and comes back explained.
      await page.goto('/sign-up');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#error-summary').waitFor();
      assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
      // A refused tick keeps the password typed; a refused password is typed again.
      await page.getByLabel('Email').fill('new-forms@example.com');
      await page.getByLabel('Password').fill('correct horse battery staple');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.locator('#terms-error').waitFor();
      assert.equal(await page.getByLabel('Password').inputValue(), 'correct horse battery staple');

      await signIn(page, DEMO);
      await page.goto('/support');
      await page.getByRole('button', { name: 'Send' }).click();
      await page.locator('#error-summary').waitFor();
      assert.equal(await page.locator('#category').getAttribute('aria-invalid'), 'true');

      await page.goto('/billing/card');
      assert.equal(await textOf(page.locator('#card-brand')), '', 'no brand without the script');
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByLabel('Expiry date').fill(`12/${nextYear}`);
      await page.getByLabel('Security code').fill('123');
      await clickAndWait(page, page.getByRole('button', { name: 'Save card' }), '**/billing?done=card_saved');
      assert.match(await textOf(page.locator('main')), /Visa ending in 4242/);
    });
  });

  test('refused forms look the same everywhere and pass axe at both widths', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      await page.goto('/sign-up');
      await page.getByLabel('Email').fill('not-an-email');
      await page.getByRole('button', { name: 'Create account' }).click();
      let s = await summary(page);
      assert.ok(s.focused);
      assert.equal(s.title, 'Your account was not created.');
      await assertFitsAndAccessible(page, '/sign-up with an error');

      await signIn(page, DEMO);
      await page.goto('/support');
      await page.getByLabel('Topic').selectOption({ index: 1 });
      await page.getByRole('button', { name: 'Send' }).click();
      s = await summary(page);
      assert.ok(s.focused);
      assert.equal(s.title, 'Your ticket was not sent.');
      await assertFitsAndAccessible(page, '/support with an error');
      await shoot(page, 'support-error');

      await page.goto('/settings/password');
      await page.getByLabel('Current password').fill('wrong password entirely');
      await page.getByLabel('New password').fill('another long passphrase here');
      await page.getByRole('button', { name: 'Change password' }).click();
      s = await summary(page);
      assert.ok(s.focused);
      assert.equal(await page.getByLabel('New password').inputValue(), 'another long passphrase here', 'the new password stays');
      assert.equal(await page.getByLabel('Current password').inputValue(), '', 'the refused one is typed again');
      await assertFitsAndAccessible(page, '/settings/password with an error');
    });
  });

  test('every form, sent empty, comes back with its summary focused, at both widths', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage({ viewport: DESKTOP });
      // [page, the button that sends it empty (within `form` when given), its summary's title]
      const customerForms = [
        ['/sign-in', 'Sign in', 'You are not signed in.'],
        ['/forgot-password', 'Send the link', 'The link was not sent.'],
      ];
      const signedInForms = [
        ['/billing/renew', /^Pay /, 'The payment did not go through.'],
        ['/billing/instances', 'Buy instances', 'No instances were bought.'],
        ['/cancel', 'Open a support ticket', 'Your ticket was not sent.'],
        ['/cancel/reason', 'Confirm Cancel', 'Your renewal was not canceled.'],
        ['/settings/password', 'Change password', 'Your password was not changed.'],
        ['/settings/two-factor', 'Turn on', 'Two-factor authentication is not on yet.'],
      ];
      const adminForms = [
        [`/staff?q=${'x'.repeat(201)}`, null, 'Nothing was searched.'],
        ['/staff/customers/CUSTOMER', 'Grant days', 'No days were granted.'],
        ['/staff/releases', 'Publish release', 'The release was not published.'],
      ];
      async function check(path, button, title) {
        await page.goto(path);
        if (button) await page.getByRole('button', { name: button }).click();
        const s = await summary(page);
        assert.equal(s.title, title, path);
        assert.ok(s.focused, `${path}: the summary receives the focus`);
        assert.ok(s.items.length >= 1, path);
        assert.ok(await page.locator('[aria-invalid="true"]').count() >= 1, `${path}: a field is marked invalid`);
        await assertFitsAndAccessible(page, `${path} sent empty`);
      }
      for (const [path, button, title] of customerForms) await check(path, button, title);
      await signIn(page, DEMO);
      for (const [path, button, title] of signedInForms) await check(path, button, title);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn(page, DEMO_USERS.admin);
      await page.goto(`/staff?q=${encodeURIComponent(DEMO)}`);
      const customer = await page.getByRole('link', { name: DEMO, exact: true }).first().getAttribute('href');
      for (const [path, button, title] of adminForms) await check(path.replace('/staff/customers/CUSTOMER', customer), button, title);
    });
  });
});
