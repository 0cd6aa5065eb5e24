// The stack of tests/e2e/discord.test.mjs (issue 11): oauth2-mock-server as Discord's OAuth2
// provider, the loopback fake of Discord's REST API (tests/support/discord_fake.mjs), Tenure
// configured for both, and the page helpers the Discord tests share.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { OAuth2Server } from 'oauth2-mock-server';

import { startDiscordFake } from '../support/discord_fake.mjs';
import { api } from '../api/contract.mjs';
import { LABELS, clickAndWait, textOf, withStack } from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

export const DEMO = DEMO_USERS.customer;
export const OTHER_CUSTOMER = 'customer1@example.com';  // `tenure demo --customers 1`

export const CLIENT_ID = '1180000000000000001';
export const CLIENT_SECRET = 'discord-client-secret-e2e';
export const BOT_TOKEN = 'discord-bot-token-e2e';
export const GUILD = '1190000000000000001';
export const PAID_ROLES = ['1200000000000000001', '1200000000000000002'];
export const OTHER_ROLE = '1200000000000000009';  // a role the seller gives by hand: Tenure leaves it alone
export const WEBHOOK = { id: '1210000000000000001', token: 'success-channel-token' };

export const ALICE = { id: '1220000000000000001', username: 'lanternfish', global_name: 'Lantern Fish', token: 'discord-token-alice' };
export const BOB = { id: '1220000000000000002', username: 'bob_the_builder', global_name: null, token: 'discord-token-bob' };

export const SYNC_TIMEOUT_MS = 15_000;
export const STORM_TIMEOUT_MS = 25_000;
export const HOUR_MS = 3600_000;

export const ROLE_PUT = 'PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}';
export const ROLE_DELETE = 'DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}';
export const MEMBER_PUT = 'PUT /guilds/{guild_id}/members/{user_id}';
export const WEBHOOK_POST = 'POST /webhooks/{webhook_id}/{webhook_token}';

export const BOUND = /\/settings\?done=discord_bound/;
export const POST_CHECKOUTS = 'Post my checkouts to the success channel';
export const sorted = (list) => [...list].sort();

/** The fake's /_fake controls: the guild as the test sees it, and the calls Tenure made. */
export class FakeDiscord {
  constructor(fake) {
    this.fake = fake;
  }

