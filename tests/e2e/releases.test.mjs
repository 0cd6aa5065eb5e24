// Releases as people use them (issue 12): an admin publishes one from the staff page in a
// browser (a file per system), another is published with `tenure release add`, and customers
// on Windows, macOS and Linux each see the download for their own system first, the others
// listed, and get the very bytes that were published. The staff page and the Download tab
// pass axe-core.
//
// Run: node --test --test-concurrency=1 tests/e2e/
// E2E_SCREENSHOT_DIR=/tmp also saves e2e-staff-releases.png and e2e-download.png.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { launchBrowser } from './browser.mjs';
import {
  assertAccessible, clickAndWait, shoot, signIn, textOf, withStack,
} from './harness.mjs';
import { DEMO_USERS } from './server.mjs';

const AGENTS = Object.freeze({
  Windows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  macOS: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  Linux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
});
// Chromium sends its real platform as a client hint whatever the user agent says; each page
// says the one its user agent claims, as that browser on that system would.
const HINTS = Object.freeze({ Windows: '"Windows"', macOS: '"macOS"', Linux: '"Linux"' });

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

describe('Releases', () => {
  test('an admin publishes in the browser; each system gets its own file first', async () => {
    await withStack(browser, {}, async ({ server, newPage }) => {
      const files = {
        Windows: { name: 'Tenure Setup 1.4.0.exe', bytes: randomBytes(300_000) },
        macOS: { name: 'Tenure-1.4.0.dmg', bytes: randomBytes(200_000) },
        Linux: { name: 'tenure-1.4.0.tar.gz', bytes: randomBytes(100_000) },
      };
      const { page } = await newPage();
      await signIn(page, DEMO_USERS.admin, undefined, /\/staff$/);
      await clickAndWait(page, page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Releases' }), '**/staff/releases');
      const form = page.getByRole('region', { name: 'Publish a release' });
      await form.getByLabel('Version', { exact: true }).fill('1.4.0');
      await form.getByLabel('Channel', { exact: true }).selectOption('stable');
      await form.getByLabel('Release notes (Markdown)').fill('## Faster\n\n- Starts in half the time');
      for (const [os, file] of Object.entries(files)) {
        await form.getByLabel(`${os} file`, { exact: true }).setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.bytes });
      }
      await clickAndWait(page, form.getByRole('button', { name: 'Publish release' }), '**/staff/releases?published=1.4.0');
      assert.equal(await textOf(page.getByRole('status')), 'Version 1.4.0 is published.');
      const row = page.getByRole('row').filter({ hasText: '1.4.0' });
      assert.match(await textOf(row), /1\.4\.0 stable .* Windows: Tenure Setup 1\.4\.0\.exe, 0\.3 MB, 0 downloads macOS: Tenure-1\.4\.0\.dmg, 0\.2 MB, 0 downloads Linux: tenure-1\.4\.0\.tar\.gz, 0\.1 MB, 0 downloads Published/);
      await assertAccessible(page, 'staff releases');
      await shoot(page, 'staff-releases');

      for (const [os, agent] of Object.entries(AGENTS)) {
        const customer = await newPage({ userAgent: agent, extraHTTPHeaders: { 'Sec-CH-UA-Platform': HINTS[os] } });
        await signIn(customer.page, DEMO_USERS.customer);
        await clickAndWait(customer.page, customer.page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Download' }), '**/download');
        const release = customer.page.getByRole('region', { name: 'Version 1.4.0' });
        const first = release.getByRole('link', { name: `Download for ${os}` });
        assert.equal(await first.count(), 1, `${os}: its own system first`);
        const others = release.getByRole('list');
        for (const other of Object.keys(AGENTS).filter((o) => o !== os)) {
          assert.equal(await others.getByRole('link', { name: other, exact: true }).count(), 1, `${os}: ${other} listed below`);
        }
        assert.match(await textOf(release), new RegExp(`SHA-256 ${sha256(files[os].bytes)}`));
        assert.match(await textOf(release), /Starts in half the time/);
        const [download] = await Promise.all([customer.page.waitForEvent('download'), first.click()]);
        assert.equal(download.suggestedFilename(), files[os].name);
        const saved = await readFile(await download.path());
        assert.equal(sha256(saved), sha256(files[os].bytes), `${os}: the bytes published`);
        if (os === 'Windows') {
          await assertAccessible(customer.page, 'download tab');
          await shoot(customer.page, 'download');
        }
      }
      await page.reload();
      assert.match(await textOf(page.getByRole('row').filter({ hasText: '1.4.0' })), /Windows: .* 1 downloads macOS: .* 1 downloads Linux: .* 1 downloads/);
    });
  });

  test('a release published with tenure release add is on the Download tab', async () => {
    await withStack(browser, {}, async ({ server, newPage }) => {
      const bytes = randomBytes(50_000);
      await writeFile(path.join(server.dir, 'app.tar.gz'), bytes);
      await writeFile(path.join(server.dir, 'notes.md'), '- From the command line\n');
      const said = await server.tenure('release', 'add', '2.0.0-beta.1', '--channel', 'beta',
        '--notes', path.join(server.dir, 'notes.md'), '--os', 'linux', path.join(server.dir, 'app.tar.gz'));
      assert.match(said, /^published 2\.0\.0-beta\.1 \(beta\)/);
      const { page } = await newPage({ userAgent: AGENTS.Linux, extraHTTPHeaders: { 'Sec-CH-UA-Platform': HINTS.Linux } });
      await signIn(page, DEMO_USERS.customer);
      await page.goto('/download');
      const release = page.getByRole('region', { name: 'Version 2.0.0-beta.1 beta' });
      assert.match(await textOf(release), /From the command line/);
      assert.match(await textOf(release), new RegExp(`SHA-256 ${sha256(bytes)}`));
      assert.equal(await release.getByRole('link', { name: 'Download for Linux' }).count(), 1);
    });
  });
});
