/**
 * Which ProcessLauncher host git uses: the helper (perl-launcher.ts) where perl is installed, Node's own spawn
 * where it is not. `FLEETMOD_PROCESS_HELPER=node` asks for Node's spawn anyway (a way out should the helper ever
 * misbehave on some system; the two behave the same, and the tests run both).
 */
import { accessSync, constants } from 'node:fs';
import type { ProcessLauncher } from './launcher.js';
import { createNodeLauncher } from './node-launcher.js';
import { createPerlLauncher } from './perl-launcher.js';

export const PERL_CANDIDATES = ['/usr/bin/perl', '/bin/perl'] as const;

export function chooseProcessLauncher(env: NodeJS.ProcessEnv): ProcessLauncher {
  if (env.FLEETMOD_PROCESS_HELPER === 'node') return createNodeLauncher();
  const perl = PERL_CANDIDATES.find(isExecutable);
  return perl === undefined ? createNodeLauncher() : createPerlLauncher(perl);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
