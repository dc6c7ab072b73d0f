/** Where things live inside an E2B sandbox, and the metadata fleetmod tags its sandboxes with. */

/** The template's default user's home; the only place the default user can write besides /tmp. */
export const E2B_HOME = '/home/user';
/** The repository checkout (the local provider's /workspace). */
export const E2B_WORKSPACE = `${E2B_HOME}/workspace`;
/** fleetmod's own files: the uploaded tarball, step files, the exported diff. Outside the checkout. */
export const E2B_STATE_DIR = `${E2B_HOME}/.fleetmod`;
export const E2B_FILES_DIR = `${E2B_STATE_DIR}/files`;

/** Metadata key that marks a sandbox as fleetmod's (with `job`, `run` and `repo` next to it). */
export const CREATED_BY_KEY = 'created-by';
export const CREATED_BY_VALUE = 'fleetmod';
/**
 * Metadata key of a value unique to each create attempt: a create that failed without an answer (timed out, lost
 * its connection) may still have made a sandbox, and this finds exactly that one.
 */
export const CREATE_ID_KEY = 'create-id';

/** Allowance for each of fleetmod's own commands (unpacking the checkout, taking the diff), outside the job's budget. */
export const HOUSEKEEPING_TIMEOUT_MS = 120_000;

/** Extra sandbox lifetime beyond the budget and the housekeeping, so fleetmod's own deadlines fire first. */
export const LIFETIME_MARGIN_MS = 60_000;

/**
 * How long E2B keeps a sandbox alive: the job's budget, unpacking and diffing, and a margin — so fleetmod's own
 * deadline fires first and a sandbox leaked by a crash still dies on its own.
 */
export function sandboxLifetimeMs(budgetMs: number): number {
  return budgetMs + 2 * HOUSEKEEPING_TIMEOUT_MS + LIFETIME_MARGIN_MS;
}

/** The SDK's own deadline per request when none is configured (`requestTimeoutMs`). */
const SDK_REQUEST_TIMEOUT_MS = 60_000;

/** Uploads and downloads of a workspace get the job's sandbox time budget, at least the SDK's request deadline. */
export function transferTimeoutMs(sandboxTimeoutMs: number, requestTimeoutMs = SDK_REQUEST_TIMEOUT_MS): number {
  return Math.max(requestTimeoutMs, sandboxTimeoutMs);
}
