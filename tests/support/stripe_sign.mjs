// Stripe-Signature headers made by the official SDK (stripe, pinned in package.json), for the
// webhook tests: our verifier is checked against Stripe's own signer, not against itself.
//
//   node tests/support/stripe_sign.mjs --payload-file FILE --timestamp T --secret S [--secret S2]...
//        [--scheme v1|v0]
//
// Prints one header line. With several secrets the header carries one v1 per secret, in
// order, as Stripe sends during a secret rotation. --scheme v0 signs under that scheme instead
// of v1 (which a verifier must ignore).
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';

let payloadFile = null;
let timestamp = Math.floor(Date.now() / 1000);
const secrets = [];
let scheme = 'v1';
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  const value = () => {
    if (i + 1 >= process.argv.length) throw new Error(`${arg} needs a value`);
    return process.argv[++i];
  };
  if (arg === '--payload-file') payloadFile = value();
  else if (arg === '--timestamp') timestamp = Number(value());
  else if (arg === '--secret') secrets.push(value());
  else if (arg === '--scheme') scheme = value();
  else throw new Error(`unknown argument ${arg}`);
}
if (!payloadFile || secrets.length === 0) throw new Error('--payload-file and --secret are required');

const payload = readFileSync(payloadFile, 'utf8');
const parts = [`t=${timestamp}`];
for (const secret of secrets) {
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp, scheme });
  // "t=<timestamp>,<scheme>=<hex>": keep the signature.
  const match = /^t=(\d+),(v\d)=([0-9a-f]{64})$/.exec(header);
  if (!match || Number(match[1]) !== timestamp || match[2] !== scheme) {
    throw new Error(`unexpected header ${header}`);
  }
  parts.push(`${scheme}=${match[3]}`);
}
process.stdout.write(`${parts.join(',')}\n`);
