/**
 * `change.commit.signing-key` names a file on this machine: one that is not there is said at validate time, with
 * the other problems, instead of only when a run starts (which checks the key fully: ssh-signing.ts). A warning, like
 * a missing local repository: the key may be put there between validating and running.
 */
import { stat } from 'node:fs/promises';
import { expandHome } from '../../util/home-path.js';
import type { RuleInput } from './report.js';

export async function checkSigningKey({ job, ctx, report }: RuleInput): Promise<void> {
  const written = job.change.commit.signingKey;
  if (written === undefined || !ctx.env) return;
  const keyPath = expandHome(written, ctx.env);
  const info = await stat(keyPath).catch(() => null);
  const where = ['change', 'commit', 'signing-key'];
  if (!info) report.warning(where, `signing key ${keyPath} does not exist; a run stops before it starts until it does`);
  else if (!info.isFile()) report.warning(where, `signing key ${keyPath} is not a file; a run stops before it starts until it is`);
}
