/**
 * Errors crossing the thread boundary. A structured clone keeps an Error's message but not its class, and callers
 * decide on the class (GitFailed and its error class, BranchMoved, Interrupted), so each is sent as plain data and
 * made again on the other side.
 */
import { ChangeTooLarge, FleetmodError, GitFailed, Interrupted, type ErrorClass } from '../../domain/errors.js';
import { BranchMoved } from '../host-git.js';

export interface WireError {
  name: string;
  message: string;
  errorClass?: ErrorClass;
}

export function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  return { name: err.name, message: err.message, ...(err instanceof FleetmodError && { errorClass: err.errorClass }) };
}

export function fromWire(wire: WireError): Error {
  switch (wire.name) {
    case 'BranchMoved':
      return new BranchMoved(wire.message);
    case 'Interrupted':
      return new Interrupted(wire.message);
    case 'GitFailed':
      return new GitFailed(wire.message, wire.errorClass ?? 'permanent');
    case 'ChangeTooLarge':
      return new ChangeTooLarge(wire.message);
    default:
      // Host git throws only the classes above; anything else is a fault of fleetmod's own and stays one.
      return Object.assign(new Error(wire.message), { name: wire.name });
  }
}
