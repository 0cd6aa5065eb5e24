-- Issue 9 review: Home's checkout statistics read every member they sum (currency, store,
-- price, quantity) from this index alone, instead of looking each row up in the table
-- (SQLite's row lookups were most of Home's cost with a few hundred checkouts).
CREATE INDEX checkouts_stats ON checkouts (user_id, at, currency, store, price_cents, quantity);
DROP INDEX checkouts_by_user_time;
