-- Issue 8: the payment processor's disputes, one row each, so a suspension can be lifted when
-- the dispute that caused it closes with the payment kept (won, or an inquiry closed) and no
-- other dispute of the license is still open. `status` is the processor's own word, kept as
-- it last read it; `closed_at` is set once, when Tenure first saw it closed.
CREATE TABLE disputes (
  id INTEGER PRIMARY KEY,
  provider TEXT NOT NULL,
  provider_dispute_id TEXT NOT NULL,
  charge_id INTEGER NOT NULL REFERENCES charges (id),
  license_id INTEGER NOT NULL REFERENCES licenses (id),
  status TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('open', 'payment_kept', 'payment_reversed')),
  opened_at INTEGER NOT NULL,
  closed_at INTEGER,
  updated_at INTEGER NOT NULL,
  UNIQUE (provider, provider_dispute_id)
);
CREATE INDEX disputes_open_by_license ON disputes (license_id) WHERE outcome = 'open';
