-- Issue 3: the cancellation journey, support tickets, the feedback inbox, granted days,
-- and a lease on outbox rows so that one worker sends each message.
ALTER TABLE outbox ADD COLUMN locked_until INTEGER;

CREATE TABLE tickets (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  category TEXT NOT NULL,
  subject TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'waiting_on_customer', 'closed')),
  assignee_id INTEGER REFERENCES users (id),
  opened_in_cancel_flow INTEGER NOT NULL DEFAULT 0,
  waiting_since INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX tickets_by_user ON tickets (user_id, id);
CREATE INDEX tickets_by_queue ON tickets (status, waiting_since);

CREATE TABLE ticket_messages (
  id INTEGER PRIMARY KEY,
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  author_id INTEGER NOT NULL REFERENCES users (id),
  from_staff INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);

CREATE TABLE cancellations (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  license_id INTEGER NOT NULL REFERENCES licenses (id),
  reason TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  ticket_id INTEGER REFERENCES tickets (id),
  license_ends_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX cancellations_by_time ON cancellations (created_at);

CREATE TABLE feedback_reads (
  cancellation_id INTEGER NOT NULL REFERENCES cancellations (id),
  staff_id INTEGER NOT NULL REFERENCES users (id),
  read_at INTEGER NOT NULL,
  PRIMARY KEY (cancellation_id, staff_id)
);

CREATE TABLE license_grants (
  id INTEGER PRIMARY KEY,
  license_id INTEGER NOT NULL REFERENCES licenses (id),
  days INTEGER NOT NULL CHECK (days > 0),
  reason TEXT NOT NULL,
  staff_id INTEGER NOT NULL REFERENCES users (id),
  expires_before INTEGER,
  expires_after INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX license_grants_by_license ON license_grants (license_id, id);
