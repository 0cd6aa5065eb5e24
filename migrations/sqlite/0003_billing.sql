-- Issue 4: charges (every attempt to take money, idempotent by key), the customer's time
-- zone, dunning state on the license, provider customers and raw Stripe events.
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

ALTER TABLE licenses ADD COLUMN dunning_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE licenses ADD COLUMN dunning_first_failed_at INTEGER;
ALTER TABLE licenses ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE licenses ADD COLUMN reminded_period INTEGER;
ALTER TABLE licenses ADD COLUMN expired_notice_period INTEGER;
ALTER TABLE licenses ADD COLUMN job_lease_until INTEGER;

CREATE TABLE charges (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  license_id INTEGER NOT NULL REFERENCES licenses (id),
  kind TEXT NOT NULL CHECK (kind IN ('purchase', 'renewal', 'auto_renewal', 'instances')),
  period_key INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
  currency TEXT NOT NULL,
  instances_added INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  provider TEXT NOT NULL,
  payment_method_ref TEXT NOT NULL,
  provider_payment_id TEXT NOT NULL DEFAULT '',
  terms_version TEXT NOT NULL,
  new_expires_at INTEGER,
  failure_code TEXT NOT NULL DEFAULT '',
  failure_message TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- One attempt number per renewal period, and at most one success per period (PRODUCT.md).
CREATE UNIQUE INDEX charges_attempt_per_period ON charges (license_id, period_key, attempt)
  WHERE kind <> 'instances';
CREATE UNIQUE INDEX charges_success_per_period ON charges (license_id, period_key)
  WHERE kind <> 'instances' AND status = 'succeeded';
CREATE INDEX charges_by_user ON charges (user_id, id);
CREATE INDEX charges_pending ON charges (status, updated_at);

CREATE TABLE payment_customers (
  user_id INTEGER NOT NULL REFERENCES users (id),
  provider TEXT NOT NULL,
  customer_ref TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, provider)
);
CREATE UNIQUE INDEX payment_customers_by_ref ON payment_customers (provider, customer_ref);

CREATE TABLE stripe_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  processed_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stripe_events_unprocessed ON stripe_events (processed_at, received_at);
