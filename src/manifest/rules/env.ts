/**
 * Environment given to the sandbox: names fleetmod sets itself cannot be overridden, a name is either a literal
 * or a secret, fleetmod's own credentials are never a secret of the sandbox, and every secret must be set on the host
 * before a run starts (its value is read at run time and never stored).
 */
import { OWN_CREDENTIAL_NAMES } from '../../domain/own-credentials.js';
import type { PathPart } from '../positions.js';
import type { JobManifest } from '../schema.js';
import type { RuleInput } from './report.js';

const RESERVED_PREFIX = 'FLEETMOD_';

type Candidate = Extract<JobManifest['candidates'], unknown[]>[number];

interface EnvMapAt {
  path: PathPart[];
  env: Record<string, string> | undefined;
}

export function checkEnvironment({ manifest: m, ctx, report }: RuleInput): void {
  const maps: EnvMapAt[] = [
    { path: ['sandbox', 'env'], env: m.sandbox?.env },
    ...m.steps.map((s, i) => ({ path: ['steps', i, 'env'], env: s.env })),
    ...(m.verify ?? []).map((v, i) => ({ path: ['verify', i, 'env'], env: typeof v === 'string' ? undefined : v.env })),
    ...m.repos.map((r, i) => ({ path: ['repos', i, 'env'], env: typeof r === 'object' && 'repo' in r ? r.env : undefined })),
    ...(Array.isArray(m.candidates) ? m.candidates.flatMap((c, i) => candidateMaps(c, i)) : []),
  ];
  const secrets = m.sandbox?.secrets ?? [];
  for (const { path, env } of maps) {
    for (const name of Object.keys(env ?? {})) {
      if (name.startsWith(RESERVED_PREFIX)) {
        report.error([...path, name], `names starting with ${RESERVED_PREFIX} are set by fleetmod; choose another name`);
      } else if (secrets.includes(name)) {
        report.error([...path, name], 'also listed in sandbox.secrets; a variable is either a literal value or a secret, not both');
      }
    }
  }

  const seen = new Set<string>();
  secrets.forEach((name, i) => {
    const path = ['sandbox', 'secrets', i];
    if (seen.has(name)) report.warning(path, `secret ${name} is listed twice`);
    seen.add(name);
    if (name.startsWith(RESERVED_PREFIX)) {
      report.error(path, `names starting with ${RESERVED_PREFIX} are set by fleetmod; choose another name`);
    } else if (OWN_CREDENTIAL_NAMES.includes(name)) {
      // The transformation is untrusted code: with the push token or the E2B key it could push anywhere the identity
      // can, or start and kill sandboxes on the account.
      report.error(
        path,
        `${name} is fleetmod's own credential (it pushes, opens pull requests or creates sandboxes on the host) and never goes into a sandbox; give the steps a token of their own under another name`,
      );
    } else if (ctx.env && !ctx.env[name]) {
      report.report(
        ctx.missingSecrets ?? 'error',
        path,
        `secret ${name} is not set in this environment; export it before running (its value goes to the sandbox, never to logs or the journal)`,
      );
    }
  });
}

/** A candidate's own env and each of its steps' env: they reach the sandbox like the job's steps' env does. */
function candidateMaps(c: Candidate, i: number): EnvMapAt[] {
  return [{ path: ['candidates', i, 'env'], env: c.env }, ...(c.steps ?? []).map((s, j) => ({ path: ['candidates', i, 'steps', j, 'env'], env: s.env }))];
}
