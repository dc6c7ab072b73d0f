import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RepoRef } from '../../../src/domain/repo.js';
import { missingLocalRepoMessages } from '../../../src/manifest/local-repo-check.js';
import { tempDir } from '../../support/temp.js';

const local = (url: string): RepoRef => ({ key: url, url, kind: 'local', owner: 'repos', name: path.basename(url), display: url, env: {} });

describe('missing local repositories of a run gone on with from the journal (resume, retry)', () => {
  it('names the first three and counts the rest, without pointing into a manifest', async () => {
    const dir = await tempDir();
    const gone = Array.from({ length: 5 }, (_, i) => path.join(dir, `gone-${i + 1}.git`));

    const messages = missingLocalRepoMessages([local(dir), ...gone.map(local)]);

    expect(messages).toEqual([
      `local repository ${gone[0]} does not exist; the run will fail it`,
      `local repository ${gone[1]} does not exist; the run will fail it`,
      `local repository ${gone[2]} does not exist; the run will fail it`,
      '2 more local repositories are missing or not a folder; the run will fail them',
    ]);
  });
});
