/**
 * A repository's log: git results, steps' output, errors — kept in the journal (store.appendTaskLog, redacted
 * there), so `fleetmod show RUN REPO --log` has it, also while the run goes on. Lines are collected and handed
 * over together at most FLUSH_DELAY_MS after the first of them (and at close): a quick repository costs one
 * journal row, while the output of a long step still arrives as it happens.
 */
export interface TaskLog {
  line(text: string): void;
  /** Raw output of a command, prefixed per line. */
  output(prefix: string, text: string): void;
  /** Hands over what is left; nothing is written after. */
  close(): void;
}

const FLUSH_DELAY_MS = 200;

export function openTaskLog(sink: (text: string) => void, now: () => number = Date.now): TaskLog {
  let buffered = '';
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // What the sink threw when the timer handed text over (the journal could not commit): thrown to the task at its
  // next line or at close, so it ends the task's way instead of as an uncaught throw from a timer.
  let failure: unknown;
  const rethrow = () => {
    if (failure === undefined) return;
    const err = failure;
    failure = undefined;
    throw err;
  };

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffered === '') return;
    const text = buffered;
    buffered = '';
    sink(text);
  };
  const flushLater = () => {
    try {
      flush();
    } catch (err) {
      failure ??= err;
    }
  };
  const write = (text: string) => {
    if (closed) return;
    rethrow();
    buffered += text;
    if (!timer) {
      timer = setTimeout(flushLater, FLUSH_DELAY_MS);
      timer.unref();
    }
  };

  return {
    line(text) {
      write(`${new Date(now()).toISOString()} ${text}\n`);
    },
    output(prefix, text) {
      if (!text) return;
      const lines = text.endsWith('\n') ? text.slice(0, -1) : text;
      write(`${lines.split('\n').map((l) => `${prefix} ${l}`).join('\n')}\n`);
    },
    close() {
      closed = true;
      rethrow();
      flush();
    },
  };
}
