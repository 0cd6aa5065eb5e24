// The staff side (PRODUCT.md "Support tickets", issue 3 items 6 and 7): a customer's ticket
// answered from the queue, with the customer's license beside it and the reply emailed; the
// feedback inbox with every cancellation, its chart, read/unread, the reason filter and the
// CSV export. Real server and SQLite per test, a real SMTP server on loopback.
//
// Run: node --test --test-concurrency=1 tests/e2e/
// E2E_SCREENSHOT_DIR=/tmp also saves e2e-staff-ticket.png and e2e-staff-feedback.png there.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import {
  LABELS, LONG_DATE, REASONS, assertAccessible, clickAndWait, pathOf, shoot, signIn, textOf, withStack,
} from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const STAFF = DEMO_USERS.staff;
const CUSTOMER = 'customer1@example.com';  // from `tenure demo --customers 2`
const OTHER = 'customer2@example.com';
const CSV_HEADER = 'canceled_at,email,reason,reason_label,comment,ticket_in_flow,ticket_id,license_ends_at,read_by_me';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** RFC 4180: fields, quoted ones with "" for a quote and any line end inside. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field); field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field); rows.push(row); row = []; field = ''; i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/** A customer opens a ticket on the Support tab; returns its id. */
async function openTicket(page, { topic, subject, message }) {
  await page.goto('/support');
  await page.getByLabel('Topic').selectOption({ label: topic });
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Message').fill(message);
  await clickAndWait(page, page.getByRole('button', { name: 'Send' }), /\/support\/tickets\/\d+\?done=opened$/);
  return new URL(page.url()).pathname.split('/').pop();
}

