// Stripe's API on loopback for the Stripe client, gateway and webhook tests (ENGINEERING.md
// habit 13): stripe-stateful-mock (pinned in package.json), which implements customers, the
// legacy Charges API with Stripe's test tokens and decline codes, disputes, API-key checks and
// idempotency (replay, and a 400 idempotency_error for a key reused with other parameters).
//
// stripe-stateful-mock 0.0.16 has no PaymentIntents, Checkout Sessions, SetupIntents or
// PaymentMethods. This script serves the mock's own Express pieces (auth, idempotency layer,
// routes) and adds those routes in front of them, thinly: a PaymentIntent confirms through the
// mock's charge engine (pm_card_X is charged as tok_X), so outcomes, decline codes and
// disputes are the mock's, and replays go through the mock's idempotency layer.
//
//   node tests/support/stripe_mock.mjs --port 0
//
// The first stdout line is "PORT <n>". Test-only route, as a customer on Stripe's page would:
//   POST /__test/checkout/sessions/:id/complete  payment_method=pm_card_visa
//        saves the card (a new pm_...) for the session's customer and completes the session.
// Disputes close as in Stripe's test mode ("Testing disputes"), which the mock lacks:
//   POST /v1/disputes/:id  evidence[uncategorized_text]=winning_evidence | losing_evidence
//        won | lost (an inquiry: warning_closed either way)
//   POST /v1/disputes/:id/close   lost (an inquiry: warning_closed)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const mockRequire = createRequire(require.resolve('stripe-stateful-mock'));
const express = mockRequire('express');
const bodyParser = mockRequire('body-parser');
const log = mockRequire('loglevel');
const { auth } = require('stripe-stateful-mock/dist/api/auth');
const { idempotencyRoute } = require('stripe-stateful-mock/dist/api/idempotency');
const { routes, getRequestAccountId } = require('stripe-stateful-mock/dist/routes');
const { RestError } = require('stripe-stateful-mock/dist/api/RestError');
const { charges } = require('stripe-stateful-mock/dist/api/charges');
const { customers } = require('stripe-stateful-mock/dist/api/customers');
const { disputes } = require('stripe-stateful-mock/dist/api/disputes');
const { cards } = require('stripe-stateful-mock/dist/api/cards');
const { generateId } = require('stripe-stateful-mock/dist/api/utils');

log.setLevel(process.env.LOG_LEVEL || 'silent');

let port = 0;
for (let i = 2; i < process.argv.length; i++) {
  if (process.argv[i] === '--port') port = Number(process.argv[++i]);
  else throw new Error(`unknown argument ${process.argv[i]}`);
}

const now = () => Math.floor(Date.now() / 1000);
const missing = (kind, id, param) => new RestError(param ? 400 : 404, {
  code: 'resource_missing',
  message: `No such ${kind}: '${id}'`,
  param,
  type: 'invalid_request_error',
});
const invalid = (message, param) => new RestError(400, {
  code: 'parameter_invalid', message, param, type: 'invalid_request_error',
});

// Per account, as the mock keeps its objects.
const store = new Map();
function objects(req) {
  const account = getRequestAccountId(req);
  if (!store.has(account)) {
    store.set(account, {
      intents: new Map(), sessions: new Map(), setupIntents: new Map(), methods: new Map(),
      intentOfCharge: new Map(),
    });
  }
  return store.get(account);
}

function paymentMethodFromCard(card, token, customer) {
  return {
    id: `pm_${generateId(24)}`,
    object: 'payment_method',
    type: 'card',
    card: {
      brand: (card.brand || 'unknown').toLowerCase().replace('american express', 'amex'),
      country: card.country,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      funding: card.funding,
      last4: card.last4,
    },
    customer: customer || null,
    created: now(),
    livemode: false,
    metadata: {},
    _token: token,  // the mock's test token behind this card
  };
}

const publicMethod = (pm) => {
  const { _token, ...rest } = pm;
  return rest;
};

// Stripe's test PaymentMethods (pm_card_visa, pm_card_chargeDeclined, ...) are the mock's
// test tokens (tok_visa, tok_chargeDeclined, ...); saved ones carry their token.
function resolveMethod(req, id, customer) {
  const saved = objects(req).methods.get(id);
  if (saved) {
    if (saved.customer && saved.customer !== customer) {
      throw invalid(`The provided PaymentMethod ${id} belongs to another customer.`, 'payment_method');
    }
    return saved;
  }
  if (typeof id === 'string' && id.startsWith('pm_card_')) {
    const token = `tok_${id.slice('pm_card_'.length)}`;
    const card = cards.createFromSource(token);
    if (card.last4 === 'XXXX') throw missing('PaymentMethod', id, 'payment_method');
    const pm = paymentMethodFromCard(card, token, null);
    objects(req).methods.set(pm.id, pm);
    return pm;
  }
  throw missing('PaymentMethod', id, 'payment_method');
}

