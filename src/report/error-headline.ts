/**
 * The one line a failure is shown by (a failure group's example, a JUnit failure's message). It is the error's first
 * line, unless that line only introduces what follows: git's "fatal: unable to access '…': Failed to connect to
 * 127.0.0.1:" puts the cause ("Connection refused") on the next line, and a headline without it says nothing. Then
 * the next non-empty line is joined to it. Grouping does not use this (errorSignature keeps the first line alone), so
 * groups stay what they were.
 */
import { stripControl } from './escape.js';

/** The joined line's share: the cause, not a whole paragraph that happens to follow a colon. */
const CAUSE_MAX = 160;

export function errorHeadline(message: string): string {
  const lines = message.split('\n').filter((l) => l.trim() !== '');
  const first = lines[0] ?? '';
  const next = lines[1];
  // Colour codes after the colon (`…:\u001b[0m`) do not make it less of an introduction.
  if (next === undefined || !stripControl(first).trimEnd().endsWith(':')) return first;
  const cause = next.trim();
  return `${first.trimEnd()} ${cause.length > CAUSE_MAX ? `${cause.slice(0, CAUSE_MAX - 1)}…` : cause}`;
}
