/** The repository's log buffer: what its timer cannot hand over (the journal failed) reaches the task, not the process. */
import { describe, expect, it } from 'vitest';
import { StoreFailed } from '../../../src/domain/errors.js';
import { openTaskLog } from '../../../src/orchestrator/task-log.js';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a task log whose journal write fails on the timer', () => {
  it('throws that failure to the task at its next line, once, and keeps logging after it', async () => {
    const written: string[] = [];
    let failNext = true;
    const log = openTaskLog((text) => {
      if (failNext) {
        failNext = false;
        throw new StoreFailed('the journal could not be committed: disk full');
      }
      written.push(text);
    }, () => 0);

    log.line('first');
    await later(300);

    expect(() => log.line('second')).toThrow(StoreFailed);
    log.line('third');
    log.close();
    expect(written.join('')).toBe('1970-01-01T00:00:00.000Z third\n');
  });

  it('throws it at close when no line comes after', async () => {
    const log = openTaskLog(() => {
      throw new StoreFailed('the journal could not be committed: disk full');
    });
    log.line('only');
    await later(300);
    expect(() => log.close()).toThrow(StoreFailed);
  });
});
