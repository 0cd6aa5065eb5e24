// The cancellation journey as a person walks it (PRODUCT.md "The Account Renewal section and
// cancellation"): Cancel -> the support-first screen -> Continue to Cancel -> a reason ->
// Confirm Cancel -> Subscribe (cancel anytime), with and without JavaScript, by keyboard, with
// the confirmation emails read from a real SMTP server on loopback. Each test runs its own
// server and database.
//
// Run: node --test --test-concurrency=1 tests/e2e/
// E2E_SCREENSHOT_DIR=/tmp also saves e2e-cancel.png, e2e-cancel-reason.png and
// e2e-home-canceled.png there, to look at.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import {
  LABELS, LONG_DATE, REASONS, assertAccessible, clickAndWait, pathOf, shoot, signIn, textOf,
  withStack,
} from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const DEMO = DEMO_USERS.customer;
// The demo customer's monthly price: the license and its two extra instances (issue 9 seeds
// three instances), 3 x 50.00 USD. A regular expression's source.
const DEMO_PRICE = '150\\.00 USD';
const CANCELED_SUBJECT = 'Your license will not renew';
const RESUBSCRIBED_SUBJECT = 'Your license will renew automatically';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

function renewalSection(page) {
  return page.getByRole('region', { name: LABELS.section });
}

/** The long date after "Valid until" on Home, e.g. "March 3, 2031". */
async function validUntil(page) {
  const time = page.getByText(/^Valid until /).locator('time');
  assert.equal(await time.count(), 1, '"Valid until <date>" on Home');
  const text = (await time.textContent()).trim();
  assert.match(text, new RegExp(`^${LONG_DATE.source}$`));
  return text;
}

/** Home with auto-renew on: the section says so and offers Cancel, not Subscribe. */
async function assertRenewing(page, why) {
  assert.match(pathOf(page), /^\/home/, why);
  const section = renewalSection(page);
  assert.equal(await section.count(), 1, `an "${LABELS.section}" section (${why})`);
  assert.match(await textOf(section), new RegExp(`renews automatically on ${LONG_DATE.source} for ${DEMO_PRICE}`),
               `the section names the renewal date and price (${why})`);
  assert.equal(await section.getByRole('link', { name: LABELS.cancel, exact: true }).count(), 1,
               `a "${LABELS.cancel}" link (${why})`);
  assert.equal(await section.getByRole('button', { name: LABELS.subscribe, exact: true }).count(), 0,
               `no "${LABELS.subscribe}" while renewing (${why})`);
}

/** Home with auto-renew off: it won't renew, works until its date, offers Subscribe. */
async function assertNotRenewing(page, ends, why) {
  assert.match(pathOf(page), /^\/home/, why);
  const section = renewalSection(page);
  const text = await textOf(section);
  assert.match(text, /Your account will not renew\./, why);
  assert.ok(text.includes(`Your license works until ${ends}`), `${why}: "${text}"`);
  assert.equal(await section.getByRole('button', { name: LABELS.subscribe, exact: true }).count(), 1,
               `a "${LABELS.subscribe}" button (${why})`);
  assert.equal(await section.getByRole('link', { name: LABELS.cancel, exact: true }).count(), 0,
               `no "${LABELS.cancel}" once canceled (${why})`);
  assert.equal(await validUntil(page), ends, `canceling never shortens the license (${why})`);
}

/** The support-first screen. */
async function assertSupportFirst(page, why) {
  assert.match(pathOf(page), /^\/cancel(\?ticket=\d+)?$/, why);
  assert.equal(await textOf(page.getByRole('heading', { level: 1 })), 'Before you cancel', why);
  // Before a ticket, the form to open one; after, that ticket instead of a blank form again.
  const withTicket = /\?ticket=\d+$/.test(pathOf(page));
  assert.equal(await page.getByRole('heading', { name: 'Can we help first?' }).count(), withTicket ? 0 : 1, why);
  assert.equal(await page.getByRole('heading', { name: 'Your ticket is open' }).count(), withTicket ? 1 : 0, why);
  assert.equal(await page.getByRole('link', { name: LABELS.continue, exact: true }).count(), 1,
               `a "${LABELS.continue}" link (${why})`);
}

