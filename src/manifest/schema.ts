/**
 * The job manifest language, as written in YAML (kebab-case keys). This schema is the single source of truth:
 * `load.ts` validates with it, `normalize.ts` turns its output into the camelCase `Job` the program uses, and
 * `schema/job.schema.json` (for editors) is generated from it (`npm run schema`). Every key carries a description
 * for that file; a test fails when one is missing or when the committed file drifts.
 */
import { z } from 'zod';
import { Author } from './author.js';
import {
  DEADLINE_PATTERN,
  duration,
  ENV_NAME_PATTERN,
  EnvMap,
  GLOB_PATTERN,
  jobName,
  NAME_PATTERN,
  NetworkHost,
  rate,
  size,
  GithubUrl,
  timeOfDay,
  TimeZone,
  TOPIC_PATTERN,
  WINDOW_PATTERN,
} from './schema-fields.js';
import { describeValue, windowProblem } from './unit-hints.js';

export { Author };
export { DURATION_PATTERN, ENV_NAME_PATTERN, NAME_PATTERN, SIZE_PATTERN } from './schema-fields.js';

const NonEmpty = () => z.string().min(1, { message: 'must not be empty' });
const Strings = () => z.array(NonEmpty());

export const RepoObject = z
  .strictObject({
    repo: NonEmpty().describe('GitHub `owner/name`, a git URL (https://, ssh://, git@host:path, file://) or a local path (./, ../, /, ~/).'),
    base: NonEmpty().optional().describe("Base branch for this repo (default: the repo's default branch)."),
    env: EnvMap.optional().describe('Extra environment variables for the steps in this repo.'),
    skip: z.boolean().optional().describe('Leave this repo out of the run; plan and report list it as skipped.'),
    'skip-reason': z.string().optional().describe('Why the repo is skipped, shown in plan and report.'),
  })
  .describe('One repository with per-repo overrides.');

export const RepoFile = z
  .strictObject({
    file: NonEmpty().describe('A text file (relative to the manifest) with one repository per line; `#` starts a comment.'),
  })
  .describe('Repositories listed in a file.');

const Glob = z.string().regex(new RegExp(GLOB_PATTERN), {
  error: (issue) => `glob "${String(issue.input)}" may only use letters, digits, . _ - / and the wildcards * and ?`,
});

export const GithubSelector = z
  .strictObject({
    github: z
      .strictObject({
        org: NonEmpty().optional().describe('Every repository of this organisation.'),
        user: NonEmpty().optional().describe('Every repository of this user.'),
        topics: z
          .array(z.string().regex(new RegExp(TOPIC_PATTERN), { error: (i) => `"${String(i.input)}" is not a GitHub topic (lower-case letters, digits and -)` }))
          .optional()
          .describe('Only repositories that have all of these topics (alone: a search for repositories with them).'),
        search: NonEmpty()
          .optional()
          .describe('A GitHub repository search query, e.g. "language:go archived:false"; with org or user it is limited to that owner.'),
        include: z.array(Glob).optional().describe('Globs (* and ?) on `owner/name`, or on the name alone when the glob has no "/"; only matching repos are kept.'),
        exclude: z.array(Glob).optional().describe('Globs like `include`; matching repos are dropped.'),
        archived: z.boolean().default(false).describe('Include archived repositories (default false).'),
        forks: z.boolean().default(false).describe('Include forks (default false).'),
        limit: z.number().int().positive().optional().describe('Keep at most this many repositories (after filtering).'),
      })
      .describe('A GitHub selector, resolved through the GitHub API when the job is planned or run.'),
  })
  .describe('Repositories selected on GitHub.');

export const RepoEntry = z
  .union([
    NonEmpty().describe('GitHub `owner/name`, a git URL (https://, ssh://, git@host:path, file://) or a local path (./, ../, /, ~/).'),
    RepoObject,
    RepoFile,
    GithubSelector,
  ])
  .describe('A repository: a string, `{repo: …}` with overrides, `{file: …}` or `{github: …}`.');

