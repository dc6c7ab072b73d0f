/**
 * Output callbacks for `commands.run` that keep the SDK's CommandHandle from holding a command's whole output.
 *
 * Written against e2b 2.51.0: its CommandHandle appends every decoded chunk to private `_stdout`/`_stderr` strings
 * before handing it to onStdout/onStderr, whatever the caller keeps, and has no option to stop that. fleetmod keeps
 * its own capped copy (CommandOutput, `sandbox.output`), so the handle's copy only costs memory: a chatty step times
 * a hundred sandboxes exhausts the host, and past V8's longest string (~512 MiB) the append throws a RangeError
 * that fails the repo as an E2B failure. So each chunk, once passed on, is dropped from the handle.
 *
 * The fields are private to the SDK: each is reset only while it is a string, so an SDK that renames or drops them
 * is left alone (and the test that streams far more than the cap fails, saying this needs another look).
 */

export type OutputStream = 'stdout' | 'stderr';

export interface HandleOutput {
  onStdout(this: unknown, chunk: string): void;
  onStderr(this: unknown, chunk: string): void;
  /** Once `commands.run` has returned the handle: drops what it holds, and lets later chunks reach it for certain. */
  attach(handle: object): void;
}

const FIELD = { stdout: '_stdout', stderr: '_stderr' } as const;

export function handleOutput(push: (stream: OutputStream, chunk: string) => void): HandleOutput {
  let handle: object | undefined;
  const callback = (stream: OutputStream) =>
    function (this: unknown, chunk: string): void {
      push(stream, chunk);
      // The SDK calls the callbacks on the handle itself (`this`), which also covers output that arrives before
      // `commands.run` has resolved and handed the handle over.
      forget(this, stream);
      forget(handle, stream);
    };
  return {
    onStdout: callback('stdout'),
    onStderr: callback('stderr'),
    attach(h) {
      handle = h;
      forget(h, 'stdout');
      forget(h, 'stderr');
    },
  };
}

function forget(target: unknown, stream: OutputStream): void {
  if (typeof target !== 'object' || target === null) return;
  const fields = target as Record<string, unknown>;
  if (typeof fields[FIELD[stream]] === 'string') fields[FIELD[stream]] = '';
}