/** The reason page: eight reasons in plain words, a comment, the no-refund statement. */
async function assertReasonPage(page, ends) {
  assert.match(pathOf(page), /^\/cancel\/reason(\?ticket=\d+)?$/);
  assert.equal(await textOf(page.getByRole('heading', { level: 1 })), 'Why are you canceling?');
  const group = page.getByRole('group', { name: /Choose the one that fits best/ });
  assert.equal(await group.count(), 1, 'the reasons are one labelled group');
  const radios = group.getByRole('radio');
  assert.equal(await radios.count(), REASONS.length);
  for (let i = 0; i < REASONS.length; i++) {
    const [value, label] = REASONS[i];
    const radio = page.getByRole('radio', { name: label, exact: true });
    assert.equal(await radio.count(), 1, `the reason "${label}"`);
    assert.equal(await radio.getAttribute('value'), value);
    assert.equal(await radios.nth(i).getAttribute('value'), value, 'in the listed order');
    assert.equal(await radio.isChecked(), false, 'nothing is chosen for the customer');
  }
  assert.doesNotMatch(await textOf(group), /_/, 'no reason is shown by its code name');
  assert.equal(await page.getByRole('textbox', { name: /Anything you'd like to add\?/ }).count(), 1);
  const main = await textOf(page.getByRole('main'));
  assert.ok(main.includes('nothing is refunded'), 'the no-refund statement');
  assert.ok(main.includes('Every submission is read by our staff.'), 'the seed\'s promise: every submission is read');
  assert.ok(main.includes(`It keeps working until ${ends}.`), `the license works until ${ends}`);
  assert.equal(await page.getByRole('button', { name: LABELS.confirm, exact: true }).count(), 1);
}

function mailTo(address, subject) {
  return (m) => m.to.includes(address) && m.subject === subject;
}

describe('the cancellation journey', () => {
  test('with JavaScript: Cancel, a ticket, Continue to Cancel, a reason, Confirm Cancel, Subscribe again', async () => {
    await withStack(browser, {}, async ({ sink, newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      const ends = await validUntil(page);
      await assertRenewing(page, 'signed in');
      const section = renewalSection(page);
      assert.match(await section.locator('time').first().getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}T/,
                   'the section shows the renewal date');

      // 1. Cancel opens the support-first screen.
      await clickAndWait(page, section.getByRole('link', { name: LABELS.cancel, exact: true }), '**/cancel');
      await assertSupportFirst(page, 'after Cancel');
      const help = page.getByRole('region', { name: 'Can we help first?' });
      assert.match(await textOf(help), /our support team can fix quickly\. Tell us what's going on and we'll get back to you\./,
                   'the warm ask');
      assert.equal(await page.getByLabel('Subject').inputValue(), 'Thinking about canceling');
      assert.equal(await page.getByLabel("What's going on?").count(), 1);
      await shoot(page, 'cancel');

      // Back from it: nothing changed.
      await page.goBack();
      await assertRenewing(page, 'Back from the support-first screen');
      await page.goForward();
      await assertSupportFirst(page, 'Forward again');

      // 2. A ticket, right there.
      await page.getByLabel('Subject').fill('Before I go: the program is slow');
      await page.getByLabel("What's going on?").fill('It takes a minute to start.\nCan you help?');
      await clickAndWait(page, page.getByRole('button', { name: 'Open a support ticket' }), /\/cancel\?ticket=\d+$/);
      const ticket = new URL(page.url()).searchParams.get('ticket');
      const opened = page.getByRole('region', { name: 'Your ticket is open' });
      assert.match(await textOf(opened.getByRole('status')), /^We got your message\. Our support team will answer by email/);
      assert.equal(await opened.getByRole('link', { name: `#${ticket} Before I go: the program is slow` }).getAttribute('href'),
                   `/support/tickets/${ticket}`);
      assert.match(await textOf(opened), /Status\s*Open/);
      assert.equal(await page.getByLabel("What's going on?").count(), 0, 'no blank form again');
      await assertSupportFirst(page, 'after opening a ticket');
      const toStaff = await sink.waitFor((m) => m.to.includes(DEMO_USERS.staff) && m.subject.includes(`[ticket #${ticket}]`),
                                         'to staff about the new ticket');
      assert.match(toStaff.text, /demo@example\.com wrote \(Thinking about canceling\):/);
      assert.match(toStaff.text, /> It takes a minute to start\.\n> Can you help\?/);

      // 3. Continue to Cancel: the reason page, carrying the ticket.
      await clickAndWait(page, page.getByRole('link', { name: LABELS.continue, exact: true }), '**/cancel/reason?ticket=*');
      await assertReasonPage(page, ends);
      assert.equal(await page.locator('input[type=hidden][name=ticket]').inputValue(), ticket);
      await shoot(page, 'cancel-reason');

      // Back from the reason page: the support-first screen, and Home still renews.
      await page.goBack();
      await assertSupportFirst(page, 'Back from the reason page');
      await page.goto('/home');
      await assertRenewing(page, 'Home after going back from the reason page');
      await page.goBack();
      await assertSupportFirst(page, 'Back to the support-first screen');
      await clickAndWait(page, page.getByRole('link', { name: LABELS.continue, exact: true }), '**/cancel/reason?ticket=*');

      // 4. A reason by its label, a comment, Confirm Cancel.
      await page.getByLabel("It's missing features I need", { exact: true }).check();
      await page.getByLabel(/Anything you'd like to add\?/).fill('I need a scheduler, please.');
      await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=canceled');
      const notice = page.getByRole('status');
      assert.equal(await textOf(notice),
                   `Done. Your license will not renew, and it keeps working until ${ends}. We've emailed you a confirmation.`);
      await assertNotRenewing(page, ends, 'after Confirm Cancel');
      await shoot(page, 'home-canceled');

      const canceled = await sink.waitFor(mailTo(DEMO, CANCELED_SUBJECT), 'confirming the cancellation');
      assert.deepEqual(canceled.to, [DEMO]);
      assert.ok(canceled.text.includes(`Your license keeps working until ${ends} (`),
                `the email names the end date ${ends}:\n${canceled.text}`);
      assert.match(canceled.text, /nothing is refunded/);
      assert.match(canceled.text, /Subscribe \(cancel anytime\)/);

      // Back from Home: the reason page is gone (renewal is already off); nothing changes.
      await page.goBack();
      assert.match(pathOf(page), /^\/cancel\/reason/);
      assert.equal(await textOf(page.getByRole('heading', { level: 1 })), "Your license won't renew");
      assert.equal(await page.getByRole('button', { name: LABELS.confirm }).count(), 0, 'no second Confirm Cancel');
      assert.ok((await textOf(page.getByRole('main'))).includes(`Your license works until ${ends}.`));
      await page.goForward();
      await assertNotRenewing(page, ends, 'Forward to Home again');

      // 5. Subscribe (cancel anytime): renewing again, and an email says so.
      await clickAndWait(page, renewalSection(page).getByRole('button', { name: LABELS.subscribe, exact: true }),
                         '**/home?done=subscribed');
      assert.equal(await textOf(page.getByRole('status')), 'Automatic renewal is on again. You can cancel anytime.');
      await assertRenewing(page, 'after Subscribe');
      assert.equal(await validUntil(page), ends, 'subscribing again changes no date');
      const resubscribed = await sink.waitFor(mailTo(DEMO, RESUBSCRIBED_SUBJECT), 'confirming the resubscription');
      assert.deepEqual(resubscribed.to, [DEMO]);
      assert.match(resubscribed.text, new RegExp(`We will charge ${DEMO_PRICE} to your saved payment method on ${LONG_DATE.source}`));

      // Back once more: still renewing.
      await page.goBack();
      await assertRenewing(page, 'Back from Home after subscribing');

      // One cancellation, one resubscription (the outbox sends in order).
      const all = await sink.messages();
      assert.equal(all.filter(mailTo(DEMO, CANCELED_SUBJECT)).length, 1, 'one cancellation email');
      assert.equal(all.filter(mailTo(DEMO, RESUBSCRIBED_SUBJECT)).length, 1, 'one resubscription email');
    });
  });

  test('without JavaScript: the same pages, labels and outcome; a second tab confirming is harmless', async () => {
    await withStack(browser, {}, async ({ sink, newPage }) => {
      const { context, page } = await newPage({ javaScriptEnabled: false });
      await signIn(page, DEMO);
      const ends = await validUntil(page);
      await assertRenewing(page, 'signed in, no JavaScript');

      await clickAndWait(page, renewalSection(page).getByRole('link', { name: LABELS.cancel, exact: true }), '**/cancel');
      await assertSupportFirst(page, 'after Cancel');
      assert.equal(await page.getByRole('button', { name: 'Open a support ticket' }).count(), 1);
      await page.goBack();
      await assertRenewing(page, 'Back from the support-first screen');
      await page.goForward();

      await clickAndWait(page, page.getByRole('link', { name: LABELS.continue, exact: true }), '**/cancel/reason');
      await assertReasonPage(page, ends);
      await page.goBack();
      await assertSupportFirst(page, 'Back from the reason page');
      await page.goBack();
      await assertRenewing(page, 'Back to Home from the reason page');
      await page.goForward();
      await page.goForward();
      await assertReasonPage(page, ends);

      // A second tab on the same reason page, as a customer with two tabs open would have.
      const other = await context.newPage();
      await other.goto('/cancel/reason');
      await assertReasonPage(other, ends);

      await page.getByLabel("It's too expensive", { exact: true }).check();
      await page.getByLabel(/Anything you'd like to add\?/).fill('Fifty a month is a lot for me.');
      await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=canceled');
      assert.match(await textOf(page.getByRole('status')), new RegExp(`^Done\\. Your license will not renew, and it keeps working until ${ends}\\.`));
      await assertNotRenewing(page, ends, 'after Confirm Cancel');

      // The other tab confirms too: nothing more happens, and it says so.
      await other.getByLabel("I don't use it enough", { exact: true }).check();
      await clickAndWait(other, other.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=already_canceled');
      assert.equal(await textOf(other.getByRole('status')), 'Your license was already set not to renew, so nothing changed.');
      await assertNotRenewing(other, ends, 'after confirming from the second tab');
      await other.close();

      const canceled = await sink.waitFor(mailTo(DEMO, CANCELED_SUBJECT), 'confirming the cancellation');
      assert.ok(canceled.text.includes(ends), `the email names ${ends}`);

      await page.goBack();
      assert.equal(await textOf(page.getByRole('heading', { level: 1 })), "Your license won't renew",
                   'Back to the reason page after canceling shows there is nothing left to cancel');
      await page.goto('/cancel');
      assert.equal(await textOf(page.getByRole('heading', { level: 1 })), "Your license won't renew",
                   'Cancel again after canceling: nothing to cancel');
      await page.goto('/home');
      await assertNotRenewing(page, ends, 'Home after wandering back');

      await clickAndWait(page, renewalSection(page).getByRole('button', { name: LABELS.subscribe, exact: true }),
                         '**/home?done=subscribed');
      assert.equal(await textOf(page.getByRole('status')), 'Automatic renewal is on again. You can cancel anytime.');
      await assertRenewing(page, 'after Subscribe');
      await sink.waitFor(mailTo(DEMO, RESUBSCRIBED_SUBJECT), 'confirming the resubscription');

      const all = await sink.messages();
      assert.equal(all.filter(mailTo(DEMO, CANCELED_SUBJECT)).length, 1, 'two confirmations cancel once');
    });
  });

  test('by keyboard: a reason and Confirm Cancel with Tab, arrows and Space/Enter; "Something else" needs a comment', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      const ends = await validUntil(page);
      await page.goto('/cancel/reason');
      await assertReasonPage(page, ends);

      const focused = () => page.evaluate(() => {
        const el = document.activeElement;
        return { tag: el?.tagName.toLowerCase(), id: el?.id ?? '', type: el?.getAttribute('type') ?? '',
                 text: (el?.textContent ?? '').trim() };
      });
      async function tabUntil(matches, what, key = 'Tab') {
        for (let i = 0; i < 60; i++) {
          await page.keyboard.press(key);
          const f = await focused();
          if (matches(f)) return f;
        }
        throw new Error(`${key} never reached ${what}`);
      }

      // Tab reaches the reasons on the first one (none is checked yet) and Space picks it.
      // Inside a group of radios the arrow keys move (the platform's own behaviour, which a
      // keyboard user expects): ArrowDown to the last reason, "Something else", picks it.
      let f = await tabUntil((x) => x.type === 'radio', 'a reason');
      assert.equal(f.id, 'reason-too_expensive', 'Tab enters the reasons on the first one');
      await page.keyboard.press('Space');
      assert.equal(await page.getByRole('radio', { name: "It's too expensive", exact: true }).isChecked(), true,
                   'Space picks the focused reason');
      for (let i = 1; i < REASONS.length; i++) await page.keyboard.press('ArrowDown');
      f = await focused();
      assert.equal(f.id, 'reason-other');
      assert.equal(await page.getByRole('radio', { name: 'Something else', exact: true }).isChecked(), true);
      f = await tabUntil((x) => x.type !== 'radio', 'past the reasons');
      assert.equal(f.id, 'comment', 'one Tab leaves the reasons for the comment');

      // On to Confirm Cancel with Tab, the comment left empty; Enter submits.
      f = await tabUntil((x) => x.tag === 'button', 'Confirm Cancel');
      assert.equal(f.text, LABELS.confirm, 'the first button after the reasons is Confirm Cancel');
      await Promise.all([page.waitForURL('**/cancel/confirm'), page.keyboard.press('Enter')]);

      const alert = page.getByRole('alert');
      assert.equal(await alert.count(), 1, 'the error is announced');
      assert.equal(await textOf(alert),
                   'Your renewal was not canceled. Please tell us a little more in the comment, so we can understand.');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', 'the summary has the focus');
      assert.equal(await textOf(page.locator('#comment-error')),
                   'Please tell us a little more in the comment, so we can understand.', 'and the message is by the field');
      const comment = page.getByRole('textbox', { name: /Anything you'd like to add\?/ });
      assert.equal(await comment.getAttribute('aria-invalid'), 'true', 'the comment is marked invalid');
      assert.equal(await page.getByRole('radio', { name: 'Something else', exact: true }).isChecked(), true,
                   'the chosen reason is kept');
      await page.goto('/home');
      await assertRenewing(page, 'an invalid answer changes nothing');

      // And done properly, still by keyboard: Space on the button submits too.
      await page.goto('/cancel/reason');
      await tabUntil((x) => x.type === 'radio', 'a reason');
      await page.keyboard.press('ArrowUp');  // from the first reason round to the last
      assert.equal((await focused()).id, 'reason-other');
      await tabUntil((x) => x.id === 'comment', 'the comment');
      await page.keyboard.type('I found a cheaper tool.');
      f = await tabUntil((x) => x.tag === 'button', 'Confirm Cancel');
      assert.equal(f.text, LABELS.confirm);
      await Promise.all([page.waitForURL('**/home?done=canceled'), page.keyboard.press('Space')]);
      await assertNotRenewing(page, ends, 'confirmed by keyboard');
    });
  });
});

// Regressions: each pinned a bug found in the browser (CRLF counted twice; a notice that
// contradicted the page after Back).
describe('regressions', () => {
  test('a 5,000-character comment with line breaks, as the textarea allows, is accepted', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      await page.goto('/cancel/reason');
      await page.getByLabel("It's too expensive", { exact: true }).check();
      const comment = page.getByLabel(/Anything you'd like to add\?/);
      await comment.fill(`${'a'.repeat(99)}\n`.repeat(50).slice(0, 5000));
      assert.equal(await comment.evaluate((t) => t.value.length), 5000, 'within maxlength="5000"');
      await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), /\/(home|cancel\/confirm)/);
      assert.equal(await page.getByRole('alert').count(), 0, await page.getByRole('alert').allTextContents().then(String));
      assert.match(pathOf(page), /^\/home\?done=canceled$/);
    });
  });

  test('Back to "/home?done=canceled" after subscribing again does not say the license will not renew', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      await page.goto('/cancel/reason');
      await page.getByLabel("It's too expensive", { exact: true }).check();
      await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=canceled');
      await clickAndWait(page, renewalSection(page).getByRole('button', { name: LABELS.subscribe, exact: true }),
                         '**/home?done=subscribed');
      await page.goBack();
      await assertRenewing(page, 'Back after subscribing again');
      const notices = await page.getByRole('status').allTextContents();
      assert.ok(!notices.some((t) => /will not renew/.test(t)), `contradicting notice: ${notices}`);
    });
  });
});

