-- Issue 12: releases of the program and their files, one per operating system.
-- A version is published once, whatever its channel (UNIQUE): the Download tab and the update
-- check name a release by its version. published_by is the admin who published it, NULL when
-- it came from the command line (`tenure release add` acts as no account). Unpublishing sets
-- unpublished_at: the release is hidden from customers and the API, its files and download
-- counts stay.
-- A file is stored under the releases directory as stored_name and downloaded as file_name;
-- size, sha256 (lowercase hex) and signature (a compact JWS by the lease key) are what the
-- program checks before it installs an update. downloads counts the file's downloads for
-- staff. Files go with their release.
-- A few hundred releases at most: List sorts them all, so no index beyond the keys.
CREATE TABLE releases (
  id INTEGER PRIMARY KEY,
  version TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL CHECK (channel IN ('stable', 'beta')),
  notes TEXT NOT NULL DEFAULT '',  -- Markdown
  published_by INTEGER REFERENCES users (id),
  published_at INTEGER NOT NULL,
  unpublished_at INTEGER
);

CREATE TABLE release_files (
  release_id INTEGER NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  os TEXT NOT NULL CHECK (os IN ('windows', 'macos', 'linux')),
  file_name TEXT NOT NULL,
  stored_name TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  sha256 TEXT NOT NULL,
  signature TEXT NOT NULL,
  downloads INTEGER NOT NULL DEFAULT 0 CHECK (downloads >= 0),
  PRIMARY KEY (release_id, os)
);
