-- Issue 14: a customer's file lists the emails sent to them. The outbox kept the addresses only
-- inside each message's JSON payload, so that page read the whole outbox (a LIKE over every
-- payload) on every view. Each email's addresses get rows of their own, indexed by address,
-- filled here for every email already queued, sent or dead: its payload's "to" is a list (a
-- plain string in the oldest). Other kinds of message have no recipient address.
CREATE TABLE outbox_recipients (
  address TEXT NOT NULL,
  outbox_id INTEGER NOT NULL REFERENCES outbox (id),
  PRIMARY KEY (address, outbox_id)
);
INSERT OR IGNORE INTO outbox_recipients (address, outbox_id)
  SELECT to_address.value, o.id FROM outbox o, json_each(o.payload, '$.to') AS to_address
  WHERE o.kind = 'email' AND json_type(o.payload, '$.to') = 'array'
    AND to_address.type = 'text';
INSERT OR IGNORE INTO outbox_recipients (address, outbox_id)
  SELECT json_extract(payload, '$.to'), id FROM outbox
  WHERE kind = 'email' AND json_type(payload, '$.to') = 'text';
