// The OpenAPI document itself (issue 9): valid OpenAPI 3.1 by someone else's validator, every
// schema in it compiles under Ajv's strict mode, the server serves it byte for byte, and the
// paths it does not list answer as it says (404 not_found, 405 with Allow).
//
// Run: node --test tests/api/openapi.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Validator } from '@seriousme/openapi-schema-validator';

import { startServer } from '../e2e/server.mjs';
import { OPENAPI, OPENAPI_PATH, OPENAPI_TEXT, api, assertProblem, validatorAt } from './contract.mjs';

test('api/openapi.json is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator();
  const result = await validator.validate(OPENAPI_PATH);
  assert.equal(validator.version, '3.1');
  assert.deepEqual(result, { valid: true }, JSON.stringify(result.errors, null, 2));
});

test('every schema of the document compiles under Ajv strict mode', () => {
  const esc = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');
  for (const name of Object.keys(OPENAPI.components.schemas)) validatorAt(`/components/schemas/${name}`);
  // And every response's body and header schema, where they are written inline.
  const responses = [];
  for (const [name, r] of Object.entries(OPENAPI.components.responses)) responses.push([`/components/responses/${esc(name)}`, r]);
  for (const [p, item] of Object.entries(OPENAPI.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (!r.$ref) responses.push([`/paths/${esc(p)}/${method}/responses/${status}`, r]);
      }
    }
  }
  for (const [pointer, r] of responses) {
    for (const type of Object.keys(r.content ?? {})) validatorAt(`${pointer}/content/${esc(type)}/schema`);
    for (const name of Object.keys(r.headers ?? {})) validatorAt(`${pointer}/headers/${esc(name)}/schema`);
  }
});

test('the document lists exactly the contract\'s operations', () => {
  const operations = [];
  for (const [p, item] of Object.entries(OPENAPI.paths)) {
    for (const method of Object.keys(item)) operations.push(`${method.toUpperCase()} ${p}`);
  }
  assert.deepEqual(operations.sort(), [
    'DELETE /api/v1/sessions/current',
    'GET /api/v1/keys',
    'GET /api/v1/license',
    'GET /api/v1/openapi.json',
    'GET /api/v1/releases/latest',
    'GET /api/v1/session',
    'POST /api/v1/checkouts',
    'POST /api/v1/heartbeat',
    'POST /api/v1/sessions',
  ]);
  // Every bearer operation says how it refuses a token; the public ones need none.
  for (const [p, item] of Object.entries(OPENAPI.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const open = Array.isArray(op.security) && op.security.length === 0;
      assert.equal(Boolean(op.responses['401']), !open || p === '/api/v1/sessions', `${method} ${p}`);
    }
  }
});

let server;
before(async () => { server = await startServer(); });
after(async () => {
  if (!server) return;
  const exit = await server.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
});

test('GET /api/v1/openapi.json serves the repository\'s file byte for byte', async () => {
  const res = await api(server.url, 'GET', '/api/v1/openapi.json');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type').split(';')[0], 'application/json');
  assert.equal(res.text, OPENAPI_TEXT, 'the served document differs from api/openapi.json');
});

test('a path under /api/ the document does not list answers 404 not_found', async () => {
  assertProblem(await api(server.url, 'GET', '/api/v1/nothing-here'), 404, 'not_found');
  assertProblem(await api(server.url, 'POST', '/api/v2/sessions', { json: {} }), 404, 'not_found');
});

test('a listed path under another method answers 405 with Allow', async () => {
  const res = await api(server.url, 'PUT', '/api/v1/license', { json: {} });
  assertProblem(res, 405, 'method_not_allowed');
  assert.match(res.headers.get('allow'), /\bGET\b/);
  const keys = await api(server.url, 'DELETE', '/api/v1/keys');
  assertProblem(keys, 405, 'method_not_allowed');
  assert.match(keys.headers.get('allow'), /\bGET\b/);
});
