// A scripted HTTP peer for the Stripe client's retry tests: answers requests in the order of
// --script, then repeats the last entry, and appends one JSON line per request to --out
// (method, path, headers we check, body).
//
//   node tests/support/stripe_flaky.mjs --port 0 --out FILE --script 500,200
//
// Entries: a status (200 answers a customer object, others a Stripe error body of the matching
// type); STATUS:no-retry adds "Stripe-Should-Retry: false"; STATUS:retry-after=N adds
// "Retry-After: N"; "drop" closes the connection without an answer.
// The first stdout line is "PORT <n>".
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';

const options = { port: 0, out: null, script: ['200'] };
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  const value = () => {
    if (i + 1 >= process.argv.length) throw new Error(`${arg} needs a value`);
    return process.argv[++i];
  };
  if (arg === '--port') options.port = Number(value());
  else if (arg === '--out') options.out = value();
  else if (arg === '--script') options.script = value().split(',');
  else throw new Error(`unknown argument ${arg}`);
}
if (!options.out) throw new Error('--out FILE is required');

const errorTypes = {
  400: ['invalid_request_error', 'parameter_missing', 'Missing required param: email.'],
  401: ['invalid_request_error', undefined, 'Invalid API Key provided.'],
  402: ['card_error', 'card_declined', 'Your card was declined.'],
  404: ['invalid_request_error', 'resource_missing', 'No such customer.'],
  409: ['idempotency_error', 'idempotency_key_in_use', 'There is currently another in-progress request using this Idempotency Key.'],
  429: ['invalid_request_error', 'rate_limit', 'Too many requests hit the API too quickly.'],
};

let served = 0;
const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    const entry = options.script[Math.min(served, options.script.length - 1)];
    served += 1;
    appendFileSync(options.out, `${JSON.stringify({
      method: req.method,
      path: req.url,
      authorization: req.headers.authorization || '',
      idempotency_key: req.headers['idempotency-key'] || '',
      stripe_version: req.headers['stripe-version'] || '',
      content_type: req.headers['content-type'] || '',
      body,
    })}\n`);
    if (entry === 'drop') {
      req.socket.destroy();
      return;
    }
    const [statusText, ...flags] = entry.split(':');
    const status = Number(statusText);
    const headers = { 'Content-Type': 'application/json', 'Request-Id': `req_flaky_${served}` };
    for (const flag of flags) {
      if (flag === 'no-retry') headers['Stripe-Should-Retry'] = 'false';
      else if (flag.startsWith('retry-after=')) headers['Retry-After'] = flag.slice(12);
      else throw new Error(`unknown flag ${flag}`);
    }
    let payload;
    if (status >= 200 && status < 300) {
      payload = { id: 'cus_flaky', object: 'customer', metadata: {} };
    } else {
      const [type, code, message] = errorTypes[status] || ['api_error', undefined, 'An unknown error occurred.'];
      payload = { error: { type, code, message } };
    }
    res.writeHead(status, headers);
    res.end(JSON.stringify(payload));
  });
});
server.listen(options.port, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
