// Checking the license and keeping the slot (issue 9, GET /api/v1/license, POST
// /api/v1/heartbeat), with the server's test clock moved instead of waiting: heartbeat expiry
// frees the slot, a lease ends at its exp, a license past its grace answers 403
// license_expired, a suspended one 403 license_suspended. Every response is checked against
// api/openapi.json by contract.mjs.
//
// Run: node --test tests/api/license.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLocalJWKSet, jwtVerify } from 'jose';

import { api, assertProblem } from './contract.mjs';
import { Visitor, suspendLicense } from './dashboard.mjs';
import {
  AUDIENCE, DEMO, DEMO_PASSWORD, assertRevoked, leaseClaims, machine, rfc3339, serverNow, signIn,
  signOut, signedIn, withServer,
} from './helpers.mjs';

test('GET /license and POST /heartbeat answer the license with a fresh lease; a heartbeat needs no body', async () => {
  await withServer({ testClock: true }, async (server) => {
    const m = machine('check');
    const { token, license: first } = await signedIn(server, m);
    await server.clock('advance', '2m');

    const got = await api(server.url, 'GET', '/api/v1/license', { token });
    assert.equal(got.status, 200, got.text);
    for (const key of ['status', 'expires_at', 'grace_ends_at', 'auto_renew', 'instances', 'machines_in_use']) {
      assert.deepEqual(got.body[key], first[key], key);
    }
    assert.equal(got.body.server_time, rfc3339(await serverNow(server)), 'server_time is the server clock');
    assert.ok(leaseClaims(got.body.lease).iat > leaseClaims(first.lease).iat, 'a lease issued now');

    const bare = await api(server.url, 'POST', '/api/v1/heartbeat', { token });
    assert.equal(bare.status, 200, `a heartbeat without a body: ${bare.text}`);
    const empty = await api(server.url, 'POST', '/api/v1/heartbeat', { token, json: {} });
    assert.equal(empty.status, 200, empty.text);
    assert.equal(empty.body.machines_in_use, 3);
    assert.ok(empty.body.heartbeat_interval_seconds > 0);

    assertProblem(await api(server.url, 'POST', '/api/v1/heartbeat', { token, body: 'beat', contentType: 'text/plain' }),
      415, 'unsupported_media_type');
    assertProblem(await api(server.url, 'POST', '/api/v1/heartbeat', { token, body: '{', contentType: 'application/json' }),
      400, 'invalid_json');
    await signOut(server, token);
  });
});

test('no heartbeat for 10 minutes: the slot frees and the token answers session_revoked (heartbeat_timeout)', async () => {
  await withServer({ testClock: true }, async (server) => {
    const a = await signedIn(server, machine('beat-a'));
    assert.equal(a.license.machines_in_use, 3);
    assertProblem(await signIn(server, machine('beat-full')), 409, 'no_free_instance', 'all slots held:');

    await server.clock('advance', '5m');
    const beat = await api(server.url, 'POST', '/api/v1/heartbeat', { token: a.token, json: {} });
    assert.equal(beat.status, 200, beat.text);
    await server.clock('advance', '6m');
    // The seeded machines last beat 11 minutes ago: their slots are free; A beat 6 minutes ago.
    const b = await signedIn(server, machine('beat-b'));
    assert.equal(b.license.machines_in_use, 2, 'A and B hold slots, the silent machines none');
    const stillA = await api(server.url, 'GET', '/api/v1/license', { token: a.token });
    assert.equal(stillA.status, 200, `A beat 6 minutes ago: ${stillA.text}`);

    await server.clock('advance', '11m');
    assertRevoked(await api(server.url, 'GET', '/api/v1/license', { token: a.token }), 'heartbeat_timeout', 'A:');
    assertRevoked(await api(server.url, 'POST', '/api/v1/heartbeat', { token: b.token, json: {} }),
      'heartbeat_timeout', 'B:');
    const c = await signedIn(server, machine('beat-c'));
    assert.equal(c.license.machines_in_use, 1, 'every silent slot is free');
    await signOut(server, c.token);
  });
});

