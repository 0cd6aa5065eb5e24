// Starts a real Tenure server for browser tests: its own temp dir and SQLite database,
// demo accounts seeded with `tenure demo`, `tenure serve` on a free loopback port.
// Only documented TENURE_* variables are passed (unknown ones are config errors), and any
// TENURE_* already in the caller's environment is dropped so a developer's shell can't leak in.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BINARY = process.env.TENURE_BINARY || path.join(REPO, 'build', 'tenure');
export const DEMO_PASSWORD = 'demo-password-e2e';
export const DEMO_USERS = Object.freeze({
  customer: 'demo@example.com',
  staff: 'staff@example.com',
  admin: 'admin@example.com',
});

const STARTUP_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;
const LOG_LIMIT = 64 * 1024;

/** A free TCP port on 127.0.0.1 (the kernel picks it; we release it straight away). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function baseEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TENURE_')) env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * Starts the server. Options:
 *   customers: extra demo customers (`tenure demo --customers N`), default 0
 *   env:       more TENURE_* settings (documented ones only)
 *   testClock: run `demo` and `serve` on the shared test clock (issue 8; a file in the
 *              server's directory, starting at the real time), moved with server.clock()
 * Returns { url, port, dir, database, logs(), stop(), clock(), tenure() }.
 */
export async function startServer({ customers = 0, env: extraEnv = {}, testClock = false } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tenure-e2e-'));
  const database = `sqlite://${path.join(dir, 'tenure.db')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = baseEnv({
    TENURE_DATABASE: database,
    TENURE_LISTEN: `127.0.0.1:${port}`,
    TENURE_PUBLIC_URL: url,
    ...(testClock ? { TENURE_TEST_CLOCK_FILE: path.join(dir, 'test-clock') } : {}),
    ...extraEnv,
  });

  try {
    const args = ['demo'];
    if (customers > 0) args.push('--customers', String(customers));
    await run(BINARY, args, { env: { ...env, TENURE_DEMO_PASSWORD: DEMO_PASSWORD }, cwd: dir });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`tenure demo failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }

  const child = spawn(BINARY, ['serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (chunk) => {
    log += chunk.toString();
    if (log.length > LOG_LIMIT) log = log.slice(-LOG_LIMIT);
  };
  // Always drain both pipes: a full pipe would block the server's access log.
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  // 'close', not 'exit': it fires after the pipes are drained, so logs() holds the last lines.
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));

  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`tenure serve did not say "listening" within ${STARTUP_TIMEOUT_MS} ms`)),
        STARTUP_TIMEOUT_MS);
      const onData = () => {
        if (/tenure: listening on /.test(log)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`tenure serve exited early (code ${code}, signal ${signal})`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${err.message}\n--- server output ---\n${log}`);
  }

  let stopping = null;
  async function stop() {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timeout = new Promise((resolve) => setTimeout(() => resolve(null), STOP_TIMEOUT_MS).unref());
      let result = await Promise.race([exited, timeout]);
      if (result === null) {
        child.kill('SIGKILL');
        await exited;
        await rm(dir, { recursive: true, force: true });
        throw new Error(`tenure serve ignored SIGTERM for ${STOP_TIMEOUT_MS} ms\n${log}`);
      }
      await rm(dir, { recursive: true, force: true });
      return result;
    })();
    return stopping;
  }

  /**
   * Runs `tenure clock ARGS...` with this server's settings and resolves to the clock's time
   * (RFC 3339): clock('show'), clock('advance', '25h'), clock('set', '2026-12-01T00:00:00Z').
   * The server sees the new time at once. Needs startServer({ testClock: true }).
   */
  async function clock(...args) {
    return tenure('clock', ...args);
  }

  /** Runs `tenure ARGS...` with this server's settings; resolves to its trimmed stdout. */
  async function tenure(...args) {
    const { stdout } = await run(BINARY, args, { env, cwd: dir });
    return stdout.trim();
  }

  return { url, port, dir, database, logs: () => log, stop, clock, tenure };
}
