// The one way the API tests talk to the server (issue 9): every response goes through
// api() below, which checks it against api/openapi.json before the test sees it (path
// template + method + status + content type -> schema, plus the headers the document marks
// required). A status the document does not list, a member it does not name, a wrong
// content type: the test fails there. The validator is someone else's (Ajv, JSON Schema
// 2020-12, which OpenAPI 3.1 uses), so the document is checked, not our reading of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

import { REPO } from '../e2e/server.mjs';

export const OPENAPI_PATH = path.join(REPO, 'api', 'openapi.json');
export const OPENAPI_TEXT = readFileSync(OPENAPI_PATH, 'utf8');
export const OPENAPI = JSON.parse(OPENAPI_TEXT);

const DOC_ID = 'https://tenure.invalid/api/openapi.json';
// strict: an unknown keyword in the document is an error, not silently ignored.
const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);
// The document is registered whole so its `#/components/schemas/...` references resolve;
// only the schemas inside it are ever compiled.
ajv.addSchema(OPENAPI, DOC_ID);
ajv.addKeyword({ keyword: 'openapi' }).addKeyword({ keyword: 'info' });
ajv.addKeyword({ keyword: 'paths' }).addKeyword({ keyword: 'components' }).addKeyword({ keyword: 'security' });

const compiled = new Map();
/** A validator for the schema at a JSON pointer inside the document. */
export function validatorAt(pointer) {
  if (!compiled.has(pointer)) compiled.set(pointer, ajv.compile({ $ref: `${DOC_ID}#${pointer}` }));
  return compiled.get(pointer);
}

const escape = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');

/** Path templates of the document as regular expressions, literal segments first. */
const TEMPLATES = Object.keys(OPENAPI.paths).map((template) => ({
  template,
  regex: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

function resolveResponse(response, pointer) {
  if (!response.$ref) return { response, pointer };
  const ref = response.$ref;
  assert.ok(ref.startsWith('#/components/responses/'), `unexpected $ref ${ref}`);
  const name = ref.slice('#/components/responses/'.length);
  return { response: OPENAPI.components.responses[name], pointer: `/components/responses/${escape(name)}` };
}

function describeErrors(errors) {
  return errors.map((e) => `  ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
}

function checkSchema(pointer, value, what) {
  const validate = validatorAt(pointer);
  if (!validate(value)) {
    assert.fail(`${what} does not match ${pointer}:\n${describeErrors(validate.errors)}\n` +
      `value: ${JSON.stringify(value, null, 2).slice(0, 3000)}`);
  }
}

function decodeSegment(segment) {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
}

/** A lease's header and claims must match LeaseHeader and LeaseClaims (not just the JWS shape). */
export function checkLeaseShape(lease, what) {
  const [header, claims] = lease.split('.');
  checkSchema('/components/schemas/LeaseHeader', decodeSegment(header), `${what}: lease header`);
  checkSchema('/components/schemas/LeaseClaims', decodeSegment(claims), `${what}: lease claims`);
}

/**
 * Checks one response against the document. `pathname` is the request's path (no query).
 * Returns the parsed body (or null when there is none).
 */
export function checkResponse(method, pathname, status, headers, text) {
  const what = `${method} ${pathname} -> ${status}`;
  const match = TEMPLATES.find((t) => t.regex.test(pathname));
  let found;
  if (!match) {
    // The document says any other path under /api/ answers 404 not_found.
    assert.equal(status, 404, `${what}: the document lists no such path, so only 404 may answer\n${text}`);
    found = resolveResponse({ $ref: '#/components/responses/NotFound' });
  } else {
    const item = OPENAPI.paths[match.template];
    const operation = item[method.toLowerCase()];
    if (!operation) {
      assert.equal(status, 405, `${what}: ${match.template} has no ${method}, so only 405 may answer\n${text}`);
      found = resolveResponse({ $ref: '#/components/responses/MethodNotAllowed' });
    } else {
      const listed = operation.responses[String(status)];
      assert.ok(listed, `${what}: status ${status} is not listed for ${method} ${match.template} ` +
        `(listed: ${Object.keys(operation.responses).join(', ')})\n${text}`);
      found = resolveResponse(listed,
        `/paths/${escape(match.template)}/${method.toLowerCase()}/responses/${status}`);
    }
  }
  const { response, pointer } = found;

  for (const [name, header] of Object.entries(response.headers ?? {})) {
    const value = headers.get(name);
    if (header.required) assert.ok(value !== null, `${what}: missing required header ${name}`);
    if (value !== null && header.schema) {
      checkSchema(`${pointer}/headers/${escape(name)}/schema`, value, `${what}: header ${name}`);
    }
  }

  if (!response.content) {
    assert.equal(text, '', `${what}: the document gives this response no body`);
    return null;
  }
  const mediaType = (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const content = response.content[mediaType];
  assert.ok(content, `${what}: content type '${mediaType}' is not one of ` +
    `${Object.keys(response.content).join(', ')}\n${text.slice(0, 500)}`);
  let body;
  try {
    body = JSON.parse(text);
  } catch (err) {
    assert.fail(`${what}: the body is not JSON (${err.message}): ${text.slice(0, 500)}`);
  }
  checkSchema(`${pointer}/content/${escape(mediaType)}/schema`, body, `${what}: body`);
  // A lease anywhere in a body also has the header and claims the document describes.
  for (const lease of [body?.lease, body?.license?.lease]) {
    if (typeof lease === 'string') checkLeaseShape(lease, what);
  }
  return body;
}

/**
 * Calls the API and checks the answer against the document. Options: token (bearer), json
 * (a value sent as application/json), body + contentType (raw), headers.
 * Resolves to { status, headers, body (parsed JSON or null), text }.
 */
export async function api(baseUrl, method, pathname, { token, json, body, contentType, headers = {} } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers }, redirect: 'manual' };
  if (token !== undefined) init.headers.authorization = `Bearer ${token}`;
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['content-type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
    if (contentType) init.headers['content-type'] = contentType;
  }
  const res = await fetch(new URL(pathname, baseUrl), init);
  const text = await res.text();
  const parsed = checkResponse(method, new URL(pathname, baseUrl).pathname, res.status, res.headers, text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Asserts a problem's status and code (the document already checked its members). */
export function assertProblem(res, status, code, message = '') {
  assert.equal(res.status, status, `${message} expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.equal(res.body?.code, code, `${message} expected code ${code}: ${res.text}`);
}
