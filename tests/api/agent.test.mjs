// tenure-agent driven end to end against a real server (issue 9): login, status with the
// lease verified, heartbeat (once and --loop until a signal), report-checkout (flags and
// --file), logout, the exit codes of refusals, and, with the server stopped, the cached lease:
// "offline, licensed until <exp>" while it verifies, exit 6 when it was tampered with.
// The tests run in order on one server and one state file, as a program would.
//
// Run: node --test tests/api/agent.test.mjs (build first: scripts/build)
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { REPO, startServer } from '../e2e/server.mjs';
import { Visitor } from './dashboard.mjs';
import { DEMO, DEMO_PASSWORD, leaseClaims, machine } from './helpers.mjs';

const AGENT = process.env.TENURE_AGENT_BINARY || path.join(REPO, 'build', 'tenure-agent');
const EXIT = { ok: 0, error: 1, usage: 2, licenseRefused: 3, notSignedIn: 4, unreachable: 5, badLease: 6 };

let server;
let dir;
let state;
const m = machine('agent', { name: 'Agent box', os: 'Debian 12', app_version: '1.0.0' });

before(async () => {
  server = await startServer();
  dir = await mkdtemp(path.join(tmpdir(), 'tenure-agent-'));
  state = path.join(dir, 'state', 'agent.json');
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

/** Runs tenure-agent; resolves to { code, stdout, stderr } whatever the exit code. */
function agent(args, { password, input, stateFile = state } = {}) {
  const env = { ...process.env };
  delete env.TENURE_AGENT_PASSWORD;
  if (password !== undefined) env.TENURE_AGENT_PASSWORD = password;
  return new Promise((resolve) => {
    const child = execFile(AGENT, ['--state', stateFile, ...args], { env, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err ? err.code ?? -1 : 0, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
  });
}

const loginArgs = (mm = m) => ['login', '--email', DEMO, '--fingerprint', mm.fingerprint, '--name', mm.name,
  '--os', mm.os, '--app-version', mm.app_version];

const show = (r) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

test('login signs in, verifies the lease and keeps the state in a 0600 file', async () => {
  const r = await agent(['--server', server.url, ...loginArgs()], { password: DEMO_PASSWORD });
  assert.equal(r.code, EXIT.ok, show(r));
  assert.match(r.stdout, new RegExp(`^signed in as ${DEMO}: licensed \\(active\\) until \\S+Z, lease valid until \\S+Z\\n$`));
  assert.equal((await stat(state)).mode & 0o777, 0o600, 'only its owner reads the token');
  assert.equal((await stat(path.dirname(state))).mode & 0o777, 0o700);
  const saved = JSON.parse(await readFile(state, 'utf8'));
  assert.equal(saved.server, server.url);
  assert.equal(saved.fingerprint, m.fingerprint);
  assert.ok(saved.token.length > 0);
  assert.equal(leaseClaims(saved.lease).fingerprint, m.fingerprint);
  assert.ok(saved.jwks.keys.length > 0, 'the keys are cached for offline checks');
  assert.ok(!JSON.stringify(saved).includes(DEMO_PASSWORD), 'the password is never kept');
});

test('status checks the license online and verifies its lease (line and --json)', async () => {
  const line = await agent(['status']);
  assert.equal(line.code, EXIT.ok, show(line));
  assert.match(line.stdout, /^licensed \(active\) until \S+Z, lease valid until \S+Z\n$/);

  const json = await agent(['--json', 'status']);
  assert.equal(json.code, EXIT.ok, show(json));
  const out = JSON.parse(json.stdout);
  assert.equal(out.exit_code, 0);
  assert.equal(out.online, true);
  assert.equal(out.lease.verified, true);
  assert.equal(out.license.instances, 3);
});

test('heartbeat beats once, and with --loop until SIGTERM or SIGINT', async () => {
  const once = await agent(['heartbeat']);
  assert.equal(once.code, EXIT.ok, show(once));
  assert.match(once.stdout, /^heartbeat ok: licensed \(active\)/);

  for (const signal of ['SIGTERM', 'SIGINT']) {
    const child = spawn(AGENT, ['--state', state, 'heartbeat', '--loop'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    const closed = new Promise((resolve) => child.once('close', (code, sig) => resolve({ code, sig })));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no beat within 15 s: ${out} ${err}`)), 15_000);
      child.stdout.on('data', (c) => {
        out += c;
        if (out.includes('heartbeat ok')) { clearTimeout(timer); resolve(); }
      });
    });
    child.kill(signal);
    const { code, sig } = await closed;
    assert.deepEqual({ code, sig }, { code: 0, sig: null }, `${signal}: ${out} ${err}`);
    assert.match(out, /heartbeat stopped\n$/);
  }
});

test('report-checkout reports one from its flags and a batch from a file; a re-send is duplicate', async () => {
  const flags = ['report-checkout', '--id', `agent-${process.pid}-1`, '--store', 'Corner Shop', '--product', 'Blue mug',
    '--price-cents', '1299', '--currency', 'USD', '--quantity', '2'];
  const one = await agent(flags);
  assert.equal(one.code, EXIT.ok, show(one));
  assert.equal(one.stdout, '1 accepted, 0 duplicates\n');
  const again = await agent(flags);
  assert.equal(again.stdout, '0 accepted, 1 duplicate\n', show(again));

  const at = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const items = [1, 2, 3].map((i) => ({ id: `agent-${process.pid}-file-${i}`, store: 'Online', product: `Item ${i}`,
    price_cents: 100 * i, currency: 'EUR', quantity: 1, at }));
  const file = path.join(dir, 'batch.json');
  await writeFile(file, JSON.stringify(items));
  const batch = await agent(['--json', 'report-checkout', '--file', file]);
  assert.equal(batch.code, EXIT.ok, show(batch));
  assert.deepEqual(JSON.parse(batch.stdout).accepted, 3);
  await writeFile(file, JSON.stringify({ checkouts: items }));
  assert.equal((await agent(['report-checkout', '--file', file])).stdout, '0 accepted, 3 duplicates\n');

  const bad = await agent([...flags.slice(0, -6), '--price-cents', '1299', '--currency', 'usd']);
  assert.equal(bad.code, EXIT.error, show(bad));
  assert.match(bad.stderr, /checkout 0: currency/);
  assert.equal((await agent([...flags.slice(0, -6), '--price-cents', '12.99', '--currency', 'USD'])).code, EXIT.usage);
});

test('refusals have their exit codes: wrong password 4, no free slot 3, a password in argv 2', async () => {
  const other = path.join(dir, 'other.json');
  const wrong = await agent(['--server', server.url, ...loginArgs(machine('wrong'))], { password: 'wrong', stateFile: other });
  assert.equal(wrong.code, EXIT.notSignedIn, show(wrong));
  assert.match(wrong.stderr, /wrong email or password/);

  // Two seeded machines and ours hold the 3 slots.
  const full = await agent(['--server', server.url, ...loginArgs(machine('full'))], { password: DEMO_PASSWORD, stateFile: other });
  assert.equal(full.code, EXIT.licenseRefused, show(full));
  assert.match(full.stderr, /no free instance: all 3 are in use by .*Agent box/);

  const argv = await agent(['--server', server.url, ...loginArgs(), '--password', DEMO_PASSWORD]);
  assert.equal(argv.code, EXIT.usage, show(argv));
  assert.equal((await agent(['--server', server.url, ...loginArgs()])).code, EXIT.usage, 'no password at all');

  // The same machine signs in again from standard input: it takes over its own slot.
  const stdin = await agent(loginArgs(), { input: `${DEMO_PASSWORD}\n` , password: undefined });
  assert.equal(stdin.code, EXIT.usage, 'without --password-stdin standard input is not read');
  const piped = await agent([...loginArgs(), '--password-stdin'], { input: `${DEMO_PASSWORD}\n` });
  assert.equal(piped.code, EXIT.ok, show(piped));
});

test('logout frees the slot; afterwards status says not signed in', async () => {
  await copyFile(state, path.join(dir, 'before-logout.json'));
  const out = await agent(['logout']);
  assert.equal(out.code, EXIT.ok, show(out));
  assert.match(out.stdout, /^signed out/);
  assert.equal(JSON.parse(await readFile(state, 'utf8')).token, '');
  const status = await agent(['status']);
  assert.equal(status.code, EXIT.notSignedIn, show(status));
  // The old token is refused by the server too: its copy hears the session ended.
  const stale = path.join(dir, 'stale.json');
  await copyFile(path.join(dir, 'before-logout.json'), stale);
  const revoked = await agent(['status'], { stateFile: stale });
  assert.equal(revoked.code, EXIT.notSignedIn, show(revoked));
  assert.match(revoked.stderr, /session ended \(signed_out\)/);
});

test('with the server stopped, the cached lease decides: offline until exp; tampered -> exit 6', async () => {
  // A fresh session whose state is kept before the server goes away.
  const offline = path.join(dir, 'offline.json');
  const login = await agent(['--server', server.url, ...loginArgs()], { password: DEMO_PASSWORD, stateFile: offline });
  assert.equal(login.code, EXIT.ok, show(login));
  const saved = JSON.parse(await readFile(offline, 'utf8'));
  const exp = new Date(leaseClaims(saved.lease).exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

  const exit = await server.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
  server = null;

  const status = await agent(['status'], { stateFile: offline });
  assert.equal(status.code, EXIT.ok, show(status));
  assert.equal(status.stdout, `offline, licensed until ${exp}\n`);
  const json = JSON.parse((await agent(['--json', 'status'], { stateFile: offline })).stdout);
  assert.equal(json.online, false);
  assert.equal(json.lease.exp, exp);

  // The lease's claims changed, its signature kept: not licensed, not "offline ok".
  const [header, , signature] = saved.lease.split('.');
  for (const change of [{ exp: leaseClaims(saved.lease).exp + 30 * 86400 }, { fingerprint: 'another-machine' }]) {
    const forged = Buffer.from(JSON.stringify({ ...leaseClaims(saved.lease), ...change })).toString('base64url');
    const tampered = path.join(dir, 'tampered.json');
    await writeFile(tampered, JSON.stringify({ ...saved, lease: `${header}.${forged}.${signature}` }), { mode: 0o600 });
    const r = await agent(['status'], { stateFile: tampered });
    assert.equal(r.code, EXIT.badLease, `${JSON.stringify(change)}: ${show(r)}`);
    assert.match(r.stderr, /not licensed/);
  }

  // No lease cached and no server: unreachable.
  const bare = path.join(dir, 'bare.json');
  await writeFile(bare, JSON.stringify({ ...saved, lease: '' }), { mode: 0o600 });
  assert.equal((await agent(['status'], { stateFile: bare })).code, EXIT.unreachable);
  assert.equal((await agent(['heartbeat'], { stateFile: bare })).code, EXIT.unreachable);
});

test('login with two-factor on: exit 4 asking for --otp, then --otp signs in (issue 10)', async () => {
  const own = await startServer();
  try {
    const person = new Visitor(own.url);
    assert.equal((await person.signIn(DEMO, DEMO_PASSWORD)).status, 303);
    const app = await person.turnOnTwoFactor();
    const stateFile = path.join(dir, 'two-factor.json');
    const without = await agent(['--server', own.url, ...loginArgs()], { password: DEMO_PASSWORD, stateFile });
    assert.equal(without.code, EXIT.notSignedIn, show(without));
    assert.match(without.stderr, /two-factor authentication is on: add --otp/);
    // The next step's code: the one that turned it on is used up.
    const code = app.generate({ timestamp: Date.now() + 30_000 });
    const withCode = await agent(['--server', own.url, ...loginArgs(), '--otp', code], { password: DEMO_PASSWORD, stateFile });
    assert.equal(withCode.code, EXIT.ok, show(withCode));
    assert.match(withCode.stdout, new RegExp(`^signed in as ${DEMO}: licensed`));
  } finally {
    const exit = await own.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, own.logs());
  }
});
