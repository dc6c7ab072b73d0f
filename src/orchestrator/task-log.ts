/**
 * The per-repo log file under the run's folder: steps' output, git results, errors, each line redacted. Appends,
 * so a resumed or retried task keeps its history in one file.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Redactor } from '../util/redact.js';

export interface TaskLog {
  readonly path: string;
  line(text: string): void;
  /** Raw output of a command, prefixed per line. */
  output(prefix: string, text: string): void;
  close(): Promise<void>;
}

export function openTaskLog(file: string, redactor: Redactor, now: () => number = Date.now): TaskLog {
  mkdirSync(path.dirname(file), { recursive: true });
  let stream: WriteStream | undefined = createWriteStream(file, { flags: 'a' });
  stream.on('error', () => {
    stream = undefined;
  });
  const write = (text: string) => stream?.write(redactor.redact(text));
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
    close() {
      return new Promise((resolve) => {
        if (!stream) return resolve();
        stream.end(() => resolve());
        stream = undefined;
      });
    },
  };
}
