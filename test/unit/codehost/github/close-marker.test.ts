/** Which comments say fleetmod closed a PR (so it was not declined): its marker, and the wording of its older closing comments. */
import { describe, expect, it } from 'vitest';
import { CLOSED_BY_FLEETMOD, isClosingComment, withCloseMarker } from '../../../../src/codehost/github/close-marker.js';

describe('closing comments', () => {
  it('fleetmod marks the comment it closes with, invisibly, the same way each time', () => {
    const text = 'fleetmod run r-1 of job rename no longer produces a change for this repository; closing.';
    expect(withCloseMarker(text)).toBe(`${text}\n\n${CLOSED_BY_FLEETMOD}`);
    expect(withCloseMarker(`${text}\n`)).toBe(withCloseMarker(text));
    expect(isClosingComment(withCloseMarker('Superseded by a new pull request.'))).toBe(true);
  });

  it('recognises the unmarked closing comments of earlier versions by their wording', () => {
    expect(isClosingComment('fleetmod run 2025-01-02T03-04-05-ab12 of job rename-fetch no longer produces a change for this repository; closing.')).toBe(true);
    expect(isClosingComment('Superseded by a new pull request from fleetmod run r-9 (on-existing: recreate).')).toBe(true);
  });

  it("does not take a person's comment for fleetmod's", () => {
    expect(isClosingComment('Closing: we do not want this change.')).toBe(false);
    expect(isClosingComment('> Superseded by a new pull request from fleetmod run r-9 (on-existing: recreate).\n\nNo, it was not.')).toBe(false);
  });
});