const app = express();
app.use(bodyParser.urlencoded({ extended: true }));
app.use(auth.authRoute);
app.use(idempotencyRoute);

const shim = express.Router();

shim.post('/v1/payment_intents', (req, res) => {
  const p = req.body;
  if (!/^[0-9]+$/.test(p.amount || '')) throw invalid('Invalid positive integer', 'amount');
  if (!p.currency) throw invalid('Missing required param: currency.', 'currency');
  if (p.customer) customers.retrieve(getRequestAccountId(req), p.customer, 'customer');
  if (p.off_session && p.confirm !== 'true') {
    throw invalid('off_session can only be used with confirm=true.', 'off_session');
  }
  const method = p.payment_method ? resolveMethod(req, p.payment_method, p.customer) : null;
  const intent = {
    id: `pi_${generateId(24)}`,
    object: 'payment_intent',
    amount: Number(p.amount),
    amount_received: 0,
    capture_method: 'automatic',
    client_secret: `pi_secret_${generateId(24)}`,
    confirmation_method: 'automatic',
    created: now(),
    currency: p.currency.toLowerCase(),
    customer: p.customer || null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: { ...(p.metadata || {}) },
    payment_method: method ? method.id : null,
    payment_method_types: p.payment_method_types || ['card'],
    status: method ? 'requires_confirmation' : 'requires_payment_method',
  };
  if (p.confirm === 'true') {
    if (!method) throw invalid('You must provide a payment_method to confirm.', 'payment_method');
    try {
      const charge = charges.create(getRequestAccountId(req), {
        amount: p.amount, currency: p.currency, source: method._token, metadata: p.metadata,
      });
      charge.payment_intent = intent.id;
      charge.payment_method = method.id;
      charge.customer = intent.customer;
      objects(req).intentOfCharge.set(charge.id, intent.id);
      intent.status = 'succeeded';
      intent.amount_received = intent.amount;
      intent.latest_charge = charge.id;
    } catch (err) {
      if (!(err instanceof RestError) || err.error.type !== 'card_error') throw err;
      // Stripe: a declined confirm answers 402 with the intent, now waiting for another card.
      intent.status = 'requires_payment_method';
      intent.latest_charge = err.error.charge || null;
      intent.last_payment_error = { ...err.error, payment_method: publicMethod(method) };
      if (err.error.charge) objects(req).intentOfCharge.set(err.error.charge, intent.id);
      objects(req).intents.set(intent.id, intent);
      throw new RestError(402, {
        ...err.error, payment_intent: intent, payment_method: publicMethod(method),
      });
    }
  }
  objects(req).intents.set(intent.id, intent);
  res.status(200).json(intent);
});

shim.get('/v1/payment_intents/:id', (req, res) => {
  const intent = objects(req).intents.get(req.params.id);
  if (!intent) throw missing('payment_intent', req.params.id);
  res.status(200).json(intent);
});

shim.post('/v1/checkout/sessions', (req, res) => {
  const p = req.body;
  if (p.mode !== 'setup') throw invalid('This mock serves mode=setup only.', 'mode');
  if (!p.success_url) throw invalid('Missing required param: success_url.', 'success_url');
  if (p.customer) customers.retrieve(getRequestAccountId(req), p.customer, 'customer');
  const setupIntent = {
    id: `seti_${generateId(24)}`,
    object: 'setup_intent',
    created: now(),
    customer: p.customer || null,
    livemode: false,
    payment_method: null,
    status: 'requires_payment_method',
    usage: 'off_session',
  };
  const id = `cs_test_${generateId(40)}`;
  const session = {
    id,
    object: 'checkout.session',
    cancel_url: p.cancel_url || null,
    created: now(),
    currency: p.currency || null,
    customer: p.customer || null,
    livemode: false,
    metadata: { ...(p.metadata || {}) },
    mode: 'setup',
    payment_method_types: p.payment_method_types || ['card'],
    setup_intent: setupIntent.id,
    status: 'open',
    success_url: p.success_url,
    url: `https://checkout.stripe.com/c/pay/${id}`,
  };
  objects(req).setupIntents.set(setupIntent.id, setupIntent);
  objects(req).sessions.set(id, session);
  res.status(200).json(session);
});

