// The browser tests' handle on the shared test clock (issue 8): a server started with
// { testClock: true } says so loudly, and server.clock() moves its time. No browser needed.
//
// Run: node --test tests/e2e/clock.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startServer } from './server.mjs';

test('server.clock() moves the time of a server started with the test clock', async () => {
  const server = await startServer({ testClock: true });
  try {
    assert.match(server.logs(), /WARNING: the test clock is on/);
    const start = await server.clock('show');
    assert.ok(Math.abs(Date.parse(start) - Date.now()) < 10 * 60_000, `starts at the real time: ${start}`);
    const later = await server.clock('advance', '25h');
    assert.equal(Date.parse(later) - Date.parse(start), 25 * 3600_000);
    assert.equal(await server.clock('set', '2030-01-01T00:00:00Z'), '2030-01-01T00:00:00Z');
    await assert.rejects(server.clock('advance', 'soon'), /positive duration/);
  } finally {
    const exit = await server.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, server.logs());
  }
});
