-- Issue 14: the cancel funnel, the steps customers took in the cancel journey (PRODUCT.md),
-- recorded apart from the license: recording a step changes no license state and writes no
-- audit row (it is no change of state). Append-only; the seller's figures count it
-- (domain/business_metrics.hpp, FunnelStep): 'opened' Cancel on Home, a 'ticket' opened on
-- its support-first screen, 'continued' (Continue to Cancel), 'confirmed' (Confirm Cancel),
-- 'resubscribed' (Subscribe, auto-renew back on).
-- Backfilled with what earlier versions recorded of these steps: every Confirm Cancel
-- (cancellations), every ticket opened in the cancel flow, every Subscribe (the audit log's
-- license.resubscribe rows, whose subject is 'license:<id>'). Openings of Cancel and Continue
-- to Cancel were not recorded before this version.
CREATE TABLE cancel_funnel (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  step TEXT NOT NULL
    CHECK (step IN ('opened', 'ticket', 'continued', 'confirmed', 'resubscribed')),
  at INTEGER NOT NULL
);
CREATE INDEX cancel_funnel_by_time ON cancel_funnel (at);

-- The audit log page filters by actor and by action (newest first): one index each.
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_action ON audit_log (action, id);

INSERT INTO cancel_funnel (user_id, step, at)
  SELECT user_id, 'confirmed', created_at FROM cancellations ORDER BY id;
INSERT INTO cancel_funnel (user_id, step, at)
  SELECT user_id, 'ticket', created_at FROM tickets WHERE opened_in_cancel_flow = 1 ORDER BY id;
INSERT INTO cancel_funnel (user_id, step, at)
  SELECT l.user_id, 'resubscribed', a.at FROM audit_log a
    JOIN licenses l ON a.subject = 'license:' || l.id
    WHERE a.action = 'license.resubscribe' ORDER BY a.id;
