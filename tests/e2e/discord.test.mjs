// Discord (issue 11) in a real browser, against Discord's two sides on loopback: npm's
// oauth2-mock-server as the OAuth2 provider (its /authorize "consents" at once and checks
// PKCE's S256 itself) and tests/support/discord_fake.mjs for the REST API (guild members,
// roles, the success channel's webhook, 429s). Bind and unbind from Settings, the refused
// bindings (denied consent, a state from elsewhere, an expired code, an account bound
// elsewhere), the paid roles following the license as the test clock passes the end of grace
// and a renewal, a 429 storm, the reconcile and staff's re-sync putting back a role removed
// by hand, and checkouts posted only for the customer who opted in.
//
// Run: node --test --test-concurrency=1 tests/e2e/discord.test.mjs
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { api } from '../api/contract.mjs';
import { machine, rfc3339, signedIn } from '../api/helpers.mjs';
import { assertAccessible, clickAndWait, pathOf, shoot, signIn, textOf } from './harness.mjs';
import { launchBrowser } from './browser.mjs';
import { DEMO_USERS } from './server.mjs';

import {
  DEMO,
  OTHER_CUSTOMER,
  CLIENT_ID,
  CLIENT_SECRET,
  BOT_TOKEN,
  PAID_ROLES,
  OTHER_ROLE,
  ALICE,
  BOB,
  SYNC_TIMEOUT_MS,
  STORM_TIMEOUT_MS,
  HOUR_MS,
  ROLE_PUT,
  ROLE_DELETE,
  MEMBER_PUT,
  WEBHOOK_POST,
  BOUND,
  POST_CHECKOUTS,
  sorted,
  roleChanges,
  once,
  withDiscord,
  discordSection,
  fact,
  waitForPaidRolesText,
  bind,
  bindRefused,
  assertNotBoundPage,
  assertNotBound,
  turnOffRenewal,
} from './discord_stack.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('Discord', () => {
  test('bind in a browser with PKCE, the paid roles on bind; unbind removes them and nothing else', async () => {
    await withDiscord(browser, {}, async ({ server, newPage, discord, consent, issuer }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      await page.goto('/settings');
      assert.match(await textOf(discordSection(page)), /^Discord Not bound\./);
      await assertAccessible(page, '/settings (Discord not bound)');
      assert.equal(await discord.roles(ALICE), null, 'Alice is not on the server yet');

      // Bind Discord -> /authorize (consent) -> the callback -> Settings.
      consent.user = ALICE;
      const authorizeRequest = page.waitForRequest((r) => r.url().startsWith(`${issuer}/authorize`));
      await clickAndWait(page, discordSection(page).getByRole('link', { name: 'Bind Discord', exact: true }), BOUND);
      const authorize = new URL((await authorizeRequest).url()).searchParams;
      assert.equal(authorize.get('response_type'), 'code');
      assert.equal(authorize.get('client_id'), CLIENT_ID);
      assert.equal(authorize.get('scope'), 'identify guilds.join');
      assert.equal(authorize.get('redirect_uri'), `${server.url}/settings/discord/callback`);
      assert.equal(authorize.get('code_challenge_method'), 'S256');
      assert.match(authorize.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assert.ok((authorize.get('state') ?? '').length >= 16, `an unguessable state: ${authorize.get('state')}`);

      // The token request: the code with its verifier (the mock refuses a wrong one), the
      // same redirect_uri, the application's credentials.
      assert.equal(consent.tokenRequests.length, 1, 'one token request');
      const { body } = consent.tokenRequests[0];
      assert.equal(body.grant_type, 'authorization_code');
      assert.ok(body.code, 'the code');
      assert.match(body.code_verifier ?? '', /^[A-Za-z0-9._~-]{43,128}$/, 'an RFC 7636 verifier');
      assert.equal(createHash('sha256').update(body.code_verifier).digest('base64url'), authorize.get('code_challenge'));
      assert.equal(body.redirect_uri, `${server.url}/settings/discord/callback`);
      assert.equal(body.client_id, CLIENT_ID);
      assert.equal(body.client_secret, CLIENT_SECRET);

      // Bound: the notice, the account by its display name, the roles being given.
      assert.match(await textOf(discordSection(page).getByRole('status')), /^Your Discord account is bound\./);
      assert.match(await fact(page, 'Account'), /^Lantern Fish\b/);
      assert.match(await fact(page, 'Paid roles'), /^(Being updated|Given: your license is usable)$/);
      await discord.waitForRoles(ALICE, PAID_ROLES, 'the paid roles on bind');
      const joins = (await discord.calls()).filter((c) => c.route === MEMBER_PUT && c.status < 300);
      assert.equal(joins.length, 1, 'one guilds.join');
      assert.equal(joins[0].body.access_token, ALICE.token, 'joined with the token Alice granted');
      assert.equal(joins[0].headers.authorization, `Bot ${BOT_TOKEN}`);

      await waitForPaidRolesText(page, 'Given: your license is usable');
      assert.equal(await page.getByRole('checkbox', { name: POST_CHECKOUTS }).count(), 1);
      assert.equal(await discordSection(page).getByRole('button', { name: 'Save', exact: true }).count(), 1);
      assert.equal(await discordSection(page).getByRole('button', { name: 'Unbind', exact: true }).count(), 1);
      await assertAccessible(page, '/settings (Discord bound)');
      await shoot(page, 'discord-bound');

      // A moderator gives Alice another role by hand; Unbind takes only the paid ones.
      await discord.setRoles(ALICE, [...PAID_ROLES, OTHER_ROLE]);
      await clickAndWait(page, discordSection(page).getByRole('button', { name: 'Unbind', exact: true }),
                         /\/settings\?done=discord_unbound/);
      assert.match(await textOf(discordSection(page)), /Not bound\./);
      await discord.waitForRoles(ALICE, [OTHER_ROLE], 'unbind removes the paid roles; the member stays');
      await assertAccessible(page, '/settings (Discord unbound)');
    });
  });

  test('refused bindings: denied consent, a state from elsewhere, an expired code, an account bound elsewhere', async () => {
    await withDiscord(browser, { customers: 1 }, async ({ newPage, discord, consent }) => {
      const { page, context } = await newPage();
      await signIn(page, DEMO);

      // Denied consent: back on Settings, nothing bound, no token asked for.
      consent.denyNext();
      await page.goto('/settings');
      await clickAndWait(page, discordSection(page).getByRole('link', { name: 'Bind Discord', exact: true }),
                         /\/settings\?done=discord_denied/);
      assert.match(await textOf(discordSection(page).getByRole('status')),
                   /^You cancelled on Discord, so nothing was bound\./);
      assert.match(await textOf(discordSection(page)), /Not bound\./);
      assert.equal(consent.tokenRequests.length, 0);

      // A binding started in this session, followed by hand up to the provider's answer.
      const start = await page.request.get('/settings/discord/bind', { maxRedirects: 0 });
      assert.equal(start.status(), 303);
      const cookie = start.headers()['set-cookie'] ?? '';
      assert.match(cookie, /^tenure_discord=[^;]+;/, cookie);
      assert.match(cookie, /;\s*Path=\/settings\/discord\s*(;|$)/i, cookie);
      assert.match(cookie, /;\s*HttpOnly\s*(;|$)/i, cookie);
      const provider = await fetch(start.headers().location, { redirect: 'manual' });
      const callback = new URL(provider.headers.get('location'));
      assert.equal(callback.pathname, '/settings/discord/callback');
      assert.ok(callback.searchParams.get('code') && callback.searchParams.get('state'));
      const answer = callback.pathname + callback.search;

      // The same answer in another session of the same customer: no cookie, then this
      // session's cookie copied over. Both refused before the code is redeemed.
      const other = await newPage();
      await signIn(other.page, DEMO);
      let res = await other.page.goto(answer);
      assert.equal(res.status(), 400, 'no cookie');
      await assertNotBoundPage(other.page, /nothing was bound/, 'no cookie');
      await assertAccessible(other.page, 'Discord was not bound (state mismatch)');
      const pending = (await context.cookies()).filter((c) => c.name === 'tenure_discord');
      assert.equal(pending.length, 1, 'the binding waits in a cookie');
      await other.context.addCookies(pending);
      res = await other.page.goto(answer);
      assert.equal(res.status(), 400, 'a cookie from another session');
      await assertNotBoundPage(other.page, /nothing was bound/, 'a cookie from another session');
      // A forged state with that session's own pending binding.
      const own = await other.page.request.get('/settings/discord/bind', { maxRedirects: 0 });
      assert.equal(own.status(), 303);
      res = await other.page.goto('/settings/discord/callback?code=forged-code&state=forged-state');
      assert.equal(res.status(), 400, 'a forged state');
      await assertNotBoundPage(other.page, /nothing was bound/, 'a forged state');
      assert.equal(consent.tokenRequests.length, 0, 'no refused answer reached the token endpoint');
      await assertNotBound(other.page, 'after the refused answers');

      // The session that started it finishes with the same answer: the code was never used.
      consent.user = ALICE;
      await page.goto(answer);
      await page.waitForURL(BOUND);
      assert.equal(consent.tokenRequests.length, 1);
      assert.match(await fact(page, 'Account'), /^Lantern Fish\b/);

      // Another customer: an expired code, then Alice's account, which is taken.
      const { page: bob } = await newPage();
      await signIn(bob, OTHER_CUSTOMER);
      consent.expireNext = true;
      res = await bindRefused(bob);
      assert.equal(res.status(), 400, 'an expired code');
      await assertNotBoundPage(bob, /Discord did not accept this authorization: /, 'an expired code');
      await assertNotBound(bob, 'after an expired code');

      consent.user = ALICE;
      res = await bindRefused(bob);
      assert.equal(res.status(), 409, 'an account bound elsewhere');
      await assertNotBoundPage(bob, /This Discord account is bound to another account here already\./, 'bound elsewhere');
      await assertAccessible(bob, 'Discord was not bound (bound elsewhere)');
      await assertNotBound(bob, 'after an account bound elsewhere');
      await page.goto('/settings');
      assert.match(await fact(page, 'Account'), /^Lantern Fish\b/, 'Alice stays bound to the demo customer');

      // Bob's own account binds; without a global_name the username is shown.
      await bind(bob, consent, BOB);
      assert.match(await fact(bob, 'Account'), /^bob_the_builder\b/);
      await discord.waitForRoles(BOB, PAID_ROLES, "Bob's paid roles");
    });
  });

  test('the end of grace removes the paid roles; a renewal and staff re-syncs give them back', async () => {
    // Reconcile hourly: whatever changes here is the license-change job's or staff's doing.
    const options = { testClock: true, env: { TENURE_GRACE_HOURS: '24' } };
    await withDiscord(browser, options, async ({ server, newPage, discord, consent }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      await turnOffRenewal(page);
      const expiresAt = Date.parse(await page.getByText(/^Valid until /).locator('time').getAttribute('datetime'));
      assert.ok(expiresAt > Date.now(), 'the demo license is active');
      await bind(page, consent, ALICE);
      await discord.waitForRoles(ALICE, PAID_ROLES, 'active: the paid roles');
      const bound = await discord.lastSeq();

      // In grace the roles stay (two sync intervals and more pass).
      await server.clock('set', rfc3339(new Date(expiresAt + HOUR_MS)));
      await sleep(2500);
      assert.deepEqual(await discord.roles(ALICE), sorted(PAID_ROLES), 'in grace: still given');
      assert.deepEqual(roleChanges(await discord.calls(bound), ROLE_DELETE, ALICE), {});

      // Past the end of grace they go; the member stays.
      await server.clock('set', rfc3339(new Date(expiresAt + 24 * HOUR_MS + 60_000)));
      await discord.waitForRoles(ALICE, [], 'expired: no paid roles');
      // Weeks passed on the clock: a fresh sign-in.
      const { page: later } = await newPage();
      await signIn(later, DEMO);
      await waitForPaidRolesText(later, 'Not given: your license is not active');

      // Renew with the saved card: the roles come back.
      await later.goto('/billing/renew');
      await later.getByLabel(/I accept the/).check();
      await clickAndWait(later, later.getByRole('button', { name: /^Pay \d+\.\d\d USD$/ }), '**/home?done=renewed');
      await discord.waitForRoles(ALICE, PAID_ROLES, 'renewed: the paid roles again');
      await waitForPaidRolesText(later, 'Given: your license is usable');
      const calls = await discord.calls(bound);
      assert.deepEqual(roleChanges(calls, ROLE_DELETE, ALICE), once(PAID_ROLES), 'each role removed once');
      assert.deepEqual(roleChanges(calls, ROLE_PUT, ALICE), once(PAID_ROLES), 'each role given back once');

      // A role removed by hand: staff re-sync this customer, then everyone.
      const { page: staff } = await newPage();
      await signIn(staff, DEMO_USERS.staff);
      await clickAndWait(staff, staff.getByRole('link', { name: DEMO, exact: true }), /\/staff\/customers\/\d+$/);
      const customerPage = pathOf(staff);
      assert.match(await textOf(discordSection(staff)), /Last sync/);
      await discord.setRoles(ALICE, [PAID_ROLES[0]]);
      await clickAndWait(staff, discordSection(staff).getByRole('button', { name: 'Re-sync Discord roles' }),
                         /\/staff\/customers\/\d+\?done=discord_sync/);
      await discord.waitForRoles(ALICE, PAID_ROLES, "staff's re-sync of the customer");
      await assertAccessible(staff, '/staff/customers/{id} (Discord)');

      await discord.setRoles(ALICE, []);
      await staff.goto('/staff');
      await clickAndWait(staff, discordSection(staff).getByRole('button', { name: 'Re-sync everyone' }),
                         /\/staff\?done=discord_sync/);
      await discord.waitForRoles(ALICE, PAID_ROLES, "staff's re-sync of everyone");
      await staff.goto(customerPage);
      assert.match(await textOf(discordSection(staff)), /Last sync/);
      await shoot(staff, 'discord-staff-customer');
    });
  });

  test('a 429 storm is retried without losing or repeating a change; the reconcile puts back a hand-removed role', async () => {
    await withDiscord(browser, { reconcileSeconds: 5 }, async ({ newPage, discord, consent }) => {
      const { page } = await newPage();
      await signIn(page, DEMO);
      await bind(page, consent, ALICE);
      await discord.waitForRoles(ALICE, PAID_ROLES, 'the paid roles on bind');

      // A moderator removes one paid role; the periodic reconcile gives it back, and only it.
      let since = await discord.lastSeq();
      await discord.setRoles(ALICE, [PAID_ROLES[0]]);
      await discord.waitForRoles(ALICE, PAID_ROLES, 'the reconcile');
      let calls = await discord.calls(since);
      assert.deepEqual(roleChanges(calls, ROLE_PUT, ALICE), once([PAID_ROLES[1]]), 'only the missing role is given');
      assert.deepEqual(roleChanges(calls, ROLE_DELETE, ALICE), {});

      // Unbind during a storm: three global 429s, then three on whatever route comes next.
      since = await discord.lastSeq();
      await discord.inject({ status: 429, count: 3, retry_after: 1, global: true });
      await discord.inject({ status: 429, count: 3, retry_after: 1 });
      const started = Date.now();
      await clickAndWait(page, discordSection(page).getByRole('button', { name: 'Unbind', exact: true }),
                         /\/settings\?done=discord_unbound/);
      assert.ok(Date.now() - started < 5000, 'the page does not wait for Discord');
      await discord.waitForRoles(ALICE, [], 'unbound through the storm', STORM_TIMEOUT_MS);
      // Six 429s in a row, each with retry_after 1 s: waited out, not hammered through.
      assert.ok(Date.now() - started >= 5000, `done after ${Date.now() - started} ms: retry_after ignored?`);
      await sleep(1500);  // anything still in flight would show now
      calls = await discord.calls(since);
      const limited = calls.filter((c) => c.status === 429);
      assert.ok(limited.length >= 6, `the storm was met: ${limited.length} answers of 429`);
      assert.deepEqual(roleChanges(calls, ROLE_DELETE, ALICE), once(PAID_ROLES), 'each role removed exactly once');
      assert.deepEqual(roleChanges(calls, ROLE_PUT, ALICE), {}, 'no role given back');
      assert.deepEqual(await discord.roles(ALICE), [], 'the member stays');
    });
  });

  test('checkouts are posted to the success channel only for the customer who opted in', async () => {
    await withDiscord(browser, { customers: 1, postsPerHour: 3 }, async ({ server, newPage, discord, consent }) => {
      const { page: alice } = await newPage();
      await signIn(alice, DEMO);
      await bind(alice, consent, ALICE);
      await alice.getByRole('checkbox', { name: POST_CHECKOUTS }).check();
      await clickAndWait(alice, discordSection(alice).getByRole('button', { name: 'Save', exact: true }),
                         /\/settings\?done=posts_on/);
      assert.equal(await alice.getByRole('checkbox', { name: POST_CHECKOUTS }).isChecked(), true);

      const { page: bob } = await newPage();
      await signIn(bob, OTHER_CUSTOMER);
      await bind(bob, consent, BOB);
      assert.equal(await bob.getByRole('checkbox', { name: POST_CHECKOUTS }).isChecked(), false);

      const aliceToken = (await signedIn(server, machine('discord-alice'))).token;
      const bobToken = (await signedIn(server, machine('discord-bob'), { email: OTHER_CUSTOMER })).token;
      let seq = 0;
      const checkout = (store, product, priceCents) => {
        seq += 1;
        return { id: `discord-${process.pid}-${seq}`, store, product, price_cents: priceCents, currency: 'USD', quantity: 1,
                 at: rfc3339(new Date()) };
      };
      const report = async (token, checkouts) => {
        const started = Date.now();
        const res = await api(server.url, 'POST', '/api/v1/checkouts', { token, json: { checkouts } });
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, { accepted: checkouts.length, duplicates: 0 });
        assert.ok(Date.now() - started < 2000, 'the report does not wait for Discord');
      };

      // Bob (bound, not opted in) reports first; then Alice while the webhook answers 429.
      await report(bobToken, [checkout('Bob Hardware', 'Hammer', 2500)]);
      await discord.inject({ status: 429, count: 2, retry_after: 1, route: WEBHOOK_POST });
      const first = [checkout('Corner Shop', 'Blue mug', 1299), checkout('Corner Shop', 'Red kettle', 3450)];
      await report(aliceToken, first);

      const deadline = Date.now() + SYNC_TIMEOUT_MS;
      let messages = [];
      while (messages.length < 2 && Date.now() < deadline) {
        await sleep(200);
        messages = await discord.messages();
      }
      assert.equal(messages.length, 2, `two posts: ${JSON.stringify(messages)}`);
      for (const item of first) {
        const message = messages.find((m) => m.embeds.some((e) => e.fields?.some((f) => f.value.includes(item.product))));
        assert.ok(message, `a post for ${item.product}`);
        const embed = message.embeds[0];
        const field = (name) => embed.fields.find((f) => f.name === name)?.value;
        assert.equal(field('Store'), item.store);
        assert.equal(field('Product'), item.product);
        assert.match(field('Price') ?? '', new RegExp((item.price_cents / 100).toFixed(2).replace('.', '\\.')));
        assert.equal(Date.parse(embed.timestamp), Date.parse(item.at), 'the checkout time');
      }
      const posts = (await discord.calls()).filter((c) => c.route === WEBHOOK_POST && c.status < 300);
      assert.equal(posts.length, 2, 'each post sent once, after the 429s');
      for (const post of posts) assert.deepEqual(post.body.allowed_mentions?.parse, [], 'no one is pinged');

      // The hourly limit (3): of two more, one is posted.
      await report(aliceToken, [checkout('Corner Shop', 'Green plate', 800), checkout('Corner Shop', 'Tea towel', 500)]);
      const limitDeadline = Date.now() + SYNC_TIMEOUT_MS;
      while (messages.length < 3 && Date.now() < limitDeadline) {
        await sleep(200);
        messages = await discord.messages();
      }
      await sleep(1500);
      messages = await discord.messages();
      assert.equal(messages.length, 3, 'at most 3 posts an hour');
      assert.ok(!JSON.stringify(messages).includes('Bob Hardware'), 'nothing of the customer who did not opt in');
    });
  });
});
