import { AuthenticationError, FileNotFoundError, InvalidArgumentError, NotEnoughSpaceError, RateLimitError, SandboxError, SandboxNotFoundError, ServiceBusyError, TimeoutError } from 'e2b';
import { describe, expect, it } from 'vitest';
import { TransferTimedOut, classifySandboxFailure, isCommandDeadline, isRetryableApiError, isUnansweredRequest } from '../../../src/sandbox/e2b/errors.js';
import { sandboxLifetimeMs } from '../../../src/sandbox/e2b/layout.js';
import { networkOptions } from '../../../src/sandbox/e2b/policy.js';
import { sanitizeGitConfig } from '../../../src/sandbox/e2b/workspace.js';

describe('E2B policy', () => {
  it('maps the manifest network setting to create options', () => {
    expect(networkOptions(false)).toEqual({ allowInternetAccess: false });
    expect(networkOptions(true)).toEqual({ allowInternetAccess: true });
    expect(networkOptions(['registry.npmjs.org', '10.0.0.0/8'])).toEqual({ network: { allowOut: ['registry.npmjs.org', '10.0.0.0/8'], denyOut: ['0.0.0.0/0'] } });
  });

  it('keeps a sandbox alive for the budget plus unpacking, diffing and a margin', () => {
    expect(sandboxLifetimeMs(30 * 60_000)).toBe(30 * 60_000 + 2 * 120_000 + 60_000);
  });
});

describe('E2B SDK errors in fleetmod terms', () => {
  const withStatus = (status: number) => Object.assign(new SandboxError(`${status}: x`), { statusCode: status });

  it('retries control-plane back-pressure and outages, nothing else', () => {
    expect(isRetryableApiError(new RateLimitError('429'))).toBe(true);
    expect(isRetryableApiError(new ServiceBusyError('503'))).toBe(true);
    expect(isRetryableApiError(withStatus(502))).toBe(true);
    expect(isRetryableApiError(withStatus(500))).toBe(true);
    expect(isRetryableApiError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(isRetryableApiError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(true);
    expect(isRetryableApiError(withStatus(400))).toBe(false);
    expect(isRetryableApiError(new AuthenticationError('401'))).toBe(false);
    expect(isRetryableApiError(new Error('bug'))).toBe(false);
  });

  it('knows which failed creates may still have made a sandbox: those that got no answer', () => {
    expect(isUnansweredRequest(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe(true);
    expect(isUnansweredRequest(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }))).toBe(true);
    expect(isUnansweredRequest(withStatus(502))).toBe(false);
    expect(isUnansweredRequest(new RateLimitError('429'))).toBe(false);
  });

  it('tells a lost sandbox from a bad request', () => {
    for (const lost of [new SandboxNotFoundError('gone'), new TimeoutError('[unavailable]'), new SandboxError('2: [unknown] terminated'), new ServiceBusyError('x'), new RateLimitError('x')]) {
      expect(classifySandboxFailure(lost), lost.message).toBe('lost');
    }
    for (const permanent of [new FileNotFoundError('x'), new InvalidArgumentError('bad cwd'), new NotEnoughSpaceError('full'), new AuthenticationError('key'), new Error('bug')]) {
      expect(classifySandboxFailure(permanent), permanent.message).toBe('permanent');
    }
  });

  it('reads a request that ran out of time (a deadline signal or the SDK\'s requestTimeoutMs) as a sandbox not answering', () => {
    const timedOut = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifySandboxFailure(timedOut)).toBe('lost');
    expect(classifySandboxFailure(new DOMException('This operation was aborted', 'AbortError'))).toBe('lost');
    expect(classifySandboxFailure(new TransferTimedOut('the checkout did not arrive within 1m'))).toBe('lost');
  });

  it('recognises a command\'s own deadline', () => {
    expect(isCommandDeadline(new TimeoutError('[deadline_exceeded] the operation timed out'), 10, 1000)).toBe(true);
    expect(isCommandDeadline(new TimeoutError('[unknown] terminated'), 1000, 1000)).toBe(true);
    expect(isCommandDeadline(new TimeoutError('[unavailable] sandbox gone'), 10, 1000)).toBe(false);
    expect(isCommandDeadline(new SandboxError('deadline_exceeded'), 2000, 1000)).toBe(false);
  });
});

describe('sanitizeGitConfig', () => {
  it('drops remote URLs and http, credential and url sections, and keeps the rest', () => {
    const config = [
      '[core]',
      '\trepositoryformatversion = 0',
      '[remote "origin"]',
      '\turl = https://x-access-token:ghs_secret@github.com/org/repo.git',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
      '\tpushurl = https://bot:pw@github.com/org/repo.git',
      '[http "https://github.com/"]',
      '\textraheader = AUTHORIZATION: basic c2VjcmV0',
      '[credential]',
      '\thelper = store',
      '[url "https://token@github.com/"]',
      '\tinsteadOf = https://github.com/',
      '[branch "main"]',
      '\tremote = origin',
      '',
    ].join('\n');

    expect(sanitizeGitConfig(config)).toBe(
      ['[core]', '\trepositoryformatversion = 0', '[remote "origin"]', '\tfetch = +refs/heads/*:refs/remotes/origin/*', '[branch "main"]', '\tremote = origin', ''].join('\n'),
    );
  });
});
