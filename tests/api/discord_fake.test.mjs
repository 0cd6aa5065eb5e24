// The Discord fake (tests/support/discord_fake.mjs) answers as Discord's API v10 does, so the
// Discord client's tests (issue 11) can trust what they see: shapes, refusals, rate-limit
// headers, 429s, injected failures and the recorded calls.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';

import { startDiscordFake } from '../support/discord_fake.mjs';

const BOT = 'bot-token-1';
const GUILD = '1100000000000000001';
const PAID_ROLE = '1200000000000000001';
const OTHER_ROLE = '1200000000000000002';
const ANN = '1300000000000000001';
const BOB = '1300000000000000002';
const HOOK = '1400000000000000001';
const HOOK_TOKEN = 'hook-secret';

let fake;

async function call(method, path, { json, auth, headers = {} } = {}) {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(auth ? { Authorization: auth } : {}),
      ...headers,
    },
    body: json !== undefined ? JSON.stringify(json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : null };
}
const bot = (method, path, options = {}) => call(method, `/api/v10${path}`, { auth: `Bot ${BOT}`, ...options });
const control = (method, path, json) => call(method, `/_fake${path}`, { json });

async function calls() {
  return (await control('GET', '/calls')).body.calls;
}

before(async () => {
  fake = await startDiscordFake({ botToken: BOT, limit: 5, windowMs: 1000 });
});
after(async () => {
  await fake.stop();
});
beforeEach(async () => {
  assert.equal((await control('POST', '/reset')).status, 204);
  await control('PUT', '/rate-limits', { limit: 5, window_ms: 1000, global_limit: 50 });
  await control('POST', '/guilds', { id: GUILD, roles: [PAID_ROLE, OTHER_ROLE] });
  await control('POST', '/users', { id: ANN, username: 'ann', global_name: 'Ann', access_tokens: ['ann-token'] });
  await control('POST', '/users', { id: BOB, username: 'bob', access_tokens: ['bob-token'] });
  await control('POST', '/webhooks', { id: HOOK, token: HOOK_TOKEN, channel_id: '1500000000000000001' });
});

describe('GET /users/@me', () => {
  test('answers the user the bearer token belongs to', async () => {
    const res = await call('GET', '/api/v10/users/@me', { auth: 'Bearer ann-token' });
    assert.equal(res.status, 200);
    assert.deepEqual(
      { id: res.body.id, username: res.body.username, global_name: res.body.global_name, avatar: res.body.avatar, discriminator: res.body.discriminator },
      { id: ANN, username: 'ann', global_name: 'Ann', avatar: null, discriminator: '0' });
  });

  test('refuses an unknown token, no token and a bot token with 401 code 0', async () => {
    for (const auth of ['Bearer nope', undefined, `Bot ${BOT}`]) {
      const res = await call('GET', '/api/v10/users/@me', { auth });
      assert.equal(res.status, 401, String(auth));
      assert.deepEqual(res.body, { message: '401: Unauthorized', code: 0 });
    }
  });
});

