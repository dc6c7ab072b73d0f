/**
 * The job manifest language, as written in YAML (kebab-case keys). This schema is the single source of truth:
 * `load.ts` validates with it, `normalize.ts` turns its output into the camelCase `Job` the program uses, and
 * `schema/job.schema.json` (for editors) is generated from it. Every key carries a description for that file.
 */
import { z } from 'zod';

export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$';
export const SIZE_PATTERN = '^\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$';
export const NAME_PATTERN = '^[a-z0-9][a-z0-9._-]*$';
export const ENV_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

function duration(what: string) {
  return z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `${what} needs a unit: write "${issue.input}s" or "${issue.input}m", not a bare number`
          : `${what} must be a duration such as "90s", "5m" or "1h30m"`,
    })
    .regex(new RegExp(DURATION_PATTERN), { message: `${what} must be a duration such as "90s", "5m" or "1h30m"` })
    .describe(`${what}, e.g. "90s", "5m", "1h30m".`);
}

function size(what: string) {
  return z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `${what} needs a unit: write "${issue.input}MiB", not a bare number`
          : `${what} must be a size such as "512MiB" or "2GiB"`,
    })
    .regex(new RegExp(SIZE_PATTERN), { message: `${what} must be a size such as "512MiB" or "2GiB"` })
    .describe(`${what}, e.g. "512MiB", "2GiB".`);
}

const EnvMap = z
  .record(
    z.string().regex(new RegExp(ENV_NAME_PATTERN), { message: 'environment variable names are letters, digits and _' }),
    z.union([z.string(), z.number(), z.boolean()]).transform(String),
  )
  .describe('Environment variables (literal values; use `secrets` for anything sensitive).');

export const RepoObject = z
  .strictObject({
    repo: z.string().min(1).describe('GitHub `owner/name`, a git URL, or a local path.'),
    base: z.string().min(1).optional().describe('Base branch for this repo (default: the repo\'s default branch).'),
    env: EnvMap.optional(),
    skip: z.boolean().optional().describe('Leave this repo out of the run (it is listed as skipped).'),
    'skip-reason': z.string().optional().describe('Why the repo is skipped, shown in plan and report.'),
  })
  .describe('One repository with per-repo overrides.');

export const RepoFile = z
  .strictObject({
    file: z.string().min(1).describe('A text file next to the manifest with one repo per line; `#` starts a comment.'),
  })
  .describe('Repositories listed in a file.');

export const GithubSelector = z
  .strictObject({
    github: z
      .strictObject({
        org: z.string().min(1).optional().describe('Every repository of this organisation.'),
        user: z.string().min(1).optional().describe('Every repository of this user.'),
        topics: z.array(z.string().min(1)).optional().describe('Only repositories with all of these topics.'),
        search: z.string().min(1).optional().describe('A GitHub repository search query (`GET /search/repositories`).'),
        include: z.array(z.string().min(1)).optional().describe('Globs on `owner/name`; only matching repos are kept.'),
        exclude: z.array(z.string().min(1)).optional().describe('Globs on `owner/name`; matching repos are dropped.'),
        archived: z.boolean().default(false).describe('Include archived repositories.'),
        forks: z.boolean().default(false).describe('Include forks.'),
        limit: z.number().int().positive().optional().describe('At most this many repositories.'),
      })
      .describe('A GitHub selector, resolved through the API when the job is planned.'),
  })
  .describe('Repositories selected on GitHub.');

export const RepoEntry = z.union([
  z.string().min(1).describe('GitHub `owner/name`, a git URL (https://, ssh://, git@, file://) or a local path.'),
  RepoObject,
  RepoFile,
  GithubSelector,
]);

export const Step = z
  .strictObject({
    name: z.string().regex(new RegExp(NAME_PATTERN), {
      message: 'step names are lower-case letters, digits, ".", "_" and "-" (they are used in {{ steps.<name> }})',
    }).optional().describe('Step name, unique within the job; used in `if` and `{{ steps.<name>.stdout }}`.'),
    run: z.string().min(1, { message: 'run must not be empty' }).describe('Shell command(s), run with bash in /workspace.'),
    files: z
      .array(z.string().min(1))
      .optional()
      .describe('Files next to the manifest copied read-only into the sandbox at $FLEETMOD_FILES.'),
    env: EnvMap.optional(),
    timeout: duration('timeout').optional(),
    if: z.string().min(1).optional().describe('Run the step only when this condition holds, e.g. `repo.name != "legacy"` or `steps.build.outcome == "failure"`.'),
    'continue-on-error': z.boolean().optional().describe('A failure of this step does not fail the repo.'),
  })
  .describe('One transformation step.');

