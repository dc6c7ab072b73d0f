/**
 * The baseline of the report benchmark: the least a report can do — read every repository's outcome of a run
 * from the journal and write one line per repository.
 *
 *   node dump.js DB RUN OUT
 */
import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const [dbPath, runId, out] = process.argv.slice(2);
const db = new Database(dbPath as string, { readonly: true, fileMustExist: true });
const rows = db.prepare('SELECT repo_key, outcome, error_message FROM tasks WHERE run_id = ? ORDER BY position').raw().all(runId) as [string, string | null, string | null][];
writeFileSync(out as string, rows.map(([repo, outcome, error]) => `${repo}\t${outcome ?? 'pending'}\t${error ?? ''}\n`).join(''));
db.close();