describe('PUT /guilds/{guild}/members/{user}', () => {
  test('adds the member with its roles (201), then answers 204 when already in', async () => {
    const added = await bot('PUT', `/guilds/${GUILD}/members/${ANN}`, { json: { access_token: 'ann-token', roles: [PAID_ROLE] } });
    assert.equal(added.status, 201);
    assert.equal(added.body.user.id, ANN);
    assert.deepEqual(added.body.roles, [PAID_ROLE]);
    assert.ok(!Number.isNaN(Date.parse(added.body.joined_at)));

    const again = await bot('PUT', `/guilds/${GUILD}/members/${ANN}`, { json: { access_token: 'ann-token', roles: [OTHER_ROLE] } });
    assert.equal(again.status, 204);
    assert.equal(again.text, '');
    // Discord ignores the body for an existing member: roles stay as they were.
    assert.deepEqual((await control('GET', `/guilds/${GUILD}/members/${ANN}`)).body.roles, [PAID_ROLE]);
  });

  test('refuses another user\'s or an unknown access token with 403 50025', async () => {
    for (const token of ['bob-token', 'nope']) {
      const res = await bot('PUT', `/guilds/${GUILD}/members/${ANN}`, { json: { access_token: token } });
      assert.equal(res.status, 403);
      assert.deepEqual(res.body, { message: 'Invalid OAuth2 access token', code: 50025 });
    }
    assert.equal((await control('GET', `/guilds/${GUILD}/members/${ANN}`)).status, 404);
  });

  test('answers 404 10004 for an unknown guild and 400 50035 without access_token', async () => {
    const unknownGuild = await bot('PUT', `/guilds/999/members/${ANN}`, { json: { access_token: 'ann-token' } });
    assert.equal(unknownGuild.status, 404);
    assert.deepEqual(unknownGuild.body, { message: 'Unknown Guild', code: 10004 });

    const missing = await bot('PUT', `/guilds/${GUILD}/members/${ANN}`, { json: {} });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.code, 50035);
    assert.equal(missing.body.errors.access_token._errors[0].code, 'BASE_TYPE_REQUIRED');
  });

  test('needs the bot token: 401 code 0 with a wrong one or none', async () => {
    for (const auth of ['Bot wrong', 'Bearer ann-token', '']) {
      const res = await call('PUT', `/api/v10/guilds/${GUILD}/members/${ANN}`, { auth, json: { access_token: 'ann-token' } });
      assert.equal(res.status, 401, auth);
      assert.deepEqual(res.body, { message: '401: Unauthorized', code: 0 });
    }
  });
});

describe('GET /guilds/{guild}/members/{user}', () => {
  test('answers the member with the roles set by hand, 404 10007 for a non-member', async () => {
    await control('PUT', `/guilds/${GUILD}/members/${ANN}`, { roles: [OTHER_ROLE] });
    const member = await bot('GET', `/guilds/${GUILD}/members/${ANN}`);
    assert.equal(member.status, 200);
    assert.equal(member.body.user.username, 'ann');
    assert.deepEqual(member.body.roles, [OTHER_ROLE]);
    assert.equal(typeof member.body.joined_at, 'string');

    const stranger = await bot('GET', `/guilds/${GUILD}/members/${BOB}`);
    assert.equal(stranger.status, 404);
    assert.deepEqual(stranger.body, { message: 'Unknown Member', code: 10007 });
  });
});

describe('PUT/DELETE /guilds/{guild}/members/{user}/roles/{role}', () => {
  test('adds and removes a role with 204, idempotently, and records the audit-log reason', async () => {
    await control('PUT', `/guilds/${GUILD}/members/${ANN}`, { roles: [] });
    const reason = { 'X-Audit-Log-Reason': encodeURIComponent('Tenure: license active — renewal') };
    for (let i = 0; i < 2; i++) {
      const res = await bot('PUT', `/guilds/${GUILD}/members/${ANN}/roles/${PAID_ROLE}`, { headers: reason });
      assert.equal(res.status, 204);
    }
    assert.deepEqual((await control('GET', `/guilds/${GUILD}/members/${ANN}`)).body.roles, [PAID_ROLE]);
    for (let i = 0; i < 2; i++) {
      assert.equal((await bot('DELETE', `/guilds/${GUILD}/members/${ANN}/roles/${PAID_ROLE}`)).status, 204);
    }
    assert.deepEqual((await control('GET', `/guilds/${GUILD}/members/${ANN}`)).body.roles, []);

    const recorded = await calls();
    assert.equal(recorded[0].audit_log_reason, 'Tenure: license active — renewal');
    assert.equal(recorded[0].route, 'PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}');
    assert.equal(recorded[2].audit_log_reason, null);
  });

  test('answers 404 10007 for a non-member, 10011 for an unknown role, 10004 for an unknown guild', async () => {
    const noMember = await bot('PUT', `/guilds/${GUILD}/members/${BOB}/roles/${PAID_ROLE}`);
    assert.deepEqual([noMember.status, noMember.body], [404, { message: 'Unknown Member', code: 10007 }]);

    await control('PUT', `/guilds/${GUILD}/members/${ANN}`, { roles: [] });
    const noRole = await bot('DELETE', `/guilds/${GUILD}/members/${ANN}/roles/777`);
    assert.deepEqual([noRole.status, noRole.body], [404, { message: 'Unknown Role', code: 10011 }]);

    const noGuild = await bot('PUT', `/guilds/888/members/${ANN}/roles/${PAID_ROLE}`);
    assert.deepEqual([noGuild.status, noGuild.body], [404, { message: 'Unknown Guild', code: 10004 }]);
  });
});

