-- A run started with --no-reuse (run every repository's transformation again, e.g. to ask an AI agent anew) keeps
-- that choice: resuming it after a stop or a crash must not take earlier runs' results for its remaining repositories.
ALTER TABLE runs ADD COLUMN no_reuse INTEGER NOT NULL DEFAULT 0;
