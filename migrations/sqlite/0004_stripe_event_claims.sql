-- Issue 8: Stripe events are claimed in the database (a lease, and the next try after a
-- failure), so two servers never apply one event at once.
ALTER TABLE stripe_events ADD COLUMN locked_until INTEGER;
ALTER TABLE stripe_events ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX stripe_events_due ON stripe_events (processed_at, next_attempt_at);

