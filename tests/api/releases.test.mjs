// The update check (issue 12, GET /api/v1/releases/latest) against api/openapi.json: 404
// no_release before anything is published, 422 naming a bad query parameter, then the newest
// release of the channel with a signature `jose` verifies with /api/v1/keys whose claims are
// the answer's facts, and a download URL that serves exactly those bytes (resumed by curl), for
// this account and this file only, and 403 once the license has expired.
//
// Run: node --test tests/api/releases.test.mjs
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { createLocalJWKSet, compactVerify, decodeProtectedHeader } from 'jose';

import { api, assertProblem, validatorAt } from './contract.mjs';
import { Visitor } from './dashboard.mjs';
import { DEMO, DEMO_PASSWORD, machine, serverNow, rfc3339, signedIn, withServer } from './helpers.mjs';

const run = promisify(execFile);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function publish(server, version, channel, bytes, extra = []) {
  const file = path.join(server.dir, `app-${version}.tar.gz`);
  const notes = path.join(server.dir, `notes-${version}.md`);
  await writeFile(file, bytes);
  await writeFile(notes, `- Version ${version}\n`);
  return server.tenure('release', 'add', version, '--channel', channel, '--notes', notes,
    '--os', 'linux', file, ...extra);
}

test('the update check: signed facts, a download URL for this file, refusals as documented', async () => {
  await withServer({ testClock: true }, async (server) => {
    const { token } = await signedIn(server, machine('updates'));
    const latest = (query) => api(server.url, 'GET', `/api/v1/releases/latest${query}`, { token });

    assertProblem(await latest('?os=linux'), 404, 'no_release');
    const badOs = await latest('?os=amiga');
    assertProblem(badOs, 422, 'invalid_input');
    assert.equal(badOs.body.field, 'os');
    assert.equal((await latest('')).body.field, 'os', 'os is required');
    assert.equal((await latest('?os=linux&channel=nightly')).body.field, 'channel');
    assertProblem(await api(server.url, 'GET', '/api/v1/releases/latest?os=linux'), 401, 'unauthenticated');

    const bytes = randomBytes(2_000_000);
    await publish(server, '1.9.0', 'stable', randomBytes(10));
    await publish(server, '2.0.0', 'stable', bytes);
    await publish(server, '2.1.0-beta.1', 'beta', randomBytes(10));
    // Precedence, not publication order: 1.10.0 is newer than 1.9.0 but older than 2.0.0.
    await publish(server, '1.10.0', 'stable', randomBytes(10), ['--allow-older']);

    const res = await latest('?os=linux');
    assert.equal(res.status, 200, res.text);
    const release = res.body;
    assert.equal(release.version, '2.0.0');
    assert.equal(release.channel, 'stable');
    assert.equal(release.notes, '- Version 2.0.0\n');
    assert.equal(release.size, bytes.length);
    assert.equal(release.sha256, sha256(bytes));
    assert.equal(release.file_name, 'app-2.0.0.tar.gz');
    assert.equal((await latest('?os=linux&channel=beta')).body.version, '2.1.0-beta.1');
    assertProblem(await latest('?os=windows'), 404, 'no_release');

    // The signature, checked by a verifier someone else wrote, covers exactly these facts.
    const jwks = (await api(server.url, 'GET', '/api/v1/keys')).body;
    const header = decodeProtectedHeader(release.signature);
    assert.ok(validatorAt('/components/schemas/ReleaseSignatureHeader')(header), JSON.stringify(header));
    assert.equal(header.typ, 'tenure-release+jwt');
    const { payload } = await compactVerify(release.signature, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
    const claims = JSON.parse(Buffer.from(payload).toString('utf8'));
    assert.ok(validatorAt('/components/schemas/ReleaseClaims')(claims), JSON.stringify(claims));
    assert.deepEqual(claims, {
      version: '2.0.0', channel: 'stable', os: 'linux', file_name: 'app-2.0.0.tar.gz',
      size: bytes.length, sha256: sha256(bytes),
    });

    // The download URL needs no cookie and no bearer token; it resumes with Range.
    const url = new URL(release.download_url);
    assert.equal(url.origin, server.url);
    assert.ok(Date.parse(release.download_url_expires_at) - (await serverNow(server)).getTime() <= 600_000);
    const whole = await fetch(url);
    assert.equal(whole.status, 200);
    const got = Buffer.from(await whole.arrayBuffer());
    assert.equal(sha256(got), release.sha256);
    const tail = await fetch(url, { headers: { range: 'bytes=1500000-' } });
    assert.equal(tail.status, 206);
    assert.equal(sha256(Buffer.concat([got.subarray(0, 1_500_000), Buffer.from(await tail.arrayBuffer())])), release.sha256);
    // And as people resume one: curl cut off after 700 kB, then `curl -C -` goes on from there.
    const part = path.join(server.dir, 'resumed.tar.gz');
    await run('curl', ['-sS', '--fail', '-r', '0-699999', '-o', part, release.download_url]);
    assert.equal((await readFile(part)).length, 700_000);
    const { stdout } = await run('curl', ['-sS', '--fail', '-C', '-', '-o', part, '-w', '%{http_code}', release.download_url]);
    assert.equal(stdout, '206', 'curl resumed with a range');
    assert.equal(sha256(await readFile(part)), release.sha256);
    // Its token opens that file only: not another system's, not another release's.
    const token2 = url.searchParams.get('token');
    assert.equal((await fetch(`${server.url}/downloads/1/linux?token=${token2}`)).status, 403);
    assert.equal((await fetch(`${url.origin}${url.pathname}?token=${token2}x`)).status, 403);
    // Ten minutes later it has expired.
    await server.clock('advance', '11m');
    assert.equal((await fetch(url)).status, 403);

    // An expired license: the update check refuses as the other calls do, and so does the file.
    const visitor = new Visitor(server.url);
    assert.equal((await visitor.signIn(DEMO, DEMO_PASSWORD)).status, 303);
    await visitor.cancelRenewal();
    const probe = await signedIn(server, machine('grace-probe'));
    await server.clock('set', rfc3339(new Date(Date.parse(probe.license.grace_ends_at) - 5 * 60_000)));
    const inGrace = await signedIn(server, machine('grace'));
    const lastChance = await api(server.url, 'GET', '/api/v1/releases/latest?os=linux', { token: inGrace.token });
    assert.equal(lastChance.status, 200, 'in grace, updates still come');
    await server.clock('advance', '6m');
    assertProblem(await api(server.url, 'GET', '/api/v1/releases/latest?os=linux', { token: inGrace.token }),
      403, 'license_expired');
    assert.equal((await fetch(lastChance.body.download_url)).status, 403, 'nor does the file');
  });
});
