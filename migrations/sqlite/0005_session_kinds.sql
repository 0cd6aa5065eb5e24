-- Issue 8: a session is held by a person in the dashboard (a cookie) or by a program (a bearer
-- token), and was proven by a password alone or with a second factor. Every session before
-- this migration is a dashboard session signed in with a password.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'dashboard'
  CHECK (kind IN ('dashboard', 'program'));
ALTER TABLE sessions ADD COLUMN strength TEXT NOT NULL DEFAULT 'password'
  CHECK (strength IN ('password', 'two_factor'));
