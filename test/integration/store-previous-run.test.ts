/**
 * The run a report compares with ("Since the previous run"): the one before it of the same job and the same kind.
 * A dry run previewing tonight's change is not last night's run: a real run compared with it would show no merged
 * PRs and every repository as new.
 */
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createSqliteRunStore } from '../../src/store/sqlite-run-store.js';
import { createRedactor } from '../../src/util/redact.js';
import { tempDir } from '../support/temp.js';

async function journal() {
  const db = openDb(path.join(await tempDir(), 'fleetmod.db'));
  migrate(db);
  let clock = 1_000;
  const store = createSqliteRunStore(db, { redactor: createRedactor([]), now: () => (clock += 1_000) });
  onTestFinished(() => store.close());
  const run = (id: string, jobName: string, dryRun: boolean) =>
    store.createRun({ id, jobName, manifestPath: 'j.yaml', manifestHash: 'h', jobJson: '{}', provider: 'local', dryRun, runDir: `/tmp/${id}` });
  return { store, run };
}

describe('the previous run of a run', () => {
  it('is the latest earlier run of the same job that is a dry run exactly when this one is', async () => {
    const { store, run } = await journal();
    const monday = run('monday', 'upgrade', false);
    run('other-job', 'lint', false);
    const preview = run('preview', 'upgrade', true);
    const tuesday = run('tuesday', 'upgrade', false);
    const secondPreview = run('preview-2', 'upgrade', true);

    expect(store.previousRun(tuesday)?.id).toBe(monday.id);
    expect(store.previousRun(secondPreview)?.id).toBe(preview.id);
    expect(store.previousRun(monday)).toBeUndefined();
    expect(store.previousRun(preview)).toBeUndefined();
  });
});
