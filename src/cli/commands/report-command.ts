/** What `fleetmod report` does (registered in report.ts, loaded only when it runs). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RunNotFound, UsageError, errorMessage } from '../../domain/errors.js';
import { isReportFormat, REPORT_FORMATS } from '../../report/formats.js';
import { renderReport } from '../../report/render.js';
import { loadRunData } from '../../report/run-data.js';
import { summarize } from '../../report/summarize.js';
import { makeFolders } from '../../util/make-folders.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { journalArgs } from '../global-options.js';
import type { CliIo } from '../io.js';
import { findRun, openJournal } from './journal-access.js';

export interface ReportCommandOptions {
  format?: string;
  out?: string;
  diffs?: boolean;
  stateDir?: string;
  db?: string;
}

export async function reportCommand(io: CliIo, runId: string | undefined, opts: ReportCommandOptions): Promise<ExitCode> {
  const format = opts.format ?? 'text';
  if (!isReportFormat(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${format}"`);
  // Silently leaving the diffs out would look like a run without changes to whoever reads the file.
  if (opts.diffs && format !== 'json') {
    const instead = format === 'html' ? 'the HTML report shows each diff already (long ones cut; fleetmod show RUN REPO --diff prints one whole)' : 'fleetmod show RUN REPO --diff prints one';
    throw new UsageError(`--diffs works with --format json only; ${instead}`);
  }
  const store = openJournal(io, opts);
  try {
    const run = findRun(store, runId);
    const data = loadRunData(store, run.id, { now: Date.now(), fullCandidateDiffs: format === 'json' && Boolean(opts.diffs) });
    if (!data) throw new RunNotFound(`run ${run.id} disappeared from the journal`);
    const text = renderReport(summarize(data, { journalArgs: journalArgs(io, opts) }), format, { includeDiffs: Boolean(opts.diffs) });
    if (opts.out) {
      const file = path.resolve(io.cwd, opts.out);
      try {
        await makeFolders(path.dirname(file));
        await writeFile(file, text);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'EISDIR' ? 'it is a folder' : code === 'ENOTDIR' || code === 'EEXIST' ? 'a folder above it is a file' : errorMessage(err);
        throw new UsageError(`cannot write the report to ${file}: ${why}`);
      }
      io.stdout(`Wrote the ${format} report of run ${run.id} to ${file}\n`);
    } else {
      io.stdout(text);
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}
