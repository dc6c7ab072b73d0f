-- Result reuse: a new run of the same transformation on the same base commit takes the journaled result of an
-- earlier run instead of running the sandbox again.
--   runs.transform_key   what the transformation is made of (steps, verify, sandbox, step files' content), hashed
--   tasks.reused_from_run  the run that produced the result this task took (no sandbox ran for it in this run)
ALTER TABLE runs ADD COLUMN transform_key TEXT;
ALTER TABLE tasks ADD COLUMN reused_from_run TEXT;
CREATE INDEX tasks_by_repo_base ON tasks (repo_key, base_sha);
