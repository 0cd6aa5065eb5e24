// The help center over HTTP (issue 5): pages, Markdown, llms.txt, ask in Markdown and JSON, the
// 404 page with suggestions, a docs folder changed while the server runs, and screenshots of
// /help/ and a page (/tmp/help-*.png; E2E_SCREENSHOT_DIR overrides the folder).
//
// Run: node --test tests/e2e/help.test.mjs
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { AxeBuilder } from '@axe-core/playwright';

import { launchBrowser } from './browser.mjs';
import { REPO, startServer } from './server.mjs';

const DOCS = path.join(REPO, 'docs');
const SHOTS = process.env.E2E_SCREENSHOT_DIR || '/tmp';
const TIMEOUT_MS = 15_000;

let server;
let browser;

before(async () => {
  server = await startServer({ env: { TENURE_DOCS_DIR: DOCS } });
  browser = await launchBrowser();
});

after(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.stop();
  }
});

async function get(url, headers = {}) {
  const res = await fetch(url, { headers, redirect: 'manual' });
  return { res, body: await res.text() };
}

function ask(base, question, headers = {}) {
  return get(`${base}/help/index.md?ask=${encodeURIComponent(question)}`, headers);
}

describe('help center over HTTP', () => {
  test('/help/ is an HTML page in the dashboard, public, with the security headers', async () => {
    const { res, body } = await get(`${server.url}/help/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(body, /<h1 id="help-center">Help center/);
    assert.match(body, /<a href="\/help\/billing\/cancelling">Cancelling your subscription<\/a>/);
    assert.match(body, /<form class="help-search" method="get" action="\/help\/"/);
    const redirect = await get(`${server.url}/help`);
    assert.equal(redirect.res.status, 301);
    assert.equal(redirect.res.headers.get('location'), '/help/');
  });

  test('a page has navigation, previous/next and its Markdown at .md', async () => {
    const { res, body } = await get(`${server.url}/help/billing/cancelling`);
    assert.equal(res.status, 200);
    assert.match(body, /aria-current="page">Cancelling your subscription/);
    assert.match(body, /rel="prev"/);
    assert.match(body, /rel="next"/);
    assert.match(body, /<h2 id="how-to-cancel">How to cancel <a class="anchor" href="#how-to-cancel"/);

    const md = await get(`${server.url}/help/billing/cancelling.md`);
    assert.equal(md.res.status, 200);
    assert.equal(md.res.headers.get('content-type'), 'text/markdown; charset=utf-8');
    assert.ok(md.body.startsWith('# Cancelling your subscription\n'), md.body.slice(0, 80));
    assert.match(md.body, /\*\*Continue to Cancel\*\*/);
  });

  test('/llms.txt lists every page by section; /llms-full.txt holds them', async () => {
    const { res, body } = await get(`${server.url}/llms.txt`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; charset=utf-8/);
    assert.ok(body.startsWith('# Help center\n\n> '), body.slice(0, 80));
    assert.match(body, /\n## Billing\n/);
    assert.ok(body.includes(`- [Cancelling your subscription](${server.url}/help/billing/cancelling.md): `), body);
    // The sellers' and operators' pages are a section of their own, after the customers'.
    const operators = body.indexOf('\n## For sellers and operators\n');
    assert.ok(operators > body.indexOf('\n## Billing\n'), body);
    assert.ok(body.indexOf(`(${server.url}/help/operators/backups.md)`) > operators, body);
    assert.ok(body.includes('of every page with `&in=operators`'), body);
    const full = await get(`${server.url}/llms-full.txt`);
    assert.equal(full.res.status, 200);
    assert.ok(full.body.includes('# Refunds and the terms\n'));
    assert.ok(!full.body.includes('Continued in part'), 'fewer than 100 pages: one part');
    assert.equal((await get(`${server.url}/llms-full.txt/1`)).res.status, 404);
  });

  test('ask answers in Markdown by default, quoting the docs, with sources', async () => {
    const { res, body } = await ask(server.url, 'can I get my money back?');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/markdown; charset=utf-8');
    assert.ok(body.startsWith('# can I get my money back?\n\nAll payments are final.'), body);
    assert.ok(body.includes(`\n# Sources:\n\n- [Refunds and the terms](${server.url}/help/billing/refunds-and-terms.md)\n`), body);
    // Any page's .md address answers from the whole folder.
    const other = await get(`${server.url}/help/operators/backups.md?ask=${encodeURIComponent('how do I cancel')}`);
    assert.ok(other.body.includes(`- [Cancelling your subscription](${server.url}/help/billing/cancelling.md)`), other.body);
    // A customer's question keeps to the customers' pages; `in=operators` asks every page.
    const backup = encodeURIComponent('How do I back up the SQLite database?');
    const customers = await get(`${server.url}/help/index.md?ask=${backup}`);
    assert.ok(!customers.body.includes('/help/operators/'), customers.body);
    const sellers = await get(`${server.url}/help/index.md?ask=${backup}&in=operators`);
    assert.ok(sellers.body.includes(`\n# Sources:\n\n- [Backups](${server.url}/help/operators/backups.md)`), sellers.body);
  });

  test('ask answers in JSON when asked to', async () => {
    const { res, body } = await ask(server.url, 'How long is the grace period?', { Accept: 'application/json' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const j = JSON.parse(body);
    assert.equal(j.question, 'How long is the grace period?');
    assert.equal(typeof j.answer, 'string');
    assert.ok(Array.isArray(j.excerpts) && j.excerpts.length > 0);
    for (const e of j.excerpts) {
      assert.equal(typeof e.title, 'string');
      assert.equal(typeof e.text, 'string');
      assert.ok(e.url.endsWith('.md'), e.url);
    }
    assert.equal(j.sources[0].url, `${server.url}/help/billing/grace-and-expiry.md`);
    assert.equal(j.sources[0].title, 'Grace period and expiry');
  });

  test('empty, unanswerable and over-long questions', async () => {
    const empty = await ask(server.url, '');
    assert.equal(empty.res.status, 200);
    assert.ok(empty.body.startsWith('# How to ask\n'), empty.body);
    const none = await ask(server.url, 'How do I bake sourdough bread?');
    assert.equal(none.res.status, 200);
    assert.match(none.body, /don't answer this question/);
    const long = await ask(server.url, 'a'.repeat(501), { Accept: 'application/json' });
    assert.equal(long.res.status, 422);
    assert.match(JSON.parse(long.body).error, /500 characters/);
    const ok = await ask(server.url, `${'refund '.repeat(71)}now`); // 500 characters exactly
    assert.equal(ok.res.status, 200);
  });

  test('missing pages: .md and HTML answer 404 with five suggestions', async () => {
    const md = await get(`${server.url}/help/billing/refund-policy.md`);
    assert.equal(md.res.status, 404);
    assert.ok(md.body.startsWith('# Not found\n'), md.body);
    assert.equal((md.body.match(/^- \[.*\]\(.*\.md\)$/gm) || []).length, 5, md.body);
    assert.ok(md.body.includes(`(${server.url}/help/billing/refunds-and-terms.md)`));

    const html = await get(`${server.url}/help/billing/refund-policy`);
    assert.equal(html.res.status, 404);
    assert.match(html.body, /Page not found/);
    // mustache writes '/' in attributes as &#x2F; (same URL to a browser).
    const list = html.body.match(/<ul class="help-suggestions">(.*?)<\/ul>/s)[1].replaceAll('&#x2F;', '/');
    assert.equal((list.match(/<li><a href="\/help\//g) || []).length, 5, list);
    assert.match(list, /<a href="\/help\/billing\/refunds-and-terms">Refunds and the terms<\/a>/);
  });

  test('in a browser without JavaScript: read, ask, and no serious accessibility issues', async () => {
    const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false });
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto('/help/');
      await page.screenshot({ path: path.join(SHOTS, 'help-index.png'), fullPage: true });
      await page.goto('/help/billing/instances');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Instances: more machines #');
      await page.screenshot({ path: path.join(SHOTS, 'help-page.png'), fullPage: true });
      await page.getByLabel('Ask the help center').fill('Can I get my money back?');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ask' }).click()]);
      assert.equal(new URL(page.url()).pathname, '/help/');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Can I get my money back?');
      assert.ok((await page.locator('.help-answer').textContent()).includes('All payments are final'));
      await page.screenshot({ path: path.join(SHOTS, 'help-answer.png'), fullPage: true });
      await page.setViewportSize({ width: 390, height: 800 });
      await page.goto('/help/billing/instances');
      await page.screenshot({ path: path.join(SHOTS, 'help-mobile.png'), fullPage: false });
    } finally {
      await context.close();
    }
  });

  test('no serious or critical accessibility issues (axe-core)', async () => {
    // axe runs as a script, so this context has JavaScript on.
    const context = await browser.newContext({ baseURL: server.url });
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    try {
      for (const url of ['/help/', '/help/billing/instances', '/help/?ask=refund', '/help/nope']) {
        await page.goto(url);
        const results = await new AxeBuilder({ page }).analyze();
        const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(bad.map((v) => `${v.id}: ${v.help}`), [], url);
      }
    } finally {
      await context.close();
    }
  });
});

describe('a docs folder that changes while the server runs', () => {
  let docs;
  let swapped;

  before(async () => {
    docs = await mkdtemp(path.join(tmpdir(), 'tenure-docs-'));
    await cp(DOCS, docs, { recursive: true });
    swapped = await startServer({ env: { TENURE_DOCS_DIR: docs } });
  });

  after(async () => {
    await swapped?.stop();
    if (docs) await rm(docs, { recursive: true, force: true });
  });

  test('a new page is served and answers questions after the rebuild', async () => {
    const question = 'Can I pay with a gift voucher?';
    const before = JSON.parse((await ask(swapped.url, question, { Accept: 'application/json' })).body);
    assert.equal(before.answer, null, 'the docs cannot answer it yet');

    await writeFile(path.join(docs, 'billing', 'gift-vouchers.md'),
      '# Gift vouchers\n\nYes: a gift voucher pays for one month of your license. Type its code at checkout.\n');
    const deadline = Date.now() + 20_000;
    let j;
    do {
      await new Promise((r) => setTimeout(r, 250));
      j = JSON.parse((await ask(swapped.url, question, { Accept: 'application/json' })).body);
    } while (j.answer === null && Date.now() < deadline);
    assert.equal(j.answer, 'Yes: a gift voucher pays for one month of your license. Type its code at checkout.');
    assert.equal(j.sources[0].url, `${swapped.url}/help/billing/gift-vouchers.md`);
    const page = await get(`${swapped.url}/help/billing/gift-vouchers`);
    assert.equal(page.res.status, 200);
    assert.match(page.body, /Gift vouchers/);
    // Every page of the folder, the new one included (counted, so adding a doc page elsewhere
    // does not break this test).
    const pages = (await readdir(docs, { recursive: true })).filter((f) => f.endsWith('.md')).length;
    assert.match(swapped.logs(), new RegExp(`help: ${pages} pages from .* indexed in`));
  });
});