describe('POST /webhooks/{id}/{token}', () => {
  const embed = {
    title: 'Checkout',
    description: 'Ann checked out Pro',
    timestamp: '2026-12-01T10:00:00.000Z',
    fields: [{ name: 'Price', value: '$49.00', inline: true }],
  };

  test('answers 204 without wait, 200 and a message object with ?wait=true, and keeps the message', async () => {
    const quiet = await call('POST', `/api/v10/webhooks/${HOOK}/${HOOK_TOKEN}`, { json: { embeds: [embed] } });
    assert.equal(quiet.status, 204);
    const waited = await call('POST', `/api/v10/webhooks/${HOOK}/${HOOK_TOKEN}?wait=true`, { json: { content: 'hi', embeds: [embed] } });
    assert.equal(waited.status, 200);
    assert.match(waited.body.id, /^\d{17,20}$/);
    assert.equal(waited.body.webhook_id, HOOK);
    assert.equal(waited.body.content, 'hi');
    assert.equal(waited.body.embeds[0].title, 'Checkout');
    const { messages } = (await control('GET', `/webhooks/${HOOK}/messages`)).body;
    assert.equal(messages.length, 2);
  });

  test('refuses a wrong token (401 50027) and an unknown webhook (404 10015)', async () => {
    const wrongToken = await call('POST', `/api/v10/webhooks/${HOOK}/nope`, { json: { content: 'x' } });
    assert.deepEqual([wrongToken.status, wrongToken.body], [401, { message: 'Invalid Webhook Token', code: 50027 }]);
    const unknownHook = await call('POST', `/api/v10/webhooks/42/${HOOK_TOKEN}`, { json: { content: 'x' } });
    assert.deepEqual([unknownHook.status, unknownHook.body], [404, { message: 'Unknown Webhook', code: 10015 }]);
  });

  test('refuses an empty message (50006) and embeds over Discord\'s limits (50035, with the path)', async () => {
    await control('PUT', '/rate-limits', { limit: 100 });  // nine calls on one bucket
    const empty = await call('POST', `/api/v10/webhooks/${HOOK}/${HOOK_TOKEN}`, { json: {} });
    assert.deepEqual([empty.status, empty.body.code], [400, 50006]);

    const cases = [
      [{ title: 'x'.repeat(257) }, ['embeds', '0', 'title']],
      [{ description: 'x'.repeat(4097) }, ['embeds', '0', 'description']],
      [{ fields: Array.from({ length: 26 }, (_, i) => ({ name: `n${i}`, value: 'v' })) }, ['embeds', '0', 'fields']],
      [{ fields: [{ name: 'x'.repeat(257), value: 'v' }] }, ['embeds', '0', 'fields', '0', 'name']],
      [{ fields: [{ name: 'n', value: 'x'.repeat(1025) }] }, ['embeds', '0', 'fields', '0', 'value']],
      [{ timestamp: 'yesterday' }, ['embeds', '0', 'timestamp']],
    ];
    for (const [bad, path] of cases) {
      const res = await call('POST', `/api/v10/webhooks/${HOOK}/${HOOK_TOKEN}`, { json: { embeds: [bad] } });
      assert.equal(res.status, 400, path.join('.'));
      assert.equal(res.body.code, 50035);
      assert.equal(res.body.message, 'Invalid Form Body');
      const node = path.reduce((n, key) => n?.[key], res.body.errors);
      assert.ok(node?._errors?.length, `errors at ${path.join('.')}: ${res.text}`);
    }
    const atLimit = { title: 'x'.repeat(256), fields: Array.from({ length: 25 }, (_, i) => ({ name: `n${i}`, value: 'v' })) };
    assert.equal((await call('POST', `/api/v10/webhooks/${HOOK}/${HOOK_TOKEN}`, { json: { embeds: [atLimit] } })).status, 204);
    assert.equal((await control('GET', `/webhooks/${HOOK}/messages`)).body.messages.length, 1);
  });
});

