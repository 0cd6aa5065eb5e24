// Signing the program in and out (issue 9, POST /api/v1/sessions, DELETE
// /api/v1/sessions/current, GET /api/v1/session): every status and code of the contract's
// table for them, instance slots (409 with the machines, the same fingerprint taking over its
// own slot), and the failed sign-in throttle shared with the dashboard's form. Every
// response is checked against api/openapi.json by contract.mjs.
//
// Run: node --test tests/api/sessions.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { api, assertProblem } from './contract.mjs';
import { Visitor } from './dashboard.mjs';
import {
  DEMO, DEMO_PASSWORD, assertRevoked, machine, signIn, signOut, signedIn, uniqueEmail, withServer,
} from './helpers.mjs';

test('201: a sign-in answers a token, its session, the license and the lease; sign-out ends it', async () => {
  await withServer({}, async (server) => {
    const m = machine('signin');
    const res = await signIn(server, m);
    assert.equal(res.status, 201, res.text);
    const { token, session_id: sessionId, license, lease } = res.body;
    assert.equal(lease, license.lease, 'lease equals license.lease');
    assert.equal(license.status, 'active');
    assert.equal(license.instances, 3, 'the demo customer has 3 instances');
    assert.equal(license.machines_in_use, 3, 'two seeded machines and this one');
    assert.ok(Date.parse(license.grace_ends_at) > Date.parse(license.expires_at));
    assert.ok(Math.abs(Date.parse(license.server_time) - Date.now()) < 60_000, license.server_time);

    const session = await api(server.url, 'GET', '/api/v1/session', { token });
    assert.equal(session.status, 200, session.text);
    assert.equal(session.body.session_id, sessionId);
    assert.equal(session.body.kind, 'program');
    assert.equal(session.body.user.email, DEMO);

    const out = await api(server.url, 'DELETE', '/api/v1/sessions/current', { token });
    assert.equal(out.status, 204, out.text);
    assertRevoked(await api(server.url, 'GET', '/api/v1/license', { token }), 'signed_out', 'after sign-out:');
    assertRevoked(await api(server.url, 'GET', '/api/v1/session', { token }), 'signed_out', 'GET /session:');
    assertRevoked(await api(server.url, 'DELETE', '/api/v1/sessions/current', { token }), 'signed_out',
      'a second sign-out:');
  });
});

test('401 mfa_required: two-factor on, the password alone is not enough; "otp" signs in', async () => {
  await withServer({}, async (server) => {
    const person = new Visitor(server.url);
    assert.equal((await person.signIn(DEMO, DEMO_PASSWORD)).status, 303);
    const app = await person.turnOnTwoFactor();
    const m = machine('two-factor');
    assertProblem(await signIn(server, m), 401, 'mfa_required');
    const wrong = await api(server.url, 'POST', '/api/v1/sessions',
      { json: { email: DEMO, password: DEMO_PASSWORD, otp: '000000', machine: m } });
    assertProblem(wrong, 401, 'mfa_required');
    // The next step's code (the one that turned it on is used up).
    const ok = await api(server.url, 'POST', '/api/v1/sessions', {
      json: { email: DEMO, password: DEMO_PASSWORD, otp: app.generate({ timestamp: Date.now() + 30_000 }), machine: m },
    });
    assert.equal(ok.status, 201, ok.text);
    const long = await api(server.url, 'POST', '/api/v1/sessions',
      { json: { email: DEMO, password: DEMO_PASSWORD, otp: '1'.repeat(101), machine: m } });
    assertProblem(long, 422, 'invalid_input');
    assert.equal(long.body.field, 'otp');
  });
});

