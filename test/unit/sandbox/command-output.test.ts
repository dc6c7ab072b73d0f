import { describe, expect, it } from 'vitest';
import { CommandOutput } from '../../../src/sandbox/shared/output-buffer.js';
import { createRedactor } from '../../../src/util/redact.js';

const TOKEN = 'tok_9Qx7Lm2Vb8Nc4Zr6';

describe('a command’s output', () => {
  it('is redacted before the cap cuts it, and what is handed on matches what is kept', () => {
    const seen: string[] = [];
    const output = new CommandOutput(64, { redactor: createRedactor([TOKEN]), onOutput: (stream, chunk) => seen.push(`${stream}:${chunk}`) });
    // The token straddles the end of the 32-character head the cap keeps, and arrives in three chunks.
    output.push('stdout', `${'h'.repeat(25)}${TOKEN.slice(0, 4)}`);
    output.push('stdout', TOKEN.slice(4, 12));
    output.push('stdout', `${TOKEN.slice(12)}${'m'.repeat(100)}tail`);
    output.push('stderr', 'plain');

    const result = output.result();
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith(`${'h'.repeat(25)}***`)).toBe(true);
    expect(result.stdout.endsWith('tail')).toBe(true);
    expect(result.stdout).not.toMatch(/tok_|9Qx7|Zr6/);
    expect(result.stderr).toBe('plain');
    const handed = seen.filter((s) => s.startsWith('stdout:')).map((s) => s.slice('stdout:'.length)).join('');
    expect(handed).toBe(`${'h'.repeat(25)}***${'m'.repeat(100)}tail`);
    // Asking again hands on nothing more.
    const handedBefore = seen.length;
    expect(output.result()).toEqual(result);
    expect(seen).toHaveLength(handedBefore);
  });

  it('without a redactor keeps output as it came', () => {
    const output = new CommandOutput(1024);
    output.push('stdout', TOKEN);
    expect(output.result()).toEqual({ stdout: TOKEN, stderr: '', truncated: false });
  });
});