describe('accessibility of the customer pages (axe-core: no serious or critical violations)', () => {
  test('/cancel, /cancel/reason (also with its error), /support, a ticket, Home after canceling', async () => {
    await withStack(browser, {}, async ({ newPage }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);

      await page.goto('/cancel');
      await assertAccessible(page, '/cancel');
      await page.goto('/cancel/reason');
      await assertAccessible(page, '/cancel/reason');
      await page.getByLabel('Something else', { exact: true }).check();
      await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), '**/cancel/confirm');
      await assertAccessible(page, '/cancel/reason with its error');

      await page.goto('/support');
      await assertAccessible(page, '/support');
      await page.getByLabel('Topic').selectOption({ label: 'Billing and renewal' });
      await page.getByLabel('Subject').fill('A question about my card');
      await page.getByLabel('Message').fill('Which card will be charged?');
      await clickAndWait(page, page.getByRole('button', { name: 'Send' }), /\/support\/tickets\/\d+\?done=opened$/);
      await assertAccessible(page, 'a ticket page');

      await page.goto('/cancel/reason');
      await page.getByLabel("It's too expensive", { exact: true }).check();
      await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=canceled');
      await assertAccessible(page, '/home after canceling');
      await page.goto('/cancel');
      await assertAccessible(page, '/cancel once renewal is off');
    });
  });
});
