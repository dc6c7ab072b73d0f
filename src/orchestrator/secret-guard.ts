/** The last check before anything leaves the host: no secret value in what fleetmod publishes. */
import { FleetmodError } from '../domain/errors.js';
import type { Redactor } from '../util/redact.js';

/** Thrown when the diff would publish the value of a secret. */
export class SecretInDiff extends FleetmodError {
  override readonly name = 'SecretInDiff';
  readonly errorClass = 'permanent';
}

/** Anything that would publish a secret (a manifest secret or the push token) is refused before it leaves. */
export function assertNoSecrets(text: string, what: string, redactor: Redactor): void {
  if (redactor.redact(text) !== text) {
    throw new SecretInDiff(`${what} contains the value of a secret (a manifest secret or the push token); refusing to publish it`);
  }
}