test('a lease lasts 24 hours: past its exp it no longer verifies, and a new sign-in brings a new one', async () => {
  await withServer({ testClock: true }, async (server) => {
    const jwks = createLocalJWKSet((await api(server.url, 'GET', '/api/v1/keys')).body);
    const m = machine('lease-end');
    const first = await signedIn(server, m);
    const claims = leaseClaims(first.lease);
    assert.equal(claims.exp - claims.iat, 24 * 3600, 'the default lease is 24 h');
    const options = { audience: AUDIENCE, algorithms: ['EdDSA'] };
    await jwtVerify(first.lease, jwks, { ...options, currentDate: await serverNow(server) });

    await server.clock('advance', '24h');
    await server.clock('advance', '1m');
    const now = await serverNow(server);
    assert.ok(now.getTime() / 1000 > claims.exp);
    await assert.rejects(jwtVerify(first.lease, jwks, { ...options, currentDate: now }), { code: 'ERR_JWT_EXPIRED' });
    // A day without heartbeats also ended the session.
    assertRevoked(await api(server.url, 'GET', '/api/v1/license', { token: first.token }), 'heartbeat_timeout');

    const again = await signedIn(server, m);
    const fresh = leaseClaims(again.lease);
    assert.ok(fresh.exp > now.getTime() / 1000, 'the new lease is ahead of the moved clock');
    await jwtVerify(again.lease, jwks, { ...options, currentDate: now });
    await signOut(server, again.token);
  });
});

test('403 license_expired once grace is over: for checks, heartbeats and sign-ins; checkouts still count', async () => {
  await withServer({ testClock: true }, async (server) => {
    // Renewal off, so the clock moving past the end expires the license instead of renewing it.
    const visitor = new Visitor(server.url);
    assert.equal((await visitor.signIn(DEMO, DEMO_PASSWORD)).status, 303);
    await visitor.cancelRenewal();

    const probe = await signedIn(server, machine('grace-probe'));
    assert.equal(probe.license.auto_renew, false);
    const { expires_at: expiresAt, grace_ends_at: graceEndsAt } = probe.license;
    await signOut(server, probe.token);

    await server.clock('set', rfc3339(new Date(Date.parse(graceEndsAt) - 5 * 60_000)));
    const m = machine('grace');
    const inGrace = await signedIn(server, m);
    assert.equal(inGrace.license.status, 'grace');
    assert.equal(leaseClaims(inGrace.lease).status, 'grace');
    assert.equal(leaseClaims(inGrace.lease).exp, Date.parse(graceEndsAt) / 1000,
      'the lease never runs past the end of grace');

    await server.clock('advance', '6m');
    const token = inGrace.token;
    const expect = (res, what) => {
      assertProblem(res, 403, 'license_expired', `${what}:`);
      assert.equal(res.body.expires_at, expiresAt, what);
      assert.equal(res.body.grace_ends_at, graceEndsAt, what);
      assert.equal(res.body.renew_url, `${server.url}/billing/renew`, what);
    };
    expect(await api(server.url, 'GET', '/api/v1/license', { token }), 'GET /license');
    expect(await api(server.url, 'POST', '/api/v1/heartbeat', { token, json: {} }), 'POST /heartbeat');
    expect(await signIn(server, machine('late')), 'a new sign-in');
    expect(await signIn(server, m), 'the same machine again');

    const at = rfc3339(await serverNow(server));
    const report = await api(server.url, 'POST', '/api/v1/checkouts', {
      token,
      json: { checkouts: [{ id: 'after-expiry', store: 'Shop', product: 'Thing', price_cents: 100, currency: 'EUR', quantity: 1, at }] },
    });
    assert.equal(report.status, 200, `checkouts work while the session is valid: ${report.text}`);
    assert.deepEqual(report.body, { accepted: 1, duplicates: 0 });
    const out = await api(server.url, 'DELETE', '/api/v1/sessions/current', { token });
    assert.equal(out.status, 204, out.text);
  });
});

test('403 license_suspended while a dispute is open: for checks, heartbeats and sign-ins', async () => {
  await withServer({ testClock: true }, async (server) => {
    const { token, license } = await signedIn(server, machine('dispute'));
    await suspendLicense(server, DEMO);
    const expect = (res, what) => {
      assertProblem(res, 403, 'license_suspended', `${what}:`);
      assert.equal(res.body.expires_at, license.expires_at, what);
      assert.equal(res.body.renew_url, `${server.url}/billing/renew`, what);
    };
    expect(await api(server.url, 'GET', '/api/v1/license', { token }), 'GET /license');
    expect(await api(server.url, 'POST', '/api/v1/heartbeat', { token, json: {} }), 'POST /heartbeat');
    expect(await signIn(server, machine('dispute-new')), 'a new sign-in');

    const at = rfc3339(await serverNow(server));
    const report = await api(server.url, 'POST', '/api/v1/checkouts', {
      token,
      json: { checkouts: [{ id: 'while-suspended', store: 'Shop', product: 'Thing', price_cents: 100, currency: 'EUR', quantity: 1, at }] },
    });
    assert.equal(report.status, 200, report.text);
    await signOut(server, token);
  });
});