function expanded(req, session) {
  const expand = [].concat(req.query.expand || []);
  if (!expand.includes('setup_intent')) return session;
  return { ...session, setup_intent: objects(req).setupIntents.get(session.setup_intent) };
}

shim.get('/v1/checkout/sessions/:id', (req, res) => {
  const session = objects(req).sessions.get(req.params.id);
  if (!session) throw missing('checkout.session', req.params.id);
  res.status(200).json(expanded(req, session));
});

shim.post('/__test/checkout/sessions/:id/complete', (req, res) => {
  const session = objects(req).sessions.get(req.params.id);
  if (!session) throw missing('checkout.session', req.params.id);
  const test = String(req.body.payment_method || 'pm_card_visa');
  const token = `tok_${test.replace(/^pm_card_/, '')}`;
  const pm = paymentMethodFromCard(cards.createFromSource(token), token, session.customer);
  objects(req).methods.set(pm.id, pm);
  const setupIntent = objects(req).setupIntents.get(session.setup_intent);
  setupIntent.payment_method = pm.id;
  setupIntent.status = 'succeeded';
  session.status = 'complete';
  res.status(200).json(session);
});

shim.get('/v1/setup_intents/:id', (req, res) => {
  const setupIntent = objects(req).setupIntents.get(req.params.id);
  if (!setupIntent) throw missing('setup_intent', req.params.id);
  res.status(200).json(setupIntent);
});

shim.get('/v1/payment_methods/:id', (req, res) => {
  const pm = objects(req).methods.get(req.params.id);
  if (!pm) throw missing('payment_method', req.params.id);
  res.status(200).json(publicMethod(pm));
});

// The mock's disputes name their charge; Stripe's also name the PaymentIntent.
function withIntent(req, dispute) {
  return { ...dispute, payment_intent: objects(req).intentOfCharge.get(dispute.charge) || null };
}

shim.get('/v1/disputes', (req, res) => {
  const intent = objects(req).intents.get(req.query.payment_intent);
  const data = [];
  if (intent && intent.latest_charge) {
    const charge = charges.retrieve(getRequestAccountId(req), intent.latest_charge, 'charge');
    if (charge.dispute) {
      data.push(withIntent(req, disputes.retrieve(getRequestAccountId(req), charge.dispute, 'id')));
    }
  }
  res.status(200).json({ object: 'list', data, has_more: false, url: '/v1/disputes' });
});

shim.get('/v1/disputes/:id', (req, res) => {
  const dispute = disputes.retrieve(getRequestAccountId(req), req.params.id, 'id');
  res.status(200).json(withIntent(req, dispute));
});

// The dispute object is the mock's own, so every later read sees the new status.
function closeDispute(dispute, won) {
  const inquiry = dispute.status.startsWith('warning_');
  dispute.status = inquiry ? 'warning_closed' : won ? 'won' : 'lost';
  if (!inquiry) dispute.is_charge_refundable = false;
}

shim.post('/v1/disputes/:id', (req, res) => {
  const dispute = disputes.retrieve(getRequestAccountId(req), req.params.id, 'id');
  const body = req.body || {};
  const text = (body.evidence && body.evidence.uncategorized_text) ||
               body['evidence[uncategorized_text]'] || '';
  if (text === 'winning_evidence') closeDispute(dispute, true);
  else if (text === 'losing_evidence') closeDispute(dispute, false);
  else if (dispute.status === 'needs_response') dispute.status = 'under_review';
  else if (dispute.status === 'warning_needs_response') dispute.status = 'warning_under_review';
  res.status(200).json(withIntent(req, dispute));
});

shim.post('/v1/disputes/:id/close', (req, res) => {
  const dispute = disputes.retrieve(getRequestAccountId(req), req.params.id, 'id');
  closeDispute(dispute, false);
  res.status(200).json(withIntent(req, dispute));
});

app.use('/', shim);
app.use('/', routes);
// As the mock's own error handler (stripe-stateful-mock/dist/index.js).
app.use((err, req, res, next) => {  // eslint-disable-line no-unused-vars
  if (err instanceof RestError) {
    res.status(err.statusCode).send({ error: err.error });
    return;
  }
  res.status(500).send({ error: { type: 'api_error', message: `Unexpected error: ${err.message}` } });
});

const server = app.listen(port, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
