-- Where a task is and since when: the stage it is in (tasks.stage, already kept) and when that stage began. A stage's
-- start used to be a stage_events row of its own; now only a stage's end is (its duration says when it began), and
-- the stage still open is read from the task. That is a third fewer journal writes per repository. Journals written
-- before keep their "started" rows, which read as they always did.
ALTER TABLE tasks ADD COLUMN stage_started_at INTEGER;
