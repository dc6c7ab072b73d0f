/** What `fleetmod init` does (registered in init.ts, loaded only when it runs). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../domain/errors.js';
import { JOB_SCHEMA_FILE } from '../../manifest/json-schema.js';
import { starterManifest, starterNameProblem } from '../../manifest/starter.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { DEFAULT_NAME } from './init.js';
import { shellWord } from '../../report/format.js';

export async function initCommand(io: CliIo, nameOrFile = DEFAULT_NAME): Promise<ExitCode> {
  const fileName = /\.ya?ml$/i.test(nameOrFile) ? nameOrFile : `${nameOrFile}.yaml`;
  const name = path.basename(fileName).replace(/\.ya?ml$/i, '');
  const problem = starterNameProblem(name);
  if (problem) throw new UsageError(`"${name}" cannot be a job name: ${problem}`);
  const target = path.resolve(io.cwd, fileName);
  const schemaPath = toPosix(path.relative(path.dirname(target), JOB_SCHEMA_FILE));
  await mkdir(path.dirname(target), { recursive: true });
  try {
    await writeFile(target, starterManifest({ name, schemaPath, fileName }), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`${fileName} already exists; it was left as it is (choose another name or remove it first)`);
    }
    throw err;
  }
  const arg = shellWord(fileName);
  io.stdout(`wrote ${fileName}: edit repos and steps, then fleetmod validate ${arg} and fleetmod plan ${arg}\n`);
  return EXIT.ok;
}

function toPosix(relative: string): string {
  const posix = relative.split(path.sep).join('/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}
