// tenure-agent update-check driven end to end (issue 12, "a tampered file detected by
// tenure-agent"): a release published with `tenure release add`, then the check (the signed
// release printed, "up to date" for a version not older), --download giving the published file,
// a proxy that swaps a field of the answer (exit 7), the stored file tampered with on the
// server's disk (exit 7 and no file left), and an expired license (exit 3).
// The tests run in order on one server and one state file, as a program would.
//
// Run: node --test tests/api/update_check.test.mjs (build first: scripts/build)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { REPO, startServer } from '../e2e/server.mjs';
import { Visitor } from './dashboard.mjs';
import { DEMO, DEMO_PASSWORD, machine, rfc3339 } from './helpers.mjs';

const AGENT = process.env.TENURE_AGENT_BINARY || path.join(REPO, 'build', 'tenure-agent');
const EXIT = { ok: 0, error: 1, usage: 2, licenseRefused: 3, badUpdate: 7 };
const VERSION = '2.4.1';
const FILE_SIZE = 3 * 1024 * 1024 + 17; // a few MB, not a round number of pieces
const NOT_INSTALLED = /^tenure-agent: the update does not match its signature: not installed/;

let server;
let dir;
let state;
let published; // { name, size, sha256 } of the file given to `tenure release add`
const m = machine('update', { name: 'Update box', os: 'Debian 12', app_version: '2.4.0' });

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const show = (r) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** Runs tenure-agent; resolves to { code, stdout, stderr } whatever the exit code. */
function agent(args, { password, stateFile = state } = {}) {
  const env = { ...process.env };
  delete env.TENURE_AGENT_PASSWORD;
  if (password !== undefined) env.TENURE_AGENT_PASSWORD = password;
  return new Promise((resolve) => {
    const child = execFile(AGENT, ['--state', stateFile, ...args], { env, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code ?? -1 : 0, stdout, stderr }));
    child.stdin.end();
  });
}

const login = (stateFile = state) => agent(['--server', server.url, 'login', '--email', DEMO,
  '--fingerprint', m.fingerprint, '--name', m.name, '--os', m.os, '--app-version', m.app_version],
{ password: DEMO_PASSWORD, stateFile });

/** The one stored file of the release under the server's releases dir (uploads aside). */
async function storedFile() {
  const root = path.join(server.dir, 'releases');
  const found = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isFile() && !full.includes(`${path.sep}.uploads`)) found.push(full);
  }
  assert.equal(found.length, 1, `one stored release file expected: ${found.join(', ')}`);
  return found[0];
}

