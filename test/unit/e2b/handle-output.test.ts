import { describe, expect, it } from 'vitest';
import { handleOutput, type OutputStream } from '../../../src/sandbox/e2b/handle-output.js';

describe('handleOutput', () => {
  it('passes every chunk on and empties the copy of the handle the SDK calls it on, before the handle is attached', () => {
    const pushed: [OutputStream, string][] = [];
    const streams = handleOutput((stream, chunk) => pushed.push([stream, chunk]));
    // As e2b 2.51.0 does: append to its own string, then call the callback on the handle.
    const handle = { _stdout: 'early', _stderr: 'oops' };
    streams.onStdout.call(handle, 'early');
    streams.onStderr.call(handle, 'oops');

    expect(pushed).toEqual([['stdout', 'early'], ['stderr', 'oops']]);
    expect(handle).toEqual({ _stdout: '', _stderr: '' });
  });

  it('once attached, empties the handle even when a callback is not called on it', () => {
    const streams = handleOutput(() => undefined);
    const handle = { _stdout: 'before', _stderr: 'before' };
    streams.attach(handle);
    expect(handle).toEqual({ _stdout: '', _stderr: '' });

    handle._stdout = 'chunk';
    streams.onStdout.call(undefined, 'chunk');
    expect(handle._stdout).toBe('');
  });

  it('leaves fields that are not strings alone (an SDK that changed its handle)', () => {
    const streams = handleOutput(() => undefined);
    const handle = { _stdout: ['a'], _stderr: undefined };
    streams.attach(handle);
    streams.onStdout.call(handle, 'a');

    expect(handle).toEqual({ _stdout: ['a'], _stderr: undefined });
  });
});