const StepName = z.string().regex(new RegExp(NAME_PATTERN), {
  error: (issue) =>
    `"${String(issue.input)}" is not a valid name: use lower-case letters, digits, ".", "_" and "-" (names appear in {{ steps.<name>.stdout }})`,
});

export const Step = z
  .strictObject({
    name: StepName.optional().describe('Step name, unique within the job (default step-1, step-2, …); used in `if` and `{{ steps.<name>.stdout }}`.'),
    run: NonEmpty().describe('Shell command(s), run with bash -eo pipefail in the repository checkout (templated).'),
    files: Strings()
      .optional()
      .describe('Files (relative to the manifest, inside its folder) copied read-only into the sandbox at $FLEETMOD_FILES/<path>.'),
    env: EnvMap.optional().describe('Extra environment variables for this step.'),
    timeout: duration('timeout').optional().describe('Time limit for this step, e.g. "5m" (default: what is left of sandbox.timeout).'),
    if: NonEmpty()
      .optional()
      .describe('Run the step only when this condition holds, e.g. `repo.name != "legacy"` or `steps.build.outcome == "failure"`.'),
    'continue-on-error': z.boolean().optional().describe('A failure of this step does not fail the repo (default false).'),
  })
  .describe('One transformation step.');

export const VerifyEntry = z
  .union([
    NonEmpty().describe('A command that must exit 0 after the steps (templated).'),
    z
      .strictObject({
        name: StepName.optional().describe('Name shown in the report (default verify-1, verify-2, …).'),
        run: NonEmpty().describe('The command (templated).'),
        env: EnvMap.optional().describe('Extra environment variables for this command.'),
        timeout: duration('timeout').optional().describe('Time limit for this command.'),
      })
      .describe('A named verify command.'),
  ])
  .describe('A verify command: a string, or an object with `run` and optional `name`, `env`, `timeout`.');

export const PullRequest = z
  .strictObject({
    title: NonEmpty().describe('PR title (templated).'),
    body: z.string().optional().describe('PR body in Markdown (templated).'),
    draft: z.boolean().optional().describe('Open as a draft PR (default false; `publish: draft` also makes drafts).'),
    labels: Strings().optional().describe('Labels added to the PR.'),
    reviewers: Strings().optional().describe('GitHub logins asked for review.'),
    'team-reviewers': Strings().optional().describe('Team slugs asked for review.'),
    assignees: Strings().optional().describe('GitHub logins the PR is assigned to.'),
  })
  .describe('The pull request to open or keep in sync.');

export const Change = z
  .strictObject({
    branch: NonEmpty().describe('Branch the change is committed on (templated), e.g. `fleetmod/{{ job.name }}`.'),
    commit: z
      .strictObject({
        message: NonEmpty().describe('Commit message (templated).'),
        author: Author.optional(),
        'signing-key': NonEmpty()
          .optional()
          .describe(
            'SSH private key (Ed25519 or RSA) the commits are signed with, as `git commit -S` with gpg.format=ssh; relative to this file, `~/` for your home. A key with a passphrase: its `.pub` file, with the key in ssh-agent.',
          ),
      })
      .describe('How the change is committed.'),
    pr: PullRequest.optional(),
    'on-existing': z
      .enum(['update', 'skip', 'recreate'])
      .optional()
      .describe('When the branch or PR already exists: update it (default), skip the repo, or close and recreate the PR.'),
    'close-stale': z.boolean().optional().describe('Close the open PR when a re-run produces no diff, unless a human pushed to its branch (default false).'),
    publish: z
      .union([z.boolean(), z.literal('draft')], {
        error: (issue) => `publish is true, false or "draft", got ${describeValue(issue.input)}`,
      })
      .optional()
      .describe('Open PRs (true; the default when `pr` is set), draft PRs ("draft"), or only push the branch (false).'),
  })
  .describe('What to produce from the diff.');

