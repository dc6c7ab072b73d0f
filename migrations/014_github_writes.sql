-- Every GitHub write fleetmod sent, for its write budgets (codehost/github/write-budget.ts): GitHub counts its
-- content-creation limit over the past hour, whichever process sent the writes. A run that starts (a resume after a
-- stop or a crash, or a new run) takes the writes still inside its windows from here instead of an empty budget.
-- `budget` names what counts them (the host's write budget, or a job's limits.pr-rate); `at` is when the answer came.
CREATE TABLE github_writes (
  budget TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX github_writes_budget_at ON github_writes (budget, at);
