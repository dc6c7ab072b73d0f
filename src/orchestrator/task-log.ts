/**
 * The per-repo log file under the run's folder: steps' output, git results, errors, each line redacted. Appends,
 * so a resumed or retried task keeps its history in one file.
 *
 * Lines are collected and appended together at most FLUSH_DELAY_MS after the first of them (and at close): a
 * repository that takes a fraction of a second costs one append instead of a stream with a write per line, while
 * the output of a long step still shows up in the file as it happens.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Redactor } from '../util/redact.js';

export interface TaskLog {
  readonly path: string;
  line(text: string): void;
  /** Raw output of a command, prefixed per line. */
  output(prefix: string, text: string): void;
  close(): Promise<void>;
}

const FLUSH_DELAY_MS = 200;

export function openTaskLog(file: string, redactor: Redactor, now: () => number = Date.now): TaskLog {
  let buffered = '';
  let timer: NodeJS.Timeout | undefined;
  // Appends run one after the other, in order; a log that cannot be written is given up on, never an error.
  let writing: Promise<void> = Promise.resolve();
  let broken = false;

  const append = async (text: string) => {
    try {
      await appendFile(file, text);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(path.dirname(file), { recursive: true });
      await appendFile(file, text);
    }
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffered === '' || broken) return;
    // Redacted as one text: a secret split between two pieces of streamed output is still found.
    const text = redactor.redact(buffered);
    buffered = '';
    writing = writing.then(() => append(text)).catch(() => {
      broken = true;
    });
  };
  const write = (text: string) => {
    if (broken) return;
    buffered += text;
    if (!timer) {
      timer = setTimeout(flush, FLUSH_DELAY_MS);
      timer.unref();
    }
  };

  return {
    path: file,
    line(text) {
      write(`${new Date(now()).toISOString()} ${text}\n`);
    },
    output(prefix, text) {
      if (!text) return;
      const lines = text.endsWith('\n') ? text.slice(0, -1) : text;
      write(`${lines.split('\n').map((l) => `${prefix} ${l}`).join('\n')}\n`);
    },
    async close() {
      flush();
      await writing;
    },
  };
}
