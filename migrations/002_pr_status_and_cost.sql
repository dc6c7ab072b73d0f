-- Pull request state as `status --refresh` records it, and sandbox time and cost per repository.
ALTER TABLE tasks ADD COLUMN pr_draft INTEGER;
ALTER TABLE tasks ADD COLUMN pr_checks TEXT CHECK (pr_checks IN ('success', 'failure', 'pending'));
ALTER TABLE tasks ADD COLUMN pr_review TEXT CHECK (pr_review IN ('approved', 'changes-requested', 'review-required'));
ALTER TABLE tasks ADD COLUMN pr_merged_at INTEGER;
ALTER TABLE tasks ADD COLUMN pr_refreshed_at INTEGER;
ALTER TABLE tasks ADD COLUMN sandbox_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;
