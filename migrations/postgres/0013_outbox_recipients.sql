-- Issue 14: a customer's file lists the emails sent to them. The outbox kept the addresses only
-- inside each message's JSON payload, so that page read the whole outbox (a LIKE over every
-- payload) on every view. Each email's addresses get rows of their own, indexed by address,
-- filled here for every email already queued, sent or dead: its payload's "to" is a list (a
-- plain string in the oldest). Other kinds of message have no recipient address. The
-- PostgreSQL twin of sqlite/0013_outbox_recipients.sql.
CREATE TABLE outbox_recipients (
  address TEXT NOT NULL,
  outbox_id BIGINT NOT NULL REFERENCES outbox (id),
  PRIMARY KEY (address, outbox_id)
);
-- The CASE keeps jsonb_array_elements_text away from a "to" that is no list, whichever order
-- the planner evaluates the join in.
INSERT INTO outbox_recipients (address, outbox_id)
  SELECT DISTINCT to_address, o.id
  FROM outbox o,
       jsonb_array_elements_text(CASE WHEN jsonb_typeof(o.payload::jsonb -> 'to') = 'array'
                                      THEN o.payload::jsonb -> 'to' ELSE '[]'::jsonb END)
         AS to_address
  WHERE o.kind = 'email';
INSERT INTO outbox_recipients (address, outbox_id)
  SELECT payload::jsonb ->> 'to', id FROM outbox
  WHERE kind = 'email' AND jsonb_typeof(payload::jsonb -> 'to') = 'string';