export const Sandbox = z
  .strictObject({
    provider: z
      .enum(['local', 'e2b', 'host'])
      .optional()
      .describe('local = bubblewrap on this machine (default); e2b = E2B cloud sandboxes; host = NO isolation (explicit unsafe opt-in).'),
    template: NonEmpty().optional().describe('E2B template (default "base"); only with provider: e2b.'),
    timeout: duration('timeout').optional().describe('Wall-clock limit for all steps and verify commands of one repo (default 30m).'),
    memory: size('memory').optional().describe('Memory limit per sandbox, e.g. "2GiB".'),
    cpus: z.number().positive().max(256).optional().describe('CPU limit per sandbox, e.g. 2 or 0.5.'),
    pids: z.number().int().positive().optional().describe('Process count limit per sandbox (default 1024).'),
    disk: size('disk').optional().describe('Largest allowed workspace size, checked after each step.'),
    tmp: size('tmp').optional().describe('Size of /tmp and of the home directory inside the sandbox (default 512MiB).'),
    output: size('output').optional().describe('Output kept per step; the middle of longer output is cut (default 1MiB).'),
    'change-size': size('change-size')
      .optional()
      .describe('Largest change (its binary diff) taken back from a sandbox; a repository whose change is larger fails (default 64MiB).'),
    network: z
      .union([z.boolean(), z.array(NetworkHost)], {
        error: (issue) => `network is false, true or a list of hosts, got ${describeValue(issue.input)}`,
      })
      .optional()
      .describe('false (default): no network; true: every public host (through the egress proxy); [hosts]: only these ("registry.npmjs.org", "*.example.com", "10.20.0.0/16", each optionally with ":port").'),
    env: EnvMap.optional().describe('Environment variables (literal values) for every step and verify command.'),
    secrets: z
      .array(
        z.string().regex(new RegExp(ENV_NAME_PATTERN), {
          error: (issue) => `secret "${String(issue.input)}" is not an environment variable name (letters, digits and _)`,
        }),
      )
      .optional()
      .describe('Names of host environment variables passed into the sandbox; values are never stored or logged.'),
    e2b: z
      .strictObject({
        vcpu: z.number().positive().optional().describe('vCPUs of the template, for cost estimates (default 2).'),
        'memory-mb': z.number().positive().optional().describe('Memory of the template in MiB, for cost estimates (default 512).'),
        'price-vcpu-second': z.number().nonnegative().optional().describe('USD per vCPU-second (default 0.000014).'),
        'price-gib-second': z.number().nonnegative().optional().describe('USD per GiB-second (default 0.0000045).'),
        'expected-duration': duration('expected-duration').optional().describe('Expected time of one sandbox (a repo, or one candidate of it), for plan estimates; best of N uses it with any provider.'),
        'max-lifetime': duration('max-lifetime')
          .optional()
          .describe("Longest an E2B sandbox may live on your plan (default 1h, E2B's Hobby plan; Pro allows 24h); a sandbox.timeout that needs longer is refused."),
      })
      .optional()
      .describe("E2B sizing and prices (for cost accounting) and the plan's sandbox lifetime; only with provider: e2b."),
  })
  .describe('Where and how steps run.');

export const Window = z
  .union([
    z.string().regex(new RegExp(WINDOW_PATTERN), { error: (issue) => windowProblem(issue.input) }),
    z.strictObject({
      start: timeOfDay('start').describe('Start of the window, "HH:MM".'),
      end: timeOfDay('end').describe('End of the window, "HH:MM" (may be earlier than start: the window crosses midnight).'),
      days: z
        .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
        // An empty list reads as "never" as much as "every day": which one was meant is not a guess to make overnight.
        .min(1, { message: 'a window that opens on no day never starts a repository: name at least one day, or leave days out for every day' })
        .optional()
        .describe('Days on which the window opens (default every day).'),
      timezone: TimeZone.optional().describe('IANA time zone, e.g. "Europe/Berlin" (default: this machine\'s).'),
    }),
  ])
  .describe('Only start repos inside this daily window: "22:00-06:00", or {start, end, days, timezone}.');

