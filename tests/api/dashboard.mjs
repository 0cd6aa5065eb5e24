// What the API tests do on the dashboard side, over plain HTTP forms (no browser): sign in
// (to share the failed sign-in counters with the API), sign up (a fresh account has no
// license), cancel renewal (so moving the test clock past the end expires the license
// instead of renewing it). These are HTML pages, not API responses, so they do not go
// through contract.mjs's api().
import assert from 'node:assert/strict';

import * as OTPAuth from 'otpauth';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A cookie jar of one browser-less visitor. */
export class Visitor {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookies = new Map();
  }

  async request(method, path, form) {
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** The CSRF token of the form on `path` (a signed-in session's, or the anonymous cookie's). */
  async csrfOf(path) {
    const page = await this.request('GET', path);
    const match = /name="csrf" value="([^"]+)"/.exec(page.text);
    assert.ok(match, `no CSRF token on ${path} (status ${page.status})`);
    return match[1];
  }

  /** POST /sign-in as the form does; resolves to the response (303 when it worked). */
  async signIn(email, password) {
    const csrf = await this.csrfOf('/sign-in');
    return this.request('POST', '/sign-in', { csrf, next: '', email, password });
  }

  async signUp(email, password) {
    const csrf = await this.csrfOf('/sign-up');
    const res = await this.request('POST', '/sign-up', { csrf, email, password, terms: 'yes' });
    assert.equal(res.status, 303, `sign-up failed: ${res.status}\n${res.text.slice(0, 500)}`);
    return res;
  }

  /**
   * Turns two-factor authentication on (signed in), as a person with an authenticator app
   * does; resolves to the app (an otpauth TOTP on the key the page shows).
   */
  async turnOnTwoFactor() {
    const page = await this.request('GET', '/settings/two-factor');
    const key = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(page.text);
    assert.ok(key, `no key on /settings/two-factor (status ${page.status})`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)[1];
    const app = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key[1].replace(/\s+/g, '')) });
    const res = await this.request('POST', '/settings/two-factor/enable', { csrf, code: app.generate() });
    assert.equal(res.status, 200, `turning two-factor on failed: ${res.status}\n${res.text.slice(0, 500)}`);
    return app;
  }

  /** Turns renewal off through the cancel journey (signed in). */
  async cancelRenewal() {
    const csrf = await this.csrfOf('/cancel/reason');
    const res = await this.request('POST', '/cancel/confirm', { csrf, reason: 'too_expensive', comment: '' });
    assert.equal(res.status, 303, `cancel failed: ${res.status}\n${res.text.slice(0, 500)}`);
    assert.match(res.headers.get('location'), /done=canceled/);
  }
}

/**
 * Suspends a customer's license in the server's SQLite database: what the Stripe worker
 * writes when a dispute opens (tests/http/lift_suspension_http_test.cpp does the same). No
 * command or page suspends a license: a dispute arrives only from Stripe.
 */
export async function suspendLicense(server, email) {
  const file = server.database.replace(/^sqlite:\/\//, '');
  const now = Math.floor(Date.parse(await server.clock('show')) / 1000);
  const sql = `UPDATE licenses SET suspended_at = ${now} ` +
    `WHERE user_id = (SELECT id FROM users WHERE email = '${email.replaceAll("'", "''")}');` +
    'SELECT changes();';
  const { stdout } = await run('sqlite3', ['-cmd', '.timeout 5000', file, sql]);
  assert.equal(stdout.trim(), '1', `no license of ${email} to suspend`);
}