before(async () => {
  server = await startServer({ testClock: true });
  dir = await mkdtemp(path.join(tmpdir(), 'tenure-update-'));
  state = path.join(dir, 'state.json');
  const bytes = randomBytes(FILE_SIZE);
  published = { name: `app-${VERSION}.tar.gz`, size: FILE_SIZE, sha256: sha256(bytes) };
  await writeFile(path.join(dir, published.name), bytes);
  await writeFile(path.join(dir, 'notes.md'), '## Fixes\n\n- Faster start-up.\n');
  const out = await server.tenure('release', 'add', VERSION, '--channel', 'stable', '--notes',
    path.join(dir, 'notes.md'), '--os', 'linux', path.join(dir, published.name));
  assert.match(out, new RegExp(`^published ${VERSION} \\(stable\\)\\n.*${published.sha256}`, 's'));
  const signedIn = await login();
  assert.equal(signedIn.code, EXIT.ok, show(signedIn));
});
after(async () => {
  try {
    if (server) {
      const exit = await server.stop();
      assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
    }
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});

test('update-check verifies the signed release and prints it (line and --json)', async () => {
  const line = await agent(['update-check', '--os', 'linux']);
  assert.equal(line.code, EXIT.ok, show(line));
  assert.equal(line.stdout,
    `update available: ${VERSION} (stable), ${published.name}, 3.1 MB, sha256 ${published.sha256}\n`);
  // Built on Linux: that is the default system, and stable the default channel.
  assert.equal((await agent(['update-check'])).stdout, line.stdout);

  const json = await agent(['--json', 'update-check', '--os', 'linux', '--channel', 'stable']);
  assert.equal(json.code, EXIT.ok, show(json));
  const out = JSON.parse(json.stdout);
  assert.equal(out.exit_code, 0);
  assert.equal(out.update_available, true);
  assert.deepEqual(
    { ...out.release, published_at: undefined, notes: undefined },
    { verified: true, version: VERSION, channel: 'stable', os: 'linux', file_name: published.name,
      size: published.size, sha256: published.sha256, published_at: undefined, notes: undefined });
  assert.match(out.release.notes, /Faster start-up/);
});

test('--current-version: not older is "up to date"; older is an update; not a SemVer is usage', async () => {
  const same = await agent(['update-check', '--current-version', VERSION]);
  assert.equal(same.code, EXIT.ok, show(same));
  assert.equal(same.stdout, `up to date (${VERSION})\n`);
  const newer = await agent(['update-check', '--current-version', '2.5.0-beta.1']);
  assert.equal(newer.stdout, `up to date (2.5.0-beta.1); the latest stable release is ${VERSION}\n`);
  const older = await agent(['update-check', '--current-version', '2.4.1-rc.2']);
  assert.match(older.stdout, new RegExp(`^update available: ${VERSION} \\(stable\\)`), show(older));
  const json = JSON.parse((await agent(['--json', 'update-check', '--current-version', VERSION])).stdout);
  assert.equal(json.update_available, false);
  assert.equal(json.current_version, VERSION);

  for (const bad of [['--current-version', 'v2.4'], ['--os', 'solaris'], ['--channel', 'nightly']]) {
    const r = await agent(['update-check', ...bad]);
    assert.equal(r.code, EXIT.usage, `${bad}: ${show(r)}`);
  }
});

test('no release for a system or channel: exit 1 with a clear line', async () => {
  const windows = await agent(['update-check', '--os', 'windows']);
  assert.equal(windows.code, EXIT.error, show(windows));
  assert.equal(windows.stderr, 'tenure-agent: no stable release for windows has been published yet\n');
  const beta = await agent(['--json', 'update-check', '--os', 'linux', '--channel', 'beta']);
  assert.equal(beta.code, EXIT.error, show(beta));
  assert.equal(JSON.parse(beta.stdout).error.code, 'no_release');
});

test('--download gives the published file, verified; no part file is left', async () => {
  const file = path.join(dir, 'downloaded.tar.gz');
  const r = await agent(['update-check', '--download', file]);
  assert.equal(r.code, EXIT.ok, show(r));
  assert.match(r.stdout, new RegExp(`; downloaded and verified: ${file.replaceAll('.', '\\.')}\\n$`));
  const bytes = await readFile(file);
  assert.equal(bytes.length, published.size);
  assert.equal(sha256(bytes), published.sha256);
  await assert.rejects(stat(`${file}.part`), { code: 'ENOENT' });
});

test('a proxy that swaps a field of the answer is caught: exit 7', async () => {
  // Genuine answers from the server, with one field changed on the way.
  let swap = null;
  const proxy = createServer(async (req, res) => {
    if (req.url === '/oversize') {
      // More bytes than the signed size, with no Content-Length to give it away early.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let sent = 0; sent <= published.size && !res.destroyed; sent += 65536) {
        if (!res.write(randomBytes(65536))) {
          await new Promise((resolve) => { res.once('drain', resolve); res.once('close', resolve); });
        }
      }
      res.end();
      return;
    }
    const upstream = await fetch(server.url + req.url, { headers: { authorization: req.headers.authorization ?? '' } });
    let body = await upstream.text();
    if (req.url.startsWith('/api/v1/releases/latest') && upstream.status === 200) body = JSON.stringify(swap(JSON.parse(body)));
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(body);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxied = path.join(dir, 'proxied.json');
  await copyFile(state, proxied);
  try {
    const cases = [
      [(a) => ({ ...a, sha256: 'a'.repeat(64) }), /the answer's sha256 is not the signed one/],
      [(a) => ({ ...a, size: a.size + 1 }), /the answer's size is not the signed one/],
      [(a) => ({ ...a, version: '9.0.0' }), /the answer's version is not the signed one/],
      [(a) => ({ ...a, signature: a.signature.replace(/\.[^.]+$/, `.${'A'.repeat(86)}`) }),
        /the release's signature does not verify/],
      // The download URL is not signed: whatever it serves must still be the signed file.
      [(a) => ({ ...a, download_url: `http://127.0.0.1:${proxy.address().port}/oversize` }),
        new RegExp(`\\(received more than ${published.size} bytes; signed: ${published.size} bytes`)],
    ];
    for (const [change, why] of cases) {
      swap = change;
      const file = path.join(dir, 'proxied.tar.gz');
      const r = await agent(['--server', `http://127.0.0.1:${proxy.address().port}`, 'update-check',
        '--download', file], { stateFile: proxied });
      assert.equal(r.code, EXIT.badUpdate, show(r));
      assert.match(r.stderr, NOT_INSTALLED);
      assert.match(r.stderr, why);
      await assert.rejects(stat(file), { code: 'ENOENT' }, 'nothing is kept for a bad answer');
      await assert.rejects(stat(`${file}.part`), { code: 'ENOENT' });
    }
  } finally {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  }
});

test('the stored file tampered with on the server (same size): exit 7 and no file left', async () => {
  const stored = await storedFile();
  const handle = await open(stored, 'r+');
  try {
    const at = Math.floor(published.size / 2);
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, at);
    await handle.write(Buffer.from([buffer[0] ^ 0xff]), 0, 1, at);
  } finally {
    await handle.close();
  }
  assert.equal((await stat(stored)).size, published.size);

  const file = path.join(dir, 'tampered.tar.gz');
  const r = await agent(['update-check', '--download', file]);
  assert.equal(r.code, EXIT.badUpdate, show(r));
  assert.match(r.stderr, NOT_INSTALLED);
  assert.match(r.stderr, new RegExp(`received ${published.size} bytes, sha256 [0-9a-f]{64}; signed: ${published.size} bytes, sha256 ${published.sha256}`));
  await assert.rejects(stat(file), { code: 'ENOENT' });
  await assert.rejects(stat(`${file}.part`), { code: 'ENOENT' });
  // The earlier good download stays as it was.
  assert.equal(sha256(await readFile(path.join(dir, 'downloaded.tar.gz'))), published.sha256);

  const json = JSON.parse((await agent(['--json', 'update-check', '--download', file])).stdout);
  assert.equal(json.exit_code, EXIT.badUpdate);
  assert.equal(json.error.release_problem, 'file_differs');
  assert.notEqual(json.error.received.sha256, published.sha256);
});

test('an expired license: exit 3, as for the other commands', async () => {
  // Renewal off, so moving the clock past the grace period expires the license.
  const visitor = new Visitor(server.url);
  assert.equal((await visitor.signIn(DEMO, DEMO_PASSWORD)).status, 303);
  await visitor.cancelRenewal();
  const status = JSON.parse((await agent(['--json', 'status'])).stdout);
  const graceEndsAt = status.license.grace_ends_at;
  await server.clock('set', rfc3339(new Date(Date.parse(graceEndsAt) - 5 * 60_000)));
  // A fresh session at the new time (the old one went silent for months).
  const again = await login();
  assert.equal(again.code, EXIT.ok, show(again));
  assert.equal((await agent(['update-check'])).code, EXIT.ok, 'still usable in grace');

  await server.clock('advance', '6m');
  const r = await agent(['update-check']);
  assert.equal(r.code, EXIT.licenseRefused, show(r));
  assert.match(r.stderr, /^tenure-agent: license expired on \S+ \(grace ended \S+\); renew at /);
});