export const Limits = z
  .strictObject({
    concurrency: z.number().int().positive().max(1000).optional().describe('Repos worked on at once (default: CPUs, at least 2; with e2b: limits.sandboxes).'),
    clone: z.number().int().positive().optional().describe('Git operations at once per git host (default 4, or two per sandbox creation per second when that is more, at most 16).'),
    sandboxes: z.number().int().positive().optional().describe('Sandboxes alive at once (default: concurrency; with e2b: 20).'),
    'sandbox-rate': rate().optional().describe('Sandbox creations per time unit, e.g. "1/s" (default with e2b: 1/s).'),
    'github-writes': z.number().int().positive().optional().describe('Content-creating GitHub requests per minute (default 60).'),
    'github-writes-per-hour': z.number().int().positive().optional().describe('Content-creating GitHub requests per hour (default 400).'),
    retries: z.number().int().min(0).max(10).optional().describe('Retries for transient failures per repo (default 2).'),
    'pr-rate': rate().optional().describe('Pull requests opened per time unit, e.g. "60/hour".'),
    canary: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('The first N repositories of a new run go alone; the rest start only if none of them failed (else the run pauses).'),
    'max-failures': z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Pause the run (running repositories finish, the rest stay pending) once this many repositories have failed.'),
    deadline: z
      .string()
      .regex(new RegExp(DEADLINE_PATTERN), {
        error: (issue) =>
          `expected a time "HH:MM" (the next one after fleetmod starts) or an ISO date-time such as "2030-05-01T07:00:00+02:00", got ${describeValue(issue.input)}`,
      })
      .optional()
      .describe('Stop starting new repos after this time: "07:00" (the next 07:00 after each run or resume starts) or an ISO date-time.'),
    window: Window.optional(),
  })
  .describe('Pace and parallelism.');

export const Candidate = z
  .strictObject({
    name: StepName.describe('Candidate name, shown in the report.'),
    steps: z.array(Step).min(1, { message: 'a candidate needs at least one step (or leave steps out to use the job\'s)' }).optional().describe("Steps of this candidate (default: the job's steps)."),
    env: EnvMap.optional().describe('Extra environment variables for this candidate\'s steps.'),
  })
  .describe('A named variant of the transformation.');

export const GithubSettings = z
  .strictObject({
    'api-url': GithubUrl().optional().describe('REST API base (default $GITHUB_API_URL or https://api.github.com).'),
    'server-url': GithubUrl().optional().describe('Git host (default $GITHUB_SERVER_URL or https://github.com).'),
    fork: z.enum(['auto', 'always', 'never']).optional().describe('Push to a fork when the identity cannot push (auto, default), always, or never.'),
  })
  .describe('GitHub or GitHub Enterprise Server settings.');

export const JobManifest = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file, for editors.'),
    version: z.literal(1, { error: 'must be 1 (the only version of the manifest language so far)' }).optional().describe('Manifest language version (1).'),
    name: jobName().describe('Job id: lower-case letters, digits, ".", "_", "-"; used in branch names, run ids and the journal.'),
    description: z.string().optional().describe('What the job does, for people.'),
    repos: z.array(RepoEntry).min(1, { message: 'must list at least one repository' }).describe('Where the change goes.'),
    github: GithubSettings.optional(),
    sandbox: Sandbox.optional(),
    steps: z.array(Step).min(1, { message: 'must contain at least one step' }).describe('The transformation, run in order.'),
    verify: z.array(VerifyEntry).optional().describe('Commands that must succeed after the steps for the change to count.'),
    change: Change,
    limits: Limits.optional(),
    candidates: z
      .union([z.number().int().min(1).max(20), z.array(Candidate).min(1).max(20, { message: 'at most 20 candidates, as for the number form: each one is a sandbox per repository' })])
      .optional()
      .describe('Try N solutions per repo in parallel sandboxes (1–20), or a list of named variants, and ship the best.'),
    select: z
      .enum(['first-passing', 'smallest-diff', 'score'])
      .optional()
      .describe('How the shipped candidate is chosen (default first-passing).'),
    score: z
      .strictObject({
        run: NonEmpty().describe("Command run in each candidate's sandbox; it prints a number (higher wins)."),
        timeout: duration('timeout').optional().describe('Time limit for the score command.'),
      })
      .optional()
      .describe('With select: score, how candidates are scored.'),
  })
  .describe('A fleetmod job.');

export type JobManifest = z.infer<typeof JobManifest>;
export type JobManifestInput = z.input<typeof JobManifest>;