test('422 invalid_input names each missing or bad field; the limits themselves are accepted', async () => {
  await withServer({}, async (server) => {
    const good = () => machine('fields');
    const cases = [
      ['email', { password: DEMO_PASSWORD, machine: good() }],
      ['email', { email: '', password: DEMO_PASSWORD, machine: good() }],
      ['email', { email: 42, password: DEMO_PASSWORD, machine: good() }],
      ['password', { email: DEMO, machine: good() }],
      ['machine', { email: DEMO, password: DEMO_PASSWORD }],
      ['machine', { email: DEMO, password: DEMO_PASSWORD, machine: 'laptop' }],
    ];
    const machineCases = [
      ['fingerprint', undefined], ['fingerprint', ''], ['fingerprint', 'f'.repeat(129)],
      ['fingerprint', 'caf\u00e9-machine'], ['fingerprint', 'line\nbreak'], ['fingerprint', 7],
      ['name', undefined], ['name', ''], ['name', 'n'.repeat(101)],
      ['os', undefined], ['os', ''], ['os', 'o'.repeat(51)],
      ['app_version', undefined], ['app_version', ''], ['app_version', 'v'.repeat(51)],
    ];
    for (const [field, value] of machineCases) {
      const m = good();
      if (value === undefined) delete m[field]; else m[field] = value;
      cases.push([`machine.${field}`, { email: DEMO, password: DEMO_PASSWORD, machine: m }]);
    }
    for (const [field, body] of cases) {
      const what = `${field} = ${JSON.stringify(body.machine?.[field.split('.')[1]] ?? body[field])}`;
      const res = await api(server.url, 'POST', '/api/v1/sessions', { json: body });
      assertProblem(res, 422, 'invalid_input', `${what}:`);
      assert.equal(res.body.field, field, `${what}: ${res.text}`);
    }

    // Exactly at the limits: accepted (and signed out again to free the slot).
    const longest = machine('limits', {
      fingerprint: `~${'F'.repeat(126)}!`, name: 'N'.repeat(100), os: 'O'.repeat(50),
      app_version: 'V'.repeat(50),
    });
    assert.equal(longest.fingerprint.length, 128);
    const body = await signedIn(server, longest);
    await signOut(server, body.token);
  });
});

test('valid JSON that is not an object is 422 invalid_input (a bad body, not bad JSON)', async () => {
  await withServer({}, async (server) => {
    for (const body of [[], 'email', 42, null]) {
      assertProblem(await api(server.url, 'POST', '/api/v1/sessions', { json: body }), 422, 'invalid_input',
        `${JSON.stringify(body)}:`);
    }
  });
});

test('400 invalid_json and 415 unsupported_media_type', async () => {
  await withServer({}, async (server) => {
    const post = (options) => api(server.url, 'POST', '/api/v1/sessions', options);
    assertProblem(await post({ body: '{"email": ', contentType: 'application/json' }), 400, 'invalid_json');
    const json = JSON.stringify({ email: DEMO, password: DEMO_PASSWORD, machine: machine('media') });
    assertProblem(await post({ body: json, contentType: 'text/plain' }), 415, 'unsupported_media_type');
    assertProblem(await post({ body: json, contentType: 'application/x-www-form-urlencoded' }), 415,
      'unsupported_media_type');
    assertProblem(await post({ body: json }), 415, 'unsupported_media_type', 'no content type:');
    // Parameters of the media type are fine.
    const ok = await post({ body: json, contentType: 'application/json; charset=utf-8' });
    assert.equal(ok.status, 201, ok.text);
  });
});

test('401 invalid_credentials for a wrong password or an unknown email, alike', async () => {
  await withServer({}, async (server) => {
    const wrong = await signIn(server, machine('wrong'), { password: 'not-the-password' });
    assertProblem(wrong, 401, 'invalid_credentials');
    const unknown = await signIn(server, machine('unknown'), { email: uniqueEmail('nobody') });
    assertProblem(unknown, 401, 'invalid_credentials');
    assert.equal(unknown.body.detail, wrong.body.detail, 'the answer does not tell which was wrong');
  });
});

test('429 rate_limited with Retry-After: failed sign-ins count with the dashboard\'s form, both ways', async () => {
  await withServer({}, async (server) => {
    const visitor = new Visitor(server.url);
    // Five failures of one account from one address are free; the next attempt from there
    // waits (domain/account.hpp: SignInLimits).
    for (let i = 0; i < 3; i++) {
      const res = await visitor.signIn(DEMO, `wrong-${i}`);
      assert.equal(res.status, 401, `dashboard failure ${i}: ${res.status}`);
    }
    for (let i = 0; i < 2; i++) {
      assertProblem(await signIn(server, machine('throttle'), { password: `wrong-api-${i}` }), 401,
        'invalid_credentials', `API failure ${i}:`);
    }
    // Even the right password is refused now, here and on the dashboard.
    const limited = await signIn(server, machine('throttle'));
    assertProblem(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0, `Retry-After: ${limited.headers.get('retry-after')}`);
    const page = await new Visitor(server.url).signIn(DEMO, DEMO_PASSWORD);
    assert.equal(page.status, 429, 'the dashboard counts the API\'s failures too');
  });
});

