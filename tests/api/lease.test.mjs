// The signed lease, checked by a verifier someone else wrote (issue 9): the `jose` package
// verifies a real lease with the server's JWKS (GET /api/v1/keys) and refuses a lease with a
// tampered claim and one signed by another Ed25519 key, even under a kid the server uses.
//
// Run: node --test tests/api/lease.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { SignJWT, createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify } from 'jose';

import { startServer } from '../e2e/server.mjs';
import { api } from './contract.mjs';
import { AUDIENCE, leaseClaims, machine, signOut, signedIn } from './helpers.mjs';

let server;
let jwks;
let session;
let me;
const m = machine('lease');

before(async () => {
  server = await startServer();
  const keys = await api(server.url, 'GET', '/api/v1/keys');
  assert.equal(keys.status, 200, keys.text);
  jwks = keys.body;
  session = await signedIn(server, m);
  me = (await api(server.url, 'GET', '/api/v1/session', { token: session.token })).body;
});
after(async () => {
  if (!server) return;
  try {
    if (session) await signOut(server, session.token);
  } finally {
    const exit = await server.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
  }
});

const verifyOptions = () => ({ audience: AUDIENCE, issuer: server.url, algorithms: ['EdDSA'] });

test('GET /api/v1/keys is a JWKS of Ed25519 keys with distinct kids, cached for 5 minutes', async () => {
  const res = await api(server.url, 'GET', '/api/v1/keys');
  assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
  assert.ok(res.body.keys.length >= 1);
  const kids = res.body.keys.map((k) => k.kid);
  assert.equal(new Set(kids).size, kids.length, 'kids are distinct');
  for (const key of res.body.keys) {
    assert.equal(Buffer.from(key.x, 'base64url').length, 32, 'x is a 32-byte public key');
  }
  assert.ok(kids.includes(decodeProtectedHeader(session.lease).kid), 'the lease names a key of the JWKS');
});

test('jose verifies a real lease with the JWKS, and its claims say who, which machine and until when', async () => {
  const { payload, protectedHeader } = await jwtVerify(session.lease, createLocalJWKSet(jwks), verifyOptions());
  assert.deepEqual(protectedHeader, { alg: 'EdDSA', typ: 'JWT', kid: protectedHeader.kid });
  assert.equal(payload.sub, String(me.user.id));
  assert.equal(payload.sid, session.session_id);
  assert.equal(payload.fingerprint, m.fingerprint);
  assert.equal(payload.status, session.license.status);
  assert.equal(payload.expires_at, session.license.expires_at);
  assert.equal(payload.grace_ends_at, session.license.grace_ends_at);
  assert.equal(payload.instances, session.license.instances);
  assert.equal(payload.exp - payload.iat, 24 * 3600);
  assert.ok(payload.jti.length > 0);

  // The lease of a license check verifies the same way (the server may hand the same lease
  // out again for a minute; the contract asks nothing more of jti than that it is there).
  const again = await api(server.url, 'GET', '/api/v1/license', { token: session.token });
  const second = await jwtVerify(again.body.lease, createLocalJWKSet(jwks), verifyOptions());
  assert.equal(second.payload.sid, session.session_id);
});

test('a lease with a tampered claim fails the signature', async () => {
  const [header, , signature] = session.lease.split('.');
  const claims = leaseClaims(session.lease);
  for (const change of [{ fingerprint: 'another-machine' }, { exp: claims.exp + 365 * 86400 }, { status: 'active', instances: 99 }]) {
    const forged = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
    await assert.rejects(jwtVerify(`${header}.${forged}.${signature}`, createLocalJWKSet(jwks), verifyOptions()),
      { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' }, JSON.stringify(change));
  }
});

test('a lease signed by another Ed25519 key fails, under the server\'s kid or another', async () => {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const claims = leaseClaims(session.lease);
  const kid = decodeProtectedHeader(session.lease).kid;
  const sign = (headerKid) => new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: headerKid }).sign(privateKey);
  await assert.rejects(jwtVerify(await sign(kid), createLocalJWKSet(jwks), verifyOptions()),
    { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  await assert.rejects(jwtVerify(await sign('attacker-key'), createLocalJWKSet(jwks), verifyOptions()),
    { code: 'ERR_JWKS_NO_MATCHING_KEY' });
});
