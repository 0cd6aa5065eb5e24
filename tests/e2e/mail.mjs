// A real SMTP server on loopback for the browser tests (tests/support/smtp_sink.mjs, run as its
// own process), and what a test needs to read what it received: RFC 5322 headers (unfolded,
// RFC 2047 encoded words decoded) and the quoted-printable text/plain body, decoded.
//
//   const sink = await startSmtpSink();
//   const server = await startServer({ env: sink.serverEnv() });
//   const mail = await sink.waitFor((m) => m.to.includes('demo@example.com'), 'the confirmation');
//   ...
//   await sink.stop();
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { REPO } from './server.mjs';

const SINK = path.join(REPO, 'tests', 'support', 'smtp_sink.mjs');
const STARTUP_TIMEOUT_MS = 10_000;
export const MAIL_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

/**
 * Decodes a quoted-printable body (RFC 2045 6.7): soft line breaks ("=" at the end of a line)
 * join lines, "=XX" is one byte, and the bytes are UTF-8. Line ends come back as "\n".
 */
export function decodeQuotedPrintable(text) {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8').replace(/\r\n/g, '\n');
}

/** RFC 2047 encoded words (=?charset?Q|B?...?=) in an unstructured header, decoded. */
export function decodeEncodedWords(value) {
  return value
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1')  // whitespace between words goes
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, charset, enc, data) => {
      const buf = enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : Buffer.from(decodeQuotedPrintable(data.replace(/_/g, ' ')), 'utf8');
      return buf.toString(/^utf-?8$/i.test(charset) ? 'utf8' : 'latin1');
    });
}

/** One sink record {from, to, raw} -> {from, to, headers, subject, text, raw}. */
export function parseMessage(record) {
  const raw = record.raw;
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers[name] = decodeEncodedWords(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let text;
  if (encoding === 'quoted-printable') text = decodeQuotedPrintable(body);
  else if (encoding === 'base64') text = Buffer.from(body, 'base64').toString('utf8').replace(/\r\n/g, '\n');
  else text = body.replace(/\r\n/g, '\n');
  return { from: record.from, to: record.to, headers, subject: headers.subject ?? '', text, raw };
}

/** Starts the sink; resolves once it prints the port it listens on. */
export async function startSmtpSink() {
  const dir = await mkdtemp(path.join(tmpdir(), 'tenure-smtp-'));
  const out = path.join(dir, 'messages.jsonl');
  const child = spawn(process.execPath, [SINK, '--port', '0', '--out', out],
                      { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => { log += chunk.toString(); });
  child.stderr.on('data', (chunk) => { log += chunk.toString(); });
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));

  let port;
  try {
    port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the SMTP sink printed no port')), STARTUP_TIMEOUT_MS);
      const onData = () => {
        const m = /^PORT (\d+)$/m.exec(log);
        if (m) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on('data', onData);
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`the SMTP sink exited early (code ${code}, signal ${signal})`));
      });
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited;
    await rm(dir, { recursive: true, force: true });
    throw new Error(`${err.message}\n${log}`);
  }

  /** Every message received so far, parsed, in arrival order. */
  async function messages() {
    let text;
    try {
      text = await readFile(out, 'utf8');
    } catch (err) {
      if (err.code === 'ENOENT') return [];
      throw err;
    }
    // A line is written whole before the 250 reply; only a last line without its "\n" can
    // be caught half-written, and it is read on the next poll.
    const lines = text.split('\n');
    lines.pop();
    return lines.filter((l) => l.length > 0).map((l) => parseMessage(JSON.parse(l)));
  }

  /**
   * Polls (with a deadline; never a fixed sleep) until a message matches. `what` names it
   * in the failure, which lists what did arrive.
   */
  async function waitFor(predicate, what, timeoutMs = MAIL_TIMEOUT_MS) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const all = await messages();
      const found = all.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        const seen = all.map((m) => `  to ${m.to.join(', ')}: ${m.subject}`).join('\n') || '  (none)';
        throw new Error(`no email ${what} within ${timeoutMs} ms; received:\n${seen}`);
      }
      await delay(POLL_MS);
    }
  }

  /** The TENURE_* settings that make `tenure serve` deliver its outbox here, quickly. */
  function serverEnv() {
    return {
      TENURE_SMTP_HOST: '127.0.0.1',
      TENURE_SMTP_PORT: String(port),
      TENURE_SMTP_TLS: 'none',
      TENURE_SMTP_FROM: 'Tenure <noreply@tenure.test>',
      TENURE_OUTBOX_INTERVAL_MS: '200',
    };
  }

  let stopping = null;
  function stop() {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const result = await exited;
      await rm(dir, { recursive: true, force: true });
      return result;
    })();
    return stopping;
  }

  return { port, messages, waitFor, serverEnv, stop, logs: () => log };
}
