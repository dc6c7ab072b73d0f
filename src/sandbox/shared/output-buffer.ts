/**
 * Collects a command's output up to a cap, keeping the head and the tail and cutting the middle, so a sandbox
 * that prints gigabytes costs the host a bounded amount of memory.
 */
import type { RedactingStream, Redactor } from '../../util/redact.js';

export type OutputRedactor = Pick<Redactor, 'stream'>;

export class CappedOutput {
  private head = '';
  private tail = '';
  private seenChars = 0;
  private seenBytes = 0;
  private readonly half: number;

  constructor(capBytes: number) {
    this.half = Math.max(1, Math.floor(capBytes / 2));
  }

  push(chunk: string): void {
    this.seenChars += chunk.length;
    this.seenBytes += Buffer.byteLength(chunk);
    if (this.head.length < this.half) {
      const room = this.half - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk.length === 0) return;
    this.tail += chunk;
    // Trim lazily (at twice the size) so a stream of small chunks does not copy the tail every time.
    if (this.tail.length > this.half * 2) this.tail = this.tail.slice(-this.half);
  }

  get truncated(): boolean {
    return this.seenChars > this.head.length + this.keptTail().length;
  }

  get totalBytes(): number {
    return this.seenBytes;
  }

  text(): string {
    const tail = this.keptTail();
    if (!this.truncated) return this.head + tail;
    const cut = this.seenBytes - Buffer.byteLength(this.head) - Buffer.byteLength(tail);
    return `${this.head}\n… [${cut} bytes of output cut by fleetmod] …\n${tail}`;
  }

  private keptTail(): string {
    return this.tail.length > this.half ? this.tail.slice(-this.half) : this.tail;
  }
}

type Stream = 'stdout' | 'stderr';

export interface CommandOutputOptions {
  /** Called with output as it arrives — redacted already when a redactor is given. */
  onOutput?: (stream: Stream, chunk: string) => void;
  /** Censors secrets in the output as it arrives, before anything is handed on, kept or cut. */
  redactor?: OutputRedactor;
}

/**
 * A command's two output streams: each chunk redacted (when asked), handed on and kept up to the cap. Redacting
 * comes first because cutting comes later: a secret cut in two by the cap or by a line split would no longer match.
 */
export class CommandOutput {
  private readonly kept: Record<Stream, CappedOutput>;
  private readonly redacting: Partial<Record<Stream, RedactingStream>>;
  private ended = false;

  constructor(
    capBytes: number,
    private readonly options: CommandOutputOptions = {},
  ) {
    this.kept = { stdout: new CappedOutput(capBytes), stderr: new CappedOutput(capBytes) };
    this.redacting = options.redactor ? { stdout: options.redactor.stream(), stderr: options.redactor.stream() } : {};
  }

  push(stream: Stream, chunk: string): void {
    const redacting = this.redacting[stream];
    this.hand(stream, redacting ? redacting.push(chunk) : chunk);
  }

  /** What each stream kept; the first call also hands on what redaction held back. */
  result(): { stdout: string; stderr: string; truncated: boolean } {
    if (!this.ended) {
      this.ended = true;
      for (const stream of ['stdout', 'stderr'] as const) {
        const rest = this.redacting[stream]?.end();
        if (rest) this.hand(stream, rest);
      }
    }
    const { stdout, stderr } = this.kept;
    return { stdout: stdout.text(), stderr: stderr.text(), truncated: stdout.truncated || stderr.truncated };
  }

  private hand(stream: Stream, text: string): void {
    if (text === '') return;
    this.kept[stream].push(text);
    this.options.onOutput?.(stream, text);
  }
}
