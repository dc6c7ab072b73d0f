import { describe, expect, it } from 'vitest';
import { classifyGitError } from '../../../src/git/classify-git-error.js';

describe('classifyGitError', () => {
  it.each([
    {
      name: 'an SSH server closing the connection under load',
      stderr: 'kex_exchange_identification: Connection closed by remote host\nConnection closed by 140.82.121.4 port 22\nfatal: Could not read from remote repository.',
    },
    {
      name: 'a TLS read timing out (GnuTLS)',
      stderr: "fatal: unable to access 'https://github.com/o/r.git/': GnuTLS recv error (-110): The TLS connection was non-properly terminated.",
    },
    {
      name: 'an HTTP/2 stream reset by the server',
      stderr: "fatal: unable to access 'https://github.com/o/r.git/': HTTP/2 stream 5 was reset",
    },
    {
      name: "GitHub's failed ref update on push",
      stderr: 'remote: fatal error in commit_refs\nTo https://github.com/o/r.git\n ! [remote rejected] fleetmod/x -> fleetmod/x (failure)\nerror: failed to push some refs',
    },
    {
      name: 'a ref lock held by another writer',
      stderr: "error: cannot lock ref 'refs/heads/fleetmod/x': Unable to create '/r.git/refs/heads/fleetmod/x.lock': File exists.",
    },
  ])('$name is transient', ({ stderr }) => {
    expect(classifyGitError(stderr)).toBe('transient');
  });

  it.each([
    {
      name: 'pushing a branch under an existing branch of the same name (remote side)',
      stderr:
        "remote: error: cannot lock ref 'refs/heads/fleetmod/x': 'refs/heads/fleetmod' exists; cannot create 'refs/heads/fleetmod/x'\n" +
        ' ! [remote rejected] HEAD -> fleetmod/x (failed to update ref)\nerror: failed to push some refs to \'../r.git\'',
    },
    {
      name: 'creating a branch under an existing branch of the same name (local side)',
      stderr: "fatal: cannot lock ref 'refs/heads/fleetmod/x': 'refs/heads/fleetmod' exists; cannot create 'refs/heads/fleetmod/x'",
    },
    {
      name: 'a certificate that does not verify',
      stderr: "fatal: unable to access 'https://example.com/r.git/': server certificate verification failed. CAfile: none CRLfile: none",
    },
    {
      name: 'a missing repository',
      stderr: "fatal: repository 'https://github.com/o/missing.git/' not found",
    },
  ])('$name is permanent', ({ stderr }) => {
    expect(classifyGitError(stderr)).toBe('permanent');
  });
});
