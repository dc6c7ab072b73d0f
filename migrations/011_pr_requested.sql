-- When this run's task asked the code host to open a pull request (none was open for the branch then). A run killed
-- between that request and the journal's commit of the answer finds the PR open when it resumes: this says the run
-- opened it, so the repo's outcome is "PR opened", as it would have been without the kill.
ALTER TABLE tasks ADD COLUMN pr_requested_at INTEGER;
