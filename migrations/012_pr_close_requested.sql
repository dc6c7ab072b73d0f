-- When this run's task asked the code host to close the stale PR it names in pr_number (close-stale). A run killed
-- after the close reached the code host, before the journal's commit of the answer, finds no open PR when it
-- resumes: this says the run closed it, so the repo's outcome is "PR closed", as it would have been without the kill.
ALTER TABLE tasks ADD COLUMN pr_close_requested_at INTEGER;
