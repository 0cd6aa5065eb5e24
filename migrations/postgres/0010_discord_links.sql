-- Issue 11: the PostgreSQL twin of sqlite/0010_discord_links.sql. A Tenure account bound to
-- one Discord account, and one Discord account to one Tenure account (both keys unique:
-- binding one bound elsewhere is refused). Deleting the account deletes its binding.
-- The OAuth2 tokens are kept in clear, unlike the hashed tokens of 0009: Tenure itself sends
-- them to Discord (guilds.join adds the member to the seller's guild), so a hash would not do.
-- post_checkouts is the customer's opt-in to checkout posts in the success channel.
-- roles_wanted is whether the license allowed the paid roles when a sync was last asked for
-- (the job that notices licenses crossing the end of grace compares it with the license now);
-- sync_status and sync_error say how that sync went, for staff, and synced_at when.
CREATE TABLE discord_links (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  discord_user_id TEXT NOT NULL UNIQUE,  -- a snowflake, as text
  username TEXT NOT NULL,
  avatar TEXT NOT NULL DEFAULT '',  -- Discord's avatar hash; empty when none
  access_token TEXT NOT NULL,
  refresh_token TEXT NOT NULL DEFAULT '',
  token_expires_at BIGINT NOT NULL,
  post_checkouts BOOLEAN NOT NULL DEFAULT FALSE,
  bound_at BIGINT NOT NULL,
  roles_wanted BOOLEAN NOT NULL DEFAULT FALSE,
  sync_status TEXT NOT NULL DEFAULT 'pending' CHECK (sync_status IN ('pending', 'ok', 'failed')),
  sync_error TEXT NOT NULL DEFAULT '',
  synced_at BIGINT
);