export const VerifyEntry = z.union([
  z.string().min(1).describe('A command that must exit 0 after the steps.'),
  z
    .strictObject({
      name: z.string().regex(new RegExp(NAME_PATTERN)).optional(),
      run: z.string().min(1),
      env: EnvMap.optional(),
      timeout: duration('timeout').optional(),
    })
    .describe('A named verify command.'),
]);

export const Author = z.union([
  z.string().regex(/^[^<>]+<[^<>@\s]+@[^<>\s]+>$/, { message: 'author must look like "Name <email@example.com>"' }),
  z.strictObject({ name: z.string().min(1), email: z.string().email() }),
]);

export const PullRequest = z
  .strictObject({
    title: z.string().min(1).describe('PR title (templated).'),
    body: z.string().optional().describe('PR body in Markdown (templated).'),
    draft: z.boolean().optional().describe('Open as a draft PR.'),
    labels: z.array(z.string().min(1)).optional(),
    reviewers: z.array(z.string().min(1)).optional().describe('GitHub logins asked for review.'),
    'team-reviewers': z.array(z.string().min(1)).optional().describe('Team slugs asked for review.'),
    assignees: z.array(z.string().min(1)).optional(),
  })
  .describe('The pull request to open or keep in sync.');

export const Change = z
  .strictObject({
    branch: z.string().min(1).describe('Branch the change is committed on (templated), e.g. `fleetmod/{{ job.name }}`.'),
    commit: z
      .strictObject({
        message: z.string().min(1).describe('Commit message (templated).'),
        author: Author.optional().describe('Commit author, "Name <email>" (default: fleetmod <fleetmod@localhost>).'),
      })
      .describe('How the change is committed.'),
    pr: PullRequest.optional(),
    'on-existing': z
      .enum(['update', 'skip', 'recreate'])
      .optional()
      .describe('When the branch or PR already exists: update it (default), skip the repo, or close and recreate.'),
    'close-stale': z.boolean().optional().describe('Close the open PR when a re-run produces no diff.'),
    publish: z
      .union([z.boolean(), z.literal('draft')])
      .optional()
      .describe('Open PRs (true, default when `pr` is set), draft PRs ("draft"), or only push the branch (false).'),
  })
  .describe('What to produce from the diff.');

export const Sandbox = z
  .strictObject({
    provider: z
      .enum(['local', 'e2b', 'host'])
      .optional()
      .describe('local = bubblewrap on this machine (default); e2b = E2B cloud sandboxes; host = NO isolation (explicit unsafe opt-in).'),
    template: z.string().min(1).optional().describe('E2B template (default "base").'),
    timeout: duration('timeout').optional().describe('Wall-clock limit for all steps of one repo (default 30m).'),
    memory: size('memory').optional().describe('Memory limit per sandbox.'),
    cpus: z.number().positive().max(256).optional().describe('CPU limit per sandbox.'),
    pids: z.number().int().positive().optional().describe('Process count limit per sandbox (default 1024).'),
    disk: size('disk').optional().describe('Largest allowed workspace size, checked after each step.'),
    tmp: size('tmp').optional().describe('Size of /tmp and of the home directory inside the sandbox (default 512MiB).'),
    output: size('output').optional().describe('Output kept per step; the middle of longer output is cut (default 1MiB).'),
    network: z
      .union([z.boolean(), z.array(z.string().min(1))])
      .optional()
      .describe('false (default): no network; true: all through the egress proxy; [hosts]: only these hosts.'),
    env: EnvMap.optional(),
    secrets: z
      .array(z.string().regex(new RegExp(ENV_NAME_PATTERN), { message: 'secret names are environment variable names' }))
      .optional()
      .describe('Names of host environment variables passed into the sandbox; values are never stored or logged.'),
    e2b: z
      .strictObject({
        'vcpu': z.number().positive().optional().describe('vCPUs of the template, for cost estimates (default 2).'),
        'memory-mb': z.number().positive().optional().describe('Memory of the template in MiB (default 512).'),
        'price-vcpu-second': z.number().nonnegative().optional().describe('USD per vCPU-second (default 0.000014).'),
        'price-gib-second': z.number().nonnegative().optional().describe('USD per GiB-second (default 0.0000045).'),
        'expected-duration': duration('expected-duration').optional().describe('Expected sandbox time per repo, for plan estimates.'),
      })
      .optional()
      .describe('E2B sizing and prices used for cost accounting.'),
  })
  .describe('Where and how steps run.');

