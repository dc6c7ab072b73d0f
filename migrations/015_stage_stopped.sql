-- A stage that Ctrl-C (or a takeover) stopped is "stopped", not "failed": the report's stage table counted an
-- interrupted run's stages as failures though no repository failed. SQLite cannot change a CHECK constraint in place,
-- so the table is built again with the wider one and its rows copied over (ids kept: they order a task's events).
-- Nothing references stage_events, so dropping the old table leaves no foreign key dangling.
CREATE TABLE stage_events_new (
  id           INTEGER PRIMARY KEY,
  task_id      INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  stage        TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('started', 'succeeded', 'failed', 'stopped', 'skipped')),
  at           INTEGER NOT NULL,
  duration_ms  INTEGER,
  detail       TEXT
);
INSERT INTO stage_events_new (id, task_id, stage, state, at, duration_ms, detail)
  SELECT id, task_id, stage, state, at, duration_ms, detail FROM stage_events;
DROP TABLE stage_events;
ALTER TABLE stage_events_new RENAME TO stage_events;
CREATE INDEX stage_events_by_task ON stage_events (task_id, id);