  async control(method, path, body) {
    const res = await fetch(`${this.fake.url}/_fake${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async setUp() {
    await this.control('POST', '/guilds', { id: GUILD, roles: [...PAID_ROLES, OTHER_ROLE] });
    for (const user of [ALICE, BOB]) {
      const { token, ...profile } = user;
      await this.control('POST', '/users', { ...profile, access_tokens: [token] });
    }
    await this.control('POST', '/webhooks', { ...WEBHOOK, guild_id: GUILD });
  }

  /** The member's roles, sorted, or null when the user is not on the server. */
  async roles(user) {
    const res = await this.control('GET', `/guilds/${GUILD}/members/${user.id}`);
    return res.status === 404 ? null : sorted(res.body.roles);
  }

  /** Roles changed "by hand" in Discord, as a moderator would. */
  async setRoles(user, roles) {
    const res = await this.control('PUT', `/guilds/${GUILD}/members/${user.id}`, { roles });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  /** Polls until the member has exactly `roles` (the outbox works asynchronously). */
  async waitForRoles(user, roles, what, timeoutMs = SYNC_TIMEOUT_MS) {
    const want = sorted(roles);
    const deadline = Date.now() + timeoutMs;
    let seen;
    for (;;) {
      seen = await this.roles(user);
      if (seen !== null && JSON.stringify(seen) === JSON.stringify(want)) return;
      if (Date.now() > deadline) {
        assert.fail(`${what}: ${user.username} should have roles ${JSON.stringify(want)} within ${timeoutMs} ms; ` +
                    `has ${JSON.stringify(seen)}\ncalls: ${JSON.stringify(await this.calls(), null, 1).slice(-3000)}`);
      }
      await sleep(200);
    }
  }

  async calls(since = 0) {
    return (await this.control('GET', `/calls?since=${since}`)).body.calls;
  }

  async lastSeq() {
    const calls = await this.calls();
    return calls.length === 0 ? 0 : calls[calls.length - 1].seq;
  }

  async messages() {
    return (await this.control('GET', `/webhooks/${WEBHOOK.id}/messages`)).body.messages;
  }

  async inject(failure) {
    const res = await this.control('POST', '/failures', failure);
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
}

/** How many successful calls of `route` each role got (role id -> count). */
export function roleChanges(calls, route, user) {
  const counts = {};
  for (const call of calls) {
    if (call.route !== route || call.status >= 300 || !call.path.includes(`/members/${user.id}/`)) continue;
    const role = call.path.split('/').pop();
    counts[role] = (counts[role] ?? 0) + 1;
  }
  return counts;
}

export const once = (roles) => Object.fromEntries(roles.map((r) => [r, 1]));

/**
 * The OAuth2 provider's side of consent: which Discord user consents next (the token
 * endpoint answers with that user's access token), the token requests Tenure sent, and an
 * expired code on demand. Denied consent is a one-off hook on /authorize (denyNext).
 */
export class Consent {
  constructor(oauth) {
    this.oauth = oauth;
    this.user = ALICE;
    this.tokenRequests = [];
    this.expireNext = false;
    oauth.service.on('beforeResponse', (res, req) => {
      this.tokenRequests.push({ body: { ...req.body }, authorization: req.headers.authorization ?? null });
      if (this.expireNext) {
        this.expireNext = false;
        res.statusCode = 400;
        res.body = { error: 'invalid_grant', error_description: 'Invalid "code" in request.' };
        return;
      }
      // Discord's token answer: no id_token, its scopes, a week's bearer token.
      res.body = {
        access_token: this.user.token,
        token_type: 'Bearer',
        expires_in: 604800,
        refresh_token: `refresh-${this.user.id}`,
        scope: 'identify guilds.join',
      };
    });
  }

  denyNext() {
    this.oauth.service.once('beforeAuthorizeRedirect', ({ url }) => {
      url.searchParams.delete('code');
      url.searchParams.set('error', 'access_denied');
      url.searchParams.set('error_description', 'The resource owner or authorization server denied the request');
    });
  }
}

/**
 * Runs fn({ server, sink, newPage, discord, consent, issuer }) with both Discord peers and
 * a Tenure stack configured for them; everything is stopped at the end. Only a test that
 * moves the time turns the test clock on: the outbox schedules a retry (after a 429's
 * retry_after) on the server's clock, which stands still between `tenure clock` moves.
 */
export async function withDiscord(browser, { customers = 0, reconcileSeconds = 3600, postsPerHour = 30, testClock = false, env = {} }, fn) {
  const fake = await startDiscordFake({ botToken: BOT_TOKEN });
  const oauth = new OAuth2Server();
  try {
    await oauth.issuer.keys.generate('RS256');
    await oauth.start(0, '127.0.0.1');
    const issuer = `http://127.0.0.1:${oauth.address().port}`;
    const discord = new FakeDiscord(fake);
    await discord.setUp();
    const consent = new Consent(oauth);
    const settings = {
      TENURE_DISCORD_CLIENT_ID: CLIENT_ID,
      TENURE_DISCORD_CLIENT_SECRET: CLIENT_SECRET,
      TENURE_DISCORD_BOT_TOKEN: BOT_TOKEN,
      TENURE_DISCORD_GUILD_ID: GUILD,
      TENURE_DISCORD_PAID_ROLE_IDS: PAID_ROLES.join(','),
      TENURE_DISCORD_CHECKOUT_WEBHOOK_URL: `${fake.apiBase}/webhooks/${WEBHOOK.id}/${WEBHOOK.token}`,
      TENURE_DISCORD_AUTHORIZE_URL: `${issuer}/authorize`,
      TENURE_DISCORD_TOKEN_URL: `${issuer}/token`,
      TENURE_DISCORD_API_BASE: fake.apiBase,
      TENURE_DISCORD_SYNC_INTERVAL_SECONDS: '1',
      TENURE_DISCORD_RECONCILE_INTERVAL_SECONDS: String(reconcileSeconds),
      TENURE_DISCORD_CHECKOUT_POSTS_PER_HOUR: String(postsPerHour),
      TENURE_OUTBOX_INTERVAL_MS: '200',
      ...env,
    };
    await withStack(browser, { customers, testClock, env: settings }, (stack) =>
      fn({ ...stack, discord, consent, issuer }));
  } finally {
    await oauth.stop().catch(() => {});
    await fake.stop();
  }
}

export function discordSection(page) {
  return page.getByRole('region', { name: 'Discord', exact: true });
}

/** The value after a <dt> in the Discord section ("Account", "Paid roles"). */
export async function fact(page, term) {
  const dd = discordSection(page).locator('dt', { hasText: new RegExp(`^${term}$`) })
    .locator('xpath=following-sibling::dd[1]');
  assert.equal(await dd.count(), 1, `"${term}" in the Discord section`);
  return textOf(dd);
}

/** Reloads Settings until "Paid roles" says `text` (the page reads the last sync's result). */
export async function waitForPaidRolesText(page, text) {
  const deadline = Date.now() + SYNC_TIMEOUT_MS;
  let seen;
  for (;;) {
    await page.goto('/settings');
    seen = await fact(page, 'Paid roles');
    if (seen === text) return;
    if (Date.now() > deadline) assert.fail(`"Paid roles" should say "${text}" within ${SYNC_TIMEOUT_MS} ms; says "${seen}"`);
    await sleep(300);
  }
}

/** Settings -> Bind Discord -> the provider consents as `user` -> back on Settings, bound. */
export async function bind(page, consent, user) {
  consent.user = user;
  await page.goto('/settings');
  await clickAndWait(page, discordSection(page).getByRole('link', { name: 'Bind Discord', exact: true }), BOUND);
}

/** Clicks Bind Discord and resolves to the callback's response, which is not a success. */
export async function bindRefused(page) {
  await page.goto('/settings');
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/settings/discord/callback'),
    discordSection(page).getByRole('link', { name: 'Bind Discord', exact: true }).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

/** The page a refused binding shows: its heading, its message, the way back. */
export async function assertNotBoundPage(page, message, why) {
  assert.equal(await page.getByRole('heading', { name: 'Discord was not bound' }).count(), 1, why);
  assert.equal(await page.getByRole('link', { name: 'Back to Settings' }).count(), 1, why);
  const text = await textOf(page.getByRole('main'));
  assert.match(text, message, `${why}: "${text}"`);
}

export async function assertNotBound(page, why) {
  await page.goto('/settings');
  assert.match(await textOf(discordSection(page)), /^Discord Not bound\./, why);
}

/** Turns renewal off (the cancel journey), so the clock passing the end expires the license. */
export async function turnOffRenewal(page) {
  await page.goto('/home');
  const section = page.getByRole('region', { name: LABELS.section });
  await clickAndWait(page, section.getByRole('link', { name: LABELS.cancel, exact: true }), '**/cancel');
  await clickAndWait(page, page.getByRole('link', { name: LABELS.continue, exact: true }), '**/cancel/reason');
  await page.getByRole('radio', { name: "It's too expensive", exact: true }).check();
  await clickAndWait(page, page.getByRole('button', { name: LABELS.confirm, exact: true }), '**/home?done=canceled');
}