const Rate = z
  .string()
  .regex(/^\d+\s*\/\s*(s|sec|second|m|min|minute|h|hour)$/, { message: 'a rate looks like "60/hour", "5/min" or "1/s"' });

export const Window = z.union([
  z.string().regex(/^\d{2}:\d{2}-\d{2}:\d{2}$/, { message: 'a window looks like "22:00-06:00"' }),
  z.strictObject({
    start: z.string().regex(/^\d{2}:\d{2}$/),
    end: z.string().regex(/^\d{2}:\d{2}$/),
    days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).optional(),
    timezone: z.string().min(1).optional().describe('IANA time zone, e.g. "Europe/Berlin" (default: local).'),
  }),
]);

export const Limits = z
  .strictObject({
    concurrency: z.number().int().positive().max(1000).optional().describe('Repos worked on at once (default: CPUs).'),
    clone: z.number().int().positive().optional().describe('Git operations at once per git host (default 4).'),
    sandboxes: z.number().int().positive().optional().describe('Sandboxes alive at once (default: concurrency; E2B 20).'),
    'sandbox-rate': Rate.optional().describe('Sandbox creations per time unit (E2B default "1/s").'),
    'github-writes': z.number().int().positive().optional().describe('Content-creating GitHub requests per minute (default 60).'),
    'github-writes-per-hour': z.number().int().positive().optional().describe('Content-creating GitHub requests per hour (default 400).'),
    retries: z.number().int().min(0).max(10).optional().describe('Retries for transient failures (default 2).'),
    'pr-rate': Rate.optional().describe('Pull requests opened per time unit, e.g. "60/hour".'),
    deadline: z.string().min(1).optional().describe('Stop starting new repos after this time ("07:00" or an ISO timestamp).'),
    window: Window.optional().describe('Only start repos inside this daily window, e.g. "22:00-06:00".'),
  })
  .describe('Pace and parallelism.');

export const Candidate = z.strictObject({
  name: z.string().regex(new RegExp(NAME_PATTERN)).describe('Candidate name, shown in the report.'),
  steps: z.array(Step).optional().describe('Steps of this candidate (default: the job\'s steps).'),
  env: EnvMap.optional(),
});

export const GithubSettings = z
  .strictObject({
    'api-url': z.string().url().optional().describe('REST API base (default $GITHUB_API_URL or https://api.github.com).'),
    'server-url': z.string().url().optional().describe('Git host (default $GITHUB_SERVER_URL or https://github.com).'),
    fork: z.enum(['auto', 'always', 'never']).optional().describe('Push to a fork when the identity cannot push (auto, default).'),
  })
  .describe('GitHub or GitHub Enterprise Server settings.');

export const JobManifest = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1).optional().describe('Manifest language version (1).'),
    name: z
      .string({ error: 'name is required: a short id such as "rename-fetch"' })
      .regex(new RegExp(NAME_PATTERN), { message: 'name is lower-case letters, digits, ".", "_" and "-"' })
      .describe('Job id; used in branch names, run ids and the journal.'),
    description: z.string().optional(),
    repos: z.array(RepoEntry).min(1, { message: 'repos must list at least one repository' }).describe('Where the change goes.'),
    github: GithubSettings.optional(),
    sandbox: Sandbox.optional(),
    steps: z.array(Step).min(1, { message: 'steps must contain at least one step' }).describe('The transformation.'),
    verify: z.array(VerifyEntry).optional().describe('Commands that must succeed after the steps for the change to count.'),
    change: Change,
    limits: Limits.optional(),
    candidates: z
      .union([z.number().int().min(1).max(20), z.array(Candidate).min(1)])
      .optional()
      .describe('Try N solutions per repo in parallel sandboxes (or named variants) and ship the best.'),
    select: z
      .enum(['first-passing', 'smallest-diff', 'score'])
      .optional()
      .describe('How the shipped candidate is chosen (default first-passing).'),
    score: z
      .strictObject({ run: z.string().min(1), timeout: duration('timeout').optional() })
      .optional()
      .describe('With select: score, a command run in each candidate\'s sandbox that prints a number (higher wins).'),
  })
  .describe('A fleetmod job.');

export type JobManifest = z.infer<typeof JobManifest>;
export type JobManifestInput = z.input<typeof JobManifest>;
