/** What `fleetmod init` does (registered in init.ts, loaded only when it runs). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, UsageError } from '../../domain/errors.js';
import { JOB_SCHEMA_FILE } from '../../manifest/json-schema.js';
import { starterManifest, starterNameProblem } from '../../manifest/starter.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { DEFAULT_NAME } from './init.js';
import { shellWord } from '../../report/format.js';
import { makeFolders } from '../../util/make-folders.js';

export async function initCommand(io: CliIo, nameOrFile = DEFAULT_NAME): Promise<ExitCode> {
  const fileName = /\.ya?ml$/i.test(nameOrFile) ? nameOrFile : `${nameOrFile}.yaml`;
  const name = path.basename(fileName).replace(/\.ya?ml$/i, '');
  const problem = starterNameProblem(name);
  if (problem) throw new UsageError(`"${name}" cannot be a job name: ${problem}`);
  const target = path.resolve(io.cwd, fileName);
  const schemaPath = toPosix(path.relative(path.dirname(target), JOB_SCHEMA_FILE));
  try {
    // Not mkdir's recursive option: it never returns for a path under a filesystem that refuses every folder (/proc).
    await makeFolders(path.dirname(target));
  } catch (err) {
    throw cannotWrite(fileName, err);
  }
  try {
    await writeFile(target, starterManifest({ name, schemaPath, fileName }), { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new UsageError(`${fileName} already exists; it was left as it is (choose another name or remove it first)`);
    }
    throw cannotWrite(fileName, err);
  }
  const arg = shellWord(fileName);
  io.stdout(`wrote ${fileName}: edit repos and steps, then fleetmod validate ${arg} and fleetmod plan ${arg}\n`);
  return EXIT.ok;
}

/** A path the user typed that cannot be written is their input to fix (exit 2), not fleetmod failing. */
function cannotWrite(fileName: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a folder above it is a file' : errorMessage(err);
  return new UsageError(`cannot write ${fileName}: ${why}`);
}

function toPosix(relative: string): string {
  const posix = relative.split(path.sep).join('/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}