describe('rate limits', () => {
  test('every answer carries the bucket headers; the route bucket counts down and then answers 429', async () => {
    await control('PUT', `/guilds/${GUILD}/members/${ANN}`, { roles: [] });
    const path = `/guilds/${GUILD}/members/${ANN}`;
    const remaining = [];
    let bucket;
    for (let i = 0; i < 5; i++) {
      const res = await bot('GET', path);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-limit'), '5');
      bucket ??= res.headers.get('x-ratelimit-bucket');
      assert.equal(res.headers.get('x-ratelimit-bucket'), bucket);
      assert.ok(Number(res.headers.get('x-ratelimit-reset-after')) <= 1);
      assert.ok(Number(res.headers.get('x-ratelimit-reset')) * 1000 >= Date.now() - 50);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
    }
    assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);

    const limited = await bot('GET', path);
    assert.equal(limited.status, 429);
    assert.equal(limited.body.global, false);
    assert.equal(typeof limited.body.retry_after, 'number');
    assert.ok(limited.body.retry_after > 0 && limited.body.retry_after <= 1, String(limited.body.retry_after));
    assert.equal(limited.headers.get('retry-after'), String(Math.ceil(limited.body.retry_after)));
    assert.equal(limited.headers.get('x-ratelimit-scope'), 'user');
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(limited.headers.get('x-ratelimit-global'), null);

    // Another route, and the same route on another guild (the major parameter), have their own buckets.
    assert.equal((await bot('PUT', `${path}/roles/${PAID_ROLE}`)).status, 204);
    assert.equal((await bot('GET', `/guilds/999/members/${ANN}`)).status, 404);

    // After retry_after the bucket is fresh again.
    await new Promise((resolve) => setTimeout(resolve, limited.body.retry_after * 1000 + 20));
    const fresh = await bot('GET', path);
    assert.equal(fresh.status, 200);
    assert.equal(fresh.headers.get('x-ratelimit-remaining'), '4');
  });

  test('refusals carry the headers too, and the global limit answers a global 429', async () => {
    const refused = await bot('GET', `/guilds/${GUILD}/members/${BOB}`);
    assert.equal(refused.status, 404);
    assert.equal(refused.headers.get('x-ratelimit-limit'), '5');

    await control('PUT', '/rate-limits', { global_limit: 2, limit: 100 });
    assert.equal((await bot('GET', `/guilds/${GUILD}/members/${BOB}`)).status, 404);
    assert.equal((await bot('GET', `/guilds/${GUILD}/members/${BOB}`)).status, 404);
    const global = await bot('GET', `/guilds/${GUILD}/members/${BOB}`);
    assert.equal(global.status, 429);
    assert.equal(global.body.global, true);
    assert.equal(global.headers.get('x-ratelimit-global'), 'true');
    assert.equal(global.headers.get('x-ratelimit-scope'), 'global');
    assert.equal(global.headers.get('x-ratelimit-bucket'), null);
  });
});

