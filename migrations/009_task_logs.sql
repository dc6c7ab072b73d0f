-- Each repository's log (git results, steps' output, errors) in the journal, in the pieces it was written in:
-- `fleetmod show RUN REPO --log` reads it, also while the run goes on. A log file per repository would cost a file
-- creation each, which on some filesystems is the most expensive thing fleetmod does for a repository; a file is
-- still written for each repository that did not succeed (tasks.log_path), for people and the report to open.
CREATE TABLE task_logs (
  id       INTEGER PRIMARY KEY,
  task_id  INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
  text     TEXT NOT NULL
);
CREATE INDEX task_logs_by_task ON task_logs (task_id, id);
