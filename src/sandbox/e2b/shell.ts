/** Shell text for commands fleetmod itself sends into an E2B sandbox. */
import { SAFE_GIT_CONFIG } from '../../git/safe-config.js';
import { E2B_STATE_DIR } from './layout.js';

/** POSIX single-quoting (Python's shlex.quote). */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(value)) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

/**
 * envd always runs `bash -l -c <command>`. The login shell keeps the template's profile (PATH to its toolchain);
 * `exec` then gives steps the same strict shell as the local sandbox: no rc files, `-e`, `-o pipefail`.
 */
export function strictShell(command: string): string {
  return `exec /bin/bash --noprofile --norc -eo pipefail -c ${shellQuote(command)}`;
}

export const DIFF_FILE = `${E2B_STATE_DIR}/change.diff`;

/** The exit status of exportDiffCommand when the diff is larger than its `maxBytes` (the diff is not kept). */
export const CHANGE_TOO_LARGE_EXIT = 75;

/**
 * The change as `git diff --binary` against `base` (the commit the checkout was uploaded at; HEAD when unknown),
 * written to DIFF_FILE: the same commands and pinned settings as the host's worktreeDiff (throw-away index,
 * `add --all`, same diff flags), with the user's and the system's git config ignored, so both providers
 * produce the same bytes and the host can apply them. Not HEAD: a step that commits or resets moves it, and its
 * change would be lost (or the diff taken against a commit the host does not apply it to).
 */
export function exportDiffCommand(options: { base?: string; everyDiffBinary?: boolean; maxBytes?: number } = {}): string {
  const git = `git ${SAFE_GIT_CONFIG.map((c) => `-c ${shellQuote(c)}`).join(' ')}`;
  const base = shellQuote(options.base ?? 'HEAD');
  return [
    'set -eu',
    // A diff that is not UTF-8 (a Latin-1 file) is taken again with every file's diff binary, as on the host
    // (change-scripts.ts): `.git/info/attributes` outranks the worktree's .gitattributes. It is put back as it was
    // afterwards: a score command after the diff sees the repository as the steps left it.
    ...(options.everyDiffBinary
      ? [
          `mkdir -p .git/info && if [ -e .git/info/attributes ]; then cp .git/info/attributes ${E2B_STATE_DIR}/attributes; fi`,
          `trap 'if [ -e ${E2B_STATE_DIR}/attributes ]; then mv ${E2B_STATE_DIR}/attributes .git/info/attributes; else rm -f .git/info/attributes; fi' EXIT`,
          "printf '\\n* -diff\\n' >> .git/info/attributes",
        ]
      : []),
    `export GIT_INDEX_FILE=${E2B_STATE_DIR}/diff-index GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 LC_ALL=C GIT_TERMINAL_PROMPT=0`,
    `rm -f "$GIT_INDEX_FILE"`,
    `${git} read-tree ${base}`,
    `${git} add --all -- .`,
    `${git} diff --cached --binary --full-index --no-color --no-ext-diff --no-textconv --no-renames ${base} > ${DIFF_FILE}`,
    `rm -f "$GIT_INDEX_FILE"`,
    ...(options.maxBytes !== undefined
      ? [`if [ "$(stat -c %s ${DIFF_FILE})" -gt ${options.maxBytes} ]; then rm -f ${DIFF_FILE}; exit ${CHANGE_TOO_LARGE_EXIT}; fi`]
      : []),
  ].join('\n');
}
