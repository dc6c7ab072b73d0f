/**
 * Collects a command's output up to a cap, keeping the head and the tail and cutting the middle, so a sandbox
 * that prints gigabytes costs the host a bounded amount of memory.
 */
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
