// Reporting checkouts (issue 9, POST /api/v1/checkouts): accepted and duplicates,
// idempotent re-sends, 422 naming the item and the field for each bad value, and nothing of
// a refused batch stored. Times are taken from the server's test clock, so "60 s in the
// future" means the server's future. Every response is checked against api/openapi.json.
//
// Run: node --test tests/api/checkouts.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startServer } from '../e2e/server.mjs';
import { api, assertProblem } from './contract.mjs';
import { machine, rfc3339, serverNow, signedIn } from './helpers.mjs';

let server;
let token;
before(async () => {
  server = await startServer({ testClock: true });
  ({ token } = await signedIn(server, machine('checkouts')));
});
after(async () => {
  if (!server) return;
  const exit = await server.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
});

let seq = 0;
async function checkout(overrides = {}) {
  seq += 1;
  return {
    id: `order-${process.pid}-${seq}`,
    store: 'Corner Shop',
    product: 'Blue mug',
    price_cents: 1299,
    currency: 'USD',
    quantity: 2,
    at: rfc3339(await serverNow(server)),
    ...overrides,
  };
}

function report(checkouts, options = {}) {
  return api(server.url, 'POST', '/api/v1/checkouts', { token, json: { checkouts }, ...options });
}

test('200 counts new checkouts as accepted and known ids as duplicates; a re-send changes nothing', async () => {
  const a = await checkout();
  const b = await checkout({ store: 'Online', quantity: 1, currency: 'EUR' });
  const first = await report([a, b]);
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(first.body, { accepted: 2, duplicates: 0 });

  const resend = await report([a, b]);
  assert.deepEqual(resend.body, { accepted: 0, duplicates: 2 }, 'idempotent by id');
  // A known id with other values is still a duplicate (not changed, not refused).
  const changed = await report([{ ...a, price_cents: 1 }, await checkout()]);
  assert.deepEqual(changed.body, { accepted: 1, duplicates: 1 });
});

test('the limits themselves are accepted', async () => {
  const now = await serverNow(server);
  const res = await report([
    await checkout({ price_cents: 0 }),
    await checkout({ price_cents: 10_000_000 }),
    await checkout({ quantity: 1 }),
    await checkout({ quantity: 1000 }),
    await checkout({ id: `x${seq}-`.padEnd(100, 'i'), store: 's'.repeat(100), product: 'p'.repeat(200) }),
    await checkout({ at: rfc3339(new Date(now.getTime() + 50_000)) }),
    await checkout({ at: '2020-01-01T00:00:00Z' }),
  ]);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body, { accepted: 7, duplicates: 0 });
  // 100 items in one batch.
  const hundred = [];
  for (let i = 0; i < 100; i++) hundred.push(await checkout());
  assert.deepEqual((await report(hundred)).body, { accepted: 100, duplicates: 0 });
});

test('422 invalid_input names the item and the field of each bad value', async () => {
  const future = new Date((await serverNow(server)).getTime() + 120_000);
  const cases = [
    ['price_cents', { price_cents: -1 }],
    ['price_cents', { price_cents: 10_000_001 }],
    ['price_cents', { price_cents: 1e12 }],
    ['price_cents', { price_cents: 12.5 }],
    ['price_cents', { price_cents: '1299' }],
    ['currency', { currency: 'usd' }],
    ['currency', { currency: 'US' }],
    ['currency', { currency: 'USDX' }],
    ['currency', { currency: '' }],
    ['quantity', { quantity: 0 }],
    ['quantity', { quantity: 1001 }],
    ['at', { at: rfc3339(future) }],
    ['at', { at: 'yesterday' }],
    ['id', { id: '' }],
    ['id', { id: 'i'.repeat(101) }],
    ['store', { store: '' }],
    ['store', { store: 's'.repeat(101) }],
    ['product', { product: '' }],
    ['product', { product: 'p'.repeat(201) }],
  ];
  // Every member is required (the contract marks none optional); quantity has its own test.
  for (const field of ['id', 'store', 'product', 'price_cents', 'currency', 'at']) {
    cases.push([field, { [field]: undefined }]);
  }
  for (const [field, change] of cases) {
    const bad = await checkout(change);
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete bad[k];
    const what = `${field} = ${JSON.stringify(change[field])}`;
    const res = await report([await checkout(), bad]);
    assertProblem(res, 422, 'invalid_input', `${what}:`);
    assert.equal(res.body.item, 1, `${what}: item ${res.text}`);
    assert.equal(res.body.field, field, `${what}: field ${res.text}`);
  }
});

test('a checkout without a quantity is refused like any missing member (422, item and field)', async () => {
  const bad = await checkout();
  delete bad.quantity;
  const res = await report([await checkout(), bad]);
  assertProblem(res, 422, 'invalid_input', 'quantity missing:');
  assert.equal(res.body.item, 1, res.text);
  assert.equal(res.body.field, 'quantity', res.text);
});

test('a refused batch stores nothing: its good part sent again is accepted, not duplicate', async () => {
  const good = [await checkout(), await checkout()];
  const refused = await report([...good, await checkout({ currency: 'dollars' })]);
  assertProblem(refused, 422, 'invalid_input');
  assert.equal(refused.body.item, 2);
  const again = await report(good);
  assert.deepEqual(again.body, { accepted: 2, duplicates: 0 });
});

test('a batch holds 1 to 100 checkouts', async () => {
  const many = [];
  for (let i = 0; i < 101; i++) many.push(await checkout());
  for (const [what, body] of [
    ['101 items', { checkouts: many }],
    ['no items', { checkouts: [] }],
    ['not an array', { checkouts: { id: 'x' } }],
    ['no checkouts member', {}],
  ]) {
    const res = await api(server.url, 'POST', '/api/v1/checkouts', { token, json: body });
    assertProblem(res, 422, 'invalid_input', `${what}:`);
    assert.equal(res.body.field, 'checkouts', `${what}: ${res.text}`);
  }
  // Nothing of the 101 was stored.
  assert.deepEqual((await report(many.slice(0, 100))).body, { accepted: 100, duplicates: 0 });
});

test('400 invalid_json, 415 unsupported_media_type, 401 without a session', async () => {
  const post = (options) => api(server.url, 'POST', '/api/v1/checkouts', { token, ...options });
  assertProblem(await post({ body: '{"checkouts": [', contentType: 'application/json' }), 400, 'invalid_json');
  const json = JSON.stringify({ checkouts: [await checkout()] });
  assertProblem(await post({ body: json, contentType: 'text/plain' }), 415, 'unsupported_media_type');
  assertProblem(await api(server.url, 'POST', '/api/v1/checkouts', { body: json, contentType: 'application/json' }),
    401, 'unauthenticated');
});