/** A customer walks the whole cancellation, optionally opening a ticket on the way. */
async function cancelAs(page, { reason, comment, ticketMessage }) {
  await page.goto('/home');
  const section = page.getByRole('region', { name: LABELS.section });
  await clickAndWait(page, section.getByRole('link', { name: LABELS.cancel, exact: true }), '**/cancel');
  let ticket = null;
  if (ticketMessage) {
    await page.getByLabel("What's going on?").fill(ticketMessage);
    await clickAndWait(page, page.getByRole('button', { name: 'Open a support ticket' }), /\/cancel\?ticket=\d+$/);
    ticket = new URL(page.url()).searchParams.get('ticket');
  }
  await clickAndWait(page, page.getByRole('link', { name: LABELS.continue, exact: true }), /\/cancel\/reason/);
  await page.getByLabel(reason, { exact: true }).check();
  await page.getByLabel(/Anything you'd like to add\?/).fill(comment);
  await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=canceled');
  return ticket;
}

describe('staff', () => {
  test('a ticket: the customer writes, staff answer beside the license, the customer gets the reply, staff close it', async () => {
    await withStack(browser, { customers: 2 }, async ({ sink, newPage }) => {
      const subject = 'The program stops after an hour';
      const message = 'Line one\nLine two with <b>not bold</b> & more\n\nLine four';
      const { page: customer } = await newPage();
      await signIn(customer, CUSTOMER);
      const ticket = await openTicket(customer, { topic: "The program isn't working", subject, message });
      assert.equal(await textOf(customer.getByRole('status')), "Your ticket is open. We'll answer by email, usually within a day.");
      await assertAccessible(customer, 'a customer ticket page');

      // Staff hear of it by email.
      const toStaff = await sink.waitFor((m) => m.to.includes(STAFF) && m.subject === `New ticket [ticket #${ticket}] ${subject}`,
                                         'to staff about the new ticket');
      assert.ok(toStaff.text.includes(`${CUSTOMER} wrote (The program isn't working):`), toStaff.text);
      assert.ok(toStaff.text.includes('> Line two with <b>not bold</b> & more'), 'mail carries the text as it was typed');

      // The queue.
      const { page: staff } = await newPage();
      await signIn(staff, STAFF);
      await staff.goto('/staff/tickets');
      await assertAccessible(staff, '/staff/tickets');
      const row = staff.getByRole('row').filter({ hasText: subject });
      assert.equal(await row.count(), 1, 'the ticket is in the queue');
      const cells = (await row.getByRole('cell').allTextContents()).map((t) => t.trim());
      assert.deepEqual(cells.slice(0, 5), [ticket, subject, CUSTOMER, "The program isn't working", 'Open']);
      assert.match(cells[5], /\d/, 'waiting since a time');

      // The ticket, with the license beside it.
      await clickAndWait(staff, row.getByRole('link', { name: subject }), `**/staff/tickets/${ticket}`);
      assert.equal(await textOf(staff.getByRole('heading', { level: 1 })), `${subject} #${ticket}`);
      const side = staff.getByRole('complementary');
      const customerCard = side.getByRole('region', { name: 'Customer' });
      assert.equal(await customerCard.getByRole('link', { name: CUSTOMER }).count(), 1);
      const facts = await customerCard.locator('dl').evaluate((dl) =>
        Object.fromEntries([...dl.querySelectorAll('dt')].map((dt) =>
          [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()])));
      assert.equal(facts.Status, 'Active');
      assert.match(facts.Expires, new RegExp(`^${LONG_DATE.source}`));
      assert.equal(facts['Auto-renew'], 'on');
      assert.equal(facts.Instances, '1');
      assert.equal(facts.Card, 'Visa •••• 4242');

      // The message: line breaks kept, the tag shown as text, never as markup.
      const thread = staff.getByRole('list', { name: 'Messages' });
      const first = thread.getByRole('listitem').first();
      assert.equal(await first.locator('.message-body').innerText(), message);
      assert.equal(await thread.locator('b').count(), 0, 'no <b> element came from the message');
      assert.match(await textOf(first.locator('.message-meta')), new RegExp(`^${CUSTOMER} · `));
      await shoot(staff, 'staff-ticket');
      await assertAccessible(staff, 'a staff ticket page');

      // Reply.
      const reply = 'Hello,\nplease try version 2.1 & tell us.';
      await staff.getByLabel('Your reply').fill(reply);
      await clickAndWait(staff, staff.getByRole('button', { name: 'Send reply' }), `**/staff/tickets/${ticket}?done=replied`);
      assert.equal(await textOf(staff.getByRole('status')), 'Reply sent; the customer was emailed.');
      assert.equal(await thread.getByRole('listitem').count(), 2);

      const mail = await sink.waitFor((m) => m.to.includes(CUSTOMER) && m.subject === `Re: ${subject} [ticket #${ticket}]`,
                                      'to the customer with the reply');
      assert.deepEqual(mail.to, [CUSTOMER], 'the reply goes to this customer only');
      assert.ok(mail.text.includes('> Hello,\n> please try version 2.1 & tell us.'), mail.text);
      assert.ok(mail.text.includes(`/support/tickets/${ticket}`), 'the email links the thread');

      // The customer sees the reply in the thread.
      await customer.goto(`/support/tickets/${ticket}`);
      const theirs = customer.getByRole('list', { name: 'Messages' }).getByRole('listitem');
      assert.equal(await theirs.count(), 2);
      assert.equal(await theirs.nth(1).locator('.message-body').innerText(), reply);
      assert.match(await textOf(theirs.nth(1).locator('.message-meta')), /^Support · /);

      // Staff close it; both sides see it closed.
      await staff.getByLabel('Status', { exact: true }).selectOption({ label: 'Closed' });
      await clickAndWait(staff, staff.getByRole('button', { name: 'Set status' }), `**/staff/tickets/${ticket}?done=status`);
      assert.equal(await textOf(staff.getByRole('status')), 'Status saved.');
      assert.equal(await staff.getByLabel('Status', { exact: true }).inputValue(), 'closed');
      assert.equal(await textOf(staff.locator('.ticket-main .badge').first()), 'Closed');
      await customer.goto('/support');
      const mine = customer.getByRole('row').filter({ hasText: subject });
      assert.equal(await textOf(mine.getByRole('cell').nth(3)), 'Closed');

      // Another customer cannot read it: not found, not forbidden.
      const { page: other } = await newPage();
      await signIn(other, OTHER);
      const res = await other.goto(`/support/tickets/${ticket}`);
      assert.equal(res.status(), 404);
      assert.equal(await other.getByText('not bold').count(), 0);
    });
  });

  test('feedback: every cancellation with its reason and comment, a chart, read/unread, a filter, CSV', async () => {
    await withStack(browser, { customers: 2 }, async ({ newPage }) => {
      // customer1: too expensive, no ticket, a comment that needs quoting in CSV.
      const comment = 'Too much, for me: "50 a month"\nmaybe later';
      const { page: one } = await newPage();
      await signIn(one, CUSTOMER);
      await cancelAs(one, { reason: "It's too expensive", comment });
      // customer2: missing features, with a ticket opened in the flow.
      const { page: two } = await newPage();
      await signIn(two, OTHER);
      const ticket = await cancelAs(two, {
        reason: "It's missing features I need", comment: 'No scheduler.', ticketMessage: 'Is a scheduler planned?',
      });
      assert.match(ticket ?? '', /^\d+$/);

      const { page: staff } = await newPage();
      await signIn(staff, STAFF);
      const nav = staff.getByRole('navigation', { name: 'Staff' });
      assert.equal(await textOf(nav.getByRole('link', { name: /^Feedback/ })), 'Feedback 2 unread');
      await clickAndWait(staff, nav.getByRole('link', { name: /^Feedback/ }), '**/staff/feedback');
      assert.equal(await textOf(staff.getByRole('heading', { level: 1 })), 'Feedback');

      const entries = staff.locator('article.feedback');
      assert.equal(await entries.count(), 2);
      const mine = entries.filter({ hasText: CUSTOMER });
      const theirs = entries.filter({ hasText: OTHER });
      const mineText = await textOf(mine);
      assert.match(mineText, /^It's too expensive · customer1@example\.com · /);
      assert.match(mineText, /Unread/);
      assert.match(mineText, /No ticket in the flow/);
      assert.match(mineText, new RegExp(`License ends ${LONG_DATE.source}`));
      assert.equal(await mine.locator('.message-body').innerText(), comment, 'the comment as written, lines kept');
      const theirsText = await textOf(theirs);
      assert.match(theirsText, /^It's missing features I need · customer2@example\.com · /);
      assert.match(theirsText, new RegExp(`Ticket #${ticket} opened in the flow`));
      assert.equal(await theirs.getByRole('link', { name: `#${ticket}` }).getAttribute('href'), `/staff/tickets/${ticket}`);
      assert.equal(await textOf(staff.getByRole('heading', { name: /^Every cancellation/ })),
                   'Every cancellation (2 shown, 2 unread in all)');

      // The chart: an image with a text alternative, one bar per reason with its count.
      const chart = staff.getByRole('img', { name: /Cancellations by reason/ });
      assert.equal(await chart.count(), 1, 'an SVG chart with a title');
      assert.equal(await chart.evaluate((el) => el.tagName.toLowerCase()), 'svg');
      const title = await textOf(chart.locator('title'));
      assert.match(title, /It's too expensive 1;/);
      assert.match(title, /It's missing features I need 1;/);
      const bars = chart.locator('g');
      assert.equal(await bars.count(), REASONS.length, 'a row for every reason');
      for (const [, label] of REASONS) {
        const bar = bars.filter({ has: staff.locator('.chart-label', { hasText: new RegExp(`^${label}$`) }) });
        assert.equal(await bar.count(), 1, `a row for "${label}"`);
        const chosen = label === "It's too expensive" || label === "It's missing features I need";
        assert.equal(await textOf(bar.locator('.chart-count')), chosen ? '1' : '0', `the count beside "${label}"`);
        const width = Number(await bar.locator('rect').getAttribute('width'));
        assert.ok(chosen ? width > 0 : width === 0, `the bar for "${label}" is ${width} wide`);
      }
      await shoot(staff, 'staff-feedback');
      await assertAccessible(staff, '/staff/feedback');

      // Mark customer1's as read.
      await clickAndWait(staff, mine.getByRole('button', { name: 'Mark as read' }), /\/staff\/feedback\?/);
      assert.doesNotMatch(await textOf(mine), /Unread/);
      assert.equal(await mine.getByRole('button', { name: 'Mark as read' }).count(), 0);
      assert.match(await textOf(theirs), /Unread/);
      assert.equal(await textOf(nav.getByRole('link', { name: /^Feedback/ })), 'Feedback 1 unread');

      // Filter by reason.
      await staff.getByLabel('Reason', { exact: true }).selectOption({ label: "It's too expensive" });
      await clickAndWait(staff, staff.getByRole('button', { name: 'Filter' }), /reason=too_expensive/);
      assert.equal(await entries.count(), 1);
      assert.match(await textOf(entries.first()), /customer1@example\.com/);
      assert.equal(await staff.getByLabel('Reason', { exact: true }).inputValue(), 'too_expensive', 'the filter stays chosen');
      await assertAccessible(staff, '/staff/feedback filtered');

      // CSV, with the filter: the header, and the comment's comma, quotes and line break quoted.
      const link = staff.getByRole('link', { name: 'Export CSV' });
      const [download] = await Promise.all([staff.waitForEvent('download'), link.click()]);
      assert.match(download.suggestedFilename(), /^cancellations-30d\.csv$/);
      const csv = await readFile(await download.path(), 'utf8');
      const lines = csv.split('\r\n');
      assert.equal(lines[0], CSV_HEADER);
      // (A browser submits a textarea's line breaks as CRLF; the CSV keeps them as stored.)
      assert.match(csv, /,"Too much, for me: ""50 a month""\r?\nmaybe later",no,,/,
                   `the comment is quoted, its quotes doubled:\n${csv}`);
      const rows = parseCsv(csv);
      assert.equal(rows.length, 2, 'the header and the one filtered row');
      const record = Object.fromEntries(rows[0].map((name, i) => [name, rows[1][i]]));
      assert.equal(record.email, CUSTOMER);
      assert.equal(record.reason, 'too_expensive');
      assert.equal(record.reason_label, "It's too expensive");
      assert.equal(record.comment.replace(/\r\n/g, '\n'), comment);
      assert.equal(record.ticket_in_flow, 'no');
      assert.equal(record.ticket_id, '');
      assert.equal(record.read_by_me, 'yes');
      assert.match(record.canceled_at, /^\d{4}-\d{2}-\d{2}T/);
      assert.match(record.license_ends_at, /^\d{4}-\d{2}-\d{2}T/);

      // The ticket from the flow is in the queue, under its category.
      await staff.goto('/staff/tickets?category=thinking_about_canceling');
      const row = staff.getByRole('row').filter({ hasText: OTHER });
      assert.equal(await row.count(), 1);
      await clickAndWait(staff, row.getByRole('link'), `**/staff/tickets/${ticket}`);
      assert.match(await textOf(staff.locator('.ticket-main > p').first()), /Thinking about canceling · opened .* · from the Cancel screen/);
      assert.match(pathOf(staff), new RegExp(`^/staff/tickets/${ticket}$`));
    });
  });
});
