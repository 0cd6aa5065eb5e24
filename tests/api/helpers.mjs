// What the API test files share: a server per test (its own SQLite database, demo data:
// demo@example.com has 3 instances, 2 held by seeded machines, so 1 slot is free on start),
// machines with unique fingerprints, and sign-in through contract.mjs's api().
import assert from 'node:assert/strict';

import { DEMO_PASSWORD, DEMO_USERS, startServer } from '../e2e/server.mjs';
import { api, assertProblem } from './contract.mjs';

export { DEMO_PASSWORD };
export const DEMO = DEMO_USERS.customer;
export const AUDIENCE = 'tenure-program';

/**
 * Runs fn(server) against a fresh server and stops it, which must go cleanly. A failure
 * carries the tail of the server's log.
 */
export async function withServer(options, fn) {
  const server = await startServer(options);
  let failure = null;
  try {
    await fn(server);
  } catch (err) {
    failure = err;
  }
  const exit = await server.stop().catch((err) => err);
  if (failure) {
    if (failure instanceof Error) failure.message += `\n--- server log (tail) ---\n${server.logs().slice(-3000)}`;
    throw failure;
  }
  assert.deepEqual(exit, { code: 0, signal: null }, `tenure serve stopped badly\n${server.logs()}`);
}

let seq = 0;
/** A machine nobody else uses; `overrides` replaces fields. */
export function machine(tag = 'm', overrides = {}) {
  seq += 1;
  return {
    fingerprint: `fp-${tag}-${process.pid}-${seq}`,
    name: `Test ${tag} ${seq}`,
    os: 'Debian 12',
    app_version: '2.4.1',
    ...overrides,
  };
}

let emailSeq = 0;
export function uniqueEmail(tag) {
  emailSeq += 1;
  return `${tag}-${process.pid}-${Date.now()}-${emailSeq}@example.com`;
}

export function signIn(server, m, { email = DEMO, password = DEMO_PASSWORD } = {}) {
  return api(server.url, 'POST', '/api/v1/sessions', { json: { email, password, machine: m } });
}

/** Signs in and insists on 201; resolves to the body ({ token, session_id, license, lease }). */
export async function signedIn(server, m, options) {
  const res = await signIn(server, m, options);
  assert.equal(res.status, 201, `sign-in of ${m.fingerprint} failed: ${res.status} ${res.text}`);
  return res.body;
}

export async function signOut(server, token) {
  const res = await api(server.url, 'DELETE', '/api/v1/sessions/current', { token });
  assert.equal(res.status, 204, res.text);
}

/** A 401 session_revoked with this reason and RFC 6750's invalid_token challenge. */
export function assertRevoked(res, reason, message = '') {
  assertProblem(res, 401, 'session_revoked', message);
  assert.equal(res.body.reason, reason, `${message} reason: ${res.text}`);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
}

/** The server's clock as a Date (the test clock when started with testClock). */
export async function serverNow(server) {
  return new Date(await server.clock('show'));
}

/** RFC 3339 in UTC with whole seconds, as the contract writes times. */
export function rfc3339(date) {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function leaseClaims(lease) {
  return JSON.parse(Buffer.from(lease.split('.')[1], 'base64url').toString('utf8'));
}