test('403 no_license for an account that never bought one, with the renew URL', async () => {
  await withServer({}, async (server) => {
    const email = uniqueEmail('fresh');
    const password = 'a-long-enough-password-1';
    await new Visitor(server.url).signUp(email, password);
    const res = await signIn(server, machine('fresh'), { email, password });
    assertProblem(res, 403, 'no_license');
    assert.equal(res.body.renew_url, `${server.url}/billing/renew`);
  });
});

test('409 no_free_instance lists the machines holding the slots; a refused machine takes none', async () => {
  await withServer({}, async (server) => {
    const a = machine('slot-a', { name: 'Office PC', os: 'Windows 11', app_version: '3.0.0' });
    const first = await signedIn(server, a);
    assert.equal(first.license.machines_in_use, 3);

    const b = machine('slot-b');
    for (const attempt of [1, 2]) {
      const res = await signIn(server, b);
      assertProblem(res, 409, 'no_free_instance', `attempt ${attempt}:`);
      assert.equal(res.body.instances, 3);
      assert.equal(res.body.machines.length, 3, res.text);
      const office = res.body.machines.find((x) => x.name === 'Office PC');
      assert.ok(office, `machine A is listed: ${res.text}`);
      assert.equal(office.os, 'Windows 11');
      assert.equal(office.app_version, '3.0.0');
      assert.ok(!res.body.machines.some((x) => x.name === b.name), 'the refused machine is not listed');
    }

    // A frees its slot: B gets it.
    await signOut(server, first.token);
    const second = await signedIn(server, b);
    assert.equal(second.license.machines_in_use, 3);
    await signOut(server, second.token);
  });
});

test('the same fingerprint signing in again takes over its own slot; the old token is replaced', async () => {
  await withServer({}, async (server) => {
    const a = machine('again');
    const first = await signedIn(server, a);
    assert.equal(first.license.machines_in_use, 3, 'every slot is taken now');
    // Renamed or upgraded, it is the same machine: no new slot needed even though none is free.
    const second = await signedIn(server, { ...a, name: 'Renamed', app_version: '2.5.0' });
    assert.equal(second.license.machines_in_use, 3);
    assert.notEqual(second.token, first.token);
    assert.notEqual(second.session_id, first.session_id);
    assertRevoked(await api(server.url, 'GET', '/api/v1/license', { token: first.token }), 'replaced');
    assertRevoked(await api(server.url, 'POST', '/api/v1/heartbeat', { token: first.token, json: {} }), 'replaced');
    const license = await api(server.url, 'GET', '/api/v1/license', { token: second.token });
    assert.equal(license.status, 200, license.text);
    await signOut(server, second.token);
  });
});

test('401 unauthenticated without a bearer token, session_revoked (unknown) for a token nobody has', async () => {
  await withServer({}, async (server) => {
    const calls = [
      ['GET', '/api/v1/license', {}],
      ['POST', '/api/v1/heartbeat', { json: {} }],
      ['POST', '/api/v1/checkouts', { json: { checkouts: [] } }],
      ['DELETE', '/api/v1/sessions/current', {}],
      ['GET', '/api/v1/session', {}],
    ];
    for (const [method, path, options] of calls) {
      const bare = await api(server.url, method, path, options);
      assertProblem(bare, 401, 'unauthenticated', `${method} ${path} without a token:`);
      assert.equal(bare.headers.get('www-authenticate'), 'Bearer');
      const unknown = await api(server.url, method, path, { ...options, token: 'not-a-token-anyone-has' });
      assertRevoked(unknown, 'unknown', `${method} ${path} with an unknown token:`);
    }
  });
});
