-- fleetmod journal, version 1: runs, one task per repository per run, stage transitions, step results and log lines.
-- Times are milliseconds since the Unix epoch. Secret values are never written to any column.

CREATE TABLE runs (
  id             TEXT PRIMARY KEY,
  job_name       TEXT NOT NULL,
  manifest_path  TEXT NOT NULL,
  manifest_hash  TEXT NOT NULL,
  job_json       TEXT NOT NULL,
  provider       TEXT NOT NULL,
  dry_run        INTEGER NOT NULL DEFAULT 0,
  status         TEXT NOT NULL CHECK (status IN ('running', 'interrupted', 'paused', 'finished')),
  status_reason  TEXT,
  run_dir        TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  finished_at    INTEGER,
  owner_pid      INTEGER,
  owner_host     TEXT,
  heartbeat_at   INTEGER
);
CREATE INDEX runs_by_job ON runs (job_name, created_at);

CREATE TABLE tasks (
  id             INTEGER PRIMARY KEY,
  run_id         TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  repo_key       TEXT NOT NULL,
  repo_json      TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done')),
  stage          TEXT,
  outcome        TEXT,
  error_class    TEXT CHECK (error_class IN ('transient', 'permanent')),
  error_message  TEXT,
  skip_reason    TEXT,
  attempts       INTEGER NOT NULL DEFAULT 0,
  retries        INTEGER NOT NULL DEFAULT 0,
  base_branch    TEXT,
  base_sha       TEXT,
  branch         TEXT,
  head_sha       TEXT,
  commit_time    INTEGER,
  diff           TEXT,
  files_changed  INTEGER,
  insertions     INTEGER,
  deletions      INTEGER,
  pushed         INTEGER NOT NULL DEFAULT 0,
  pr_number      INTEGER,
  pr_url         TEXT,
  pr_state       TEXT,
  log_path       TEXT,
  started_at     INTEGER,
  finished_at    INTEGER,
  updated_at     INTEGER NOT NULL,
  UNIQUE (run_id, repo_key)
);
CREATE INDEX tasks_by_run_status ON tasks (run_id, status);

CREATE TABLE stage_events (
  id           INTEGER PRIMARY KEY,
  task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  stage        TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('started', 'succeeded', 'failed', 'skipped')),
  at           INTEGER NOT NULL,
  duration_ms  INTEGER,
  detail       TEXT
);
CREATE INDEX stage_events_by_task ON stage_events (task_id, id);

CREATE TABLE step_results (
  id           INTEGER PRIMARY KEY,
  task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  attempt      INTEGER NOT NULL,
  candidate    TEXT NOT NULL DEFAULT 'default',
  kind         TEXT NOT NULL CHECK (kind IN ('step', 'verify', 'score')),
  name         TEXT NOT NULL,
  outcome      TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'skipped', 'timeout')),
  exit_code    INTEGER,
  duration_ms  INTEGER NOT NULL,
  stdout       TEXT NOT NULL DEFAULT '',
  stderr       TEXT NOT NULL DEFAULT '',
  truncated    INTEGER NOT NULL DEFAULT 0,
  at           INTEGER NOT NULL
);
CREATE INDEX step_results_by_task ON step_results (task_id, id);

CREATE TABLE task_events (
  id        INTEGER PRIMARY KEY,
  run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  task_id   INTEGER REFERENCES tasks (id) ON DELETE CASCADE,
  at        INTEGER NOT NULL,
  level     TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message   TEXT NOT NULL
);
CREATE INDEX task_events_by_task ON task_events (task_id, id);
CREATE INDEX task_events_by_run ON task_events (run_id, id);
