// GET /metrics (issue 13): 404 without a configured token, 401 without the right one, and with
// it Prometheus' text format that `promtool check metrics` accepts, holding what operators
// watch. Then a real Prometheus (Debian's package) scrapes the server with the token and its
// query API answers with the server's own series.
//
// Run: node --test tests/api/metrics.test.mjs
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { freePort, startServer } from '../e2e/server.mjs';
import { machine, signedIn } from './helpers.mjs';

const TOKEN = 'metrics-token-for-the-test-0123';
let server;
before(async () => {
  server = await startServer({ env: { TENURE_METRICS_TOKEN: TOKEN } });
});
after(async () => {
  if (!server) return;
  const exit = await server.stop();
  assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
});

function scrape(token = TOKEN) {
  return fetch(`${server.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

test('without a configured token /metrics does not exist', async () => {
  const plain = await startServer();
  try {
    const res = await fetch(`${plain.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 404);
  } finally {
    await plain.stop();
  }
});

test('a wrong or missing token is 401', async () => {
  assert.equal((await scrape('')).status, 401);
  const wrong = await scrape('metrics-token-for-the-test-0124');
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('www-authenticate'), 'Bearer');
});

test('the exposition passes promtool and counts what happened', async () => {
  // Something to count: a page, a refused sign-in, the program's sign-in and a heartbeat.
  await fetch(`${server.url}/sign-in`);
  const { token } = await signedIn(server, machine('metrics'));
  const beat = await fetch(`${server.url}/api/v1/heartbeat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(beat.status, 200);
  const bad = await fetch(`${server.url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'demo@example.com', password: 'not the password', machine: machine('x') }),
  });
  assert.equal(bad.status, 401);

  const res = await scrape();
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'promtool has nothing to say');

  const value = (series) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  assert.ok(value('tenure_http_requests_total{route="/sign-in",method="GET",status="200"}') >= 1);
  assert.ok(value('tenure_http_request_duration_seconds_count{route="/sign-in"}') >= 1);
  assert.equal(value('tenure_sign_in_failures_total{reason="wrong_password"}'), 1);
  assert.equal(value('tenure_program_heartbeats_total'), 1);
  assert.ok(value('tenure_program_sessions') >= 1);
  assert.ok(value('tenure_db_query_duration_seconds_count{query="sessions.insert"}') >= 1,
            'query time by named query');
  for (const family of ['tenure_http_requests_in_flight', 'tenure_http_connections',
    'tenure_hash_queue_depth', 'tenure_hash_queue_wait_seconds', 'tenure_db_begin_wait_seconds',
    'tenure_renewal_licenses_total', 'tenure_renewal_pass_duration_seconds', 'tenure_renewals_due',
    'tenure_outbox_messages', 'tenure_outbox_oldest_pending_age_seconds',
    'tenure_stripe_event_lag_seconds', 'tenure_http_refusals_total']) {
    assert.match(text, new RegExp(`^# TYPE ${family} `, 'm'), `${family} is exposed`);
  }
  assert.equal(value('tenure_outbox_messages{state="dead"}'), 0);
  // The route label is the URL map's pattern, never a raw path.
  assert.doesNotMatch(text, /route="\/support\/tickets\/\d/);
});

test('a real Prometheus scrapes it with the token', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tenure-prometheus-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort();
  await writeFile(path.join(dir, 'token'), TOKEN);
  await writeFile(path.join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    'scrape_configs:',
    '  - job_name: tenure',
    '    authorization:',
    `      credentials_file: ${path.join(dir, 'token')}`,
    '    static_configs:',
    `      - targets: ['127.0.0.1:${server.port}']`,
    '',
  ].join('\n'));
  const prometheus = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  prometheus.stderr.on('data', (c) => { log += c; });
  const exited = new Promise((resolve) => prometheus.once('close', resolve));
  t.after(async () => {
    prometheus.kill('SIGTERM');
    await exited;
  });

  const query = async (q) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = await res.json();
    return body.data?.result ?? [];
  };
  // A rate needs two scrapes: wait for them (1 s apart), then for all three answers.
  let up = [];
  let requests = [];
  let p99 = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      up = await query('up{job="tenure"}');
      requests = await query('tenure_http_requests_total{route="/metrics",status="200"}');
      p99 = await query('histogram_quantile(0.99, sum by (le) ' +
                        '(rate(tenure_http_request_duration_seconds_bucket[1m])))');
      if (up[0]?.value[1] === '1' && requests.length > 0 && p99.length > 0) break;
    } catch {
      // Prometheus is still starting.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(up[0]?.value[1], '1', `Prometheus scraped the server\n${log.slice(-2000)}`);
  assert.ok(Number(requests[0]?.value[1]) >= 1, 'its own scrapes are counted');
  assert.equal(p99.length, 1, 'latency histograms are usable by PromQL');
  assert.ok(Number(p99[0].value[1]) > 0);
});
