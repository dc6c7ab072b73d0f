/**
 * Reads a download from a sandbox into memory, stopping at a limit counted here, on the host, as the bytes arrive.
 * A size check inside the sandbox runs in a shell the step can change (envd starts every command as `bash -l`,
 * which reads a profile the step may have rewritten), so it can only be an early exit, never the guarantee.
 */

/**
 * The stream's bytes, or `undefined` once more than `maxBytes` arrived: the stream is then cancelled, so the rest
 * never crosses the wire into this process.
 */
export async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks, total);
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}