describe('injected failures', () => {
  test('a per-route 429 for the next N calls of that route only, then the real answer', async () => {
    await control('PUT', `/guilds/${GUILD}/members/${ANN}`, { roles: [] });
    const route = 'PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}';
    assert.equal((await control('POST', '/failures', { status: 429, route, count: 2, retry_after: 1.5, scope: 'shared' })).status, 201);

    assert.equal((await bot('GET', `/guilds/${GUILD}/members/${ANN}`)).status, 200);  // other route untouched
    for (let i = 0; i < 2; i++) {
      const res = await bot('PUT', `/guilds/${GUILD}/members/${ANN}/roles/${PAID_ROLE}`);
      assert.equal(res.status, 429);
      assert.deepEqual(res.body, { message: 'The resource is being rate limited.', retry_after: 1.5, global: false });
      assert.equal(res.headers.get('retry-after'), '2');
      assert.equal(res.headers.get('x-ratelimit-scope'), 'shared');
    }
    assert.deepEqual((await control('GET', `/guilds/${GUILD}/members/${ANN}`)).body.roles, []);  // nothing applied
    assert.equal((await bot('PUT', `/guilds/${GUILD}/members/${ANN}/roles/${PAID_ROLE}`)).status, 204);
    assert.deepEqual((await control('GET', `/guilds/${GUILD}/members/${ANN}`)).body.roles, [PAID_ROLE]);
  });

  test('a global 429 hits any route; a 500 is answered once', async () => {
    await control('POST', '/failures', { status: 429, global: true, retry_after: 0.25 });
    const global = await call('POST', `/api/v10/webhooks/${HOOK}/${HOOK_TOKEN}`, { json: { content: 'x' } });
    assert.equal(global.status, 429);
    assert.deepEqual(global.body, { message: 'You are being rate limited.', retry_after: 0.25, global: true });
    assert.equal(global.headers.get('x-ratelimit-global'), 'true');

    await control('POST', '/failures', { status: 500 });
    assert.equal((await bot('GET', `/guilds/${GUILD}/members/${BOB}`)).status, 500);
    assert.equal((await bot('GET', `/guilds/${GUILD}/members/${BOB}`)).status, 404);
  });

  test('an unknown route or status is refused', async () => {
    assert.equal((await control('POST', '/failures', { status: 429, route: 'GET /nope' })).status, 400);
    assert.equal((await control('POST', '/failures', { status: 503 })).status, 400);
  });
});

describe('recorded calls', () => {
  test('record method, path, route, body, headers of interest and the answer; reset forgets them', async () => {
    await bot('PUT', `/guilds/${GUILD}/members/${ANN}`, {
      json: { access_token: 'ann-token', roles: [PAID_ROLE] },
      headers: { 'User-Agent': 'DiscordBot (https://tenure.example, 1.0)' },
    });
    await call('GET', '/api/v10/nowhere');
    const [add, nowhere] = await calls();
    assert.equal(add.seq, 1);
    assert.equal(add.method, 'PUT');
    assert.equal(add.path, `/api/v10/guilds/${GUILD}/members/${ANN}`);
    assert.equal(add.route, 'PUT /guilds/{guild_id}/members/{user_id}');
    assert.deepEqual(add.body, { access_token: 'ann-token', roles: [PAID_ROLE] });
    assert.equal(add.headers.authorization, `Bot ${BOT}`);
    assert.equal(add.headers['user-agent'], 'DiscordBot (https://tenure.example, 1.0)');
    assert.equal(add.status, 201);
    assert.deepEqual([nowhere.route, nowhere.status], [null, 404]);

    assert.deepEqual((await control('GET', '/calls?since=1')).body.calls.map((c) => c.seq), [2]);
    await control('POST', '/reset');
    assert.deepEqual(await calls(), []);
    assert.equal((await bot('GET', `/guilds/${GUILD}/members/${ANN}`)).status, 404);  // guild forgotten too
  });
});

test('runs as a process that prints its port, as the C++ tests start it', async () => {
  const script = fileURLToPath(new URL('../support/discord_fake.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, '--port', '0', '--bot-token', 'T', '--limit', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = await once(child.stdout, 'data');
    const port = /^PORT (\d+)\n/.exec(chunk.toString())?.[1];
    assert.ok(port, chunk.toString());
    const res = await fetch(`http://127.0.0.1:${port}/api/v10/users/@me`, { headers: { Authorization: 'Bearer x' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('x-ratelimit-limit'), '2');
  } finally {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  }
});
