-- Best of N: every candidate solution tried for a repository, with its verify result, score and diff.
CREATE TABLE candidates (
  id             INTEGER PRIMARY KEY,
  task_id        INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt        INTEGER NOT NULL,
  position       INTEGER NOT NULL,
  name           TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('passed', 'step-failed', 'verify-failed', 'score-failed', 'error', 'cancelled')),
  score          REAL,
  diff           TEXT NOT NULL DEFAULT '',
  files_changed  INTEGER NOT NULL DEFAULT 0,
  insertions     INTEGER NOT NULL DEFAULT 0,
  deletions      INTEGER NOT NULL DEFAULT 0,
  sandbox_seconds REAL NOT NULL DEFAULT 0,
  duration_ms    INTEGER NOT NULL DEFAULT 0,
  detail         TEXT,
  chosen         INTEGER NOT NULL DEFAULT 0,
  at             INTEGER NOT NULL
);
CREATE INDEX candidates_by_task ON candidates (task_id, attempt, position);
