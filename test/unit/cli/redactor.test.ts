import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactorFor } from '../../../src/cli/compose.js';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { exitCodeFor } from '../../../src/cli/program.js';
import { withRedactedMessage } from '../../../src/cli/run-session.js';
import { DiskFull } from '../../../src/domain/errors.js';
import { createRedactor } from '../../../src/util/redact.js';
import { captureIo, testEnv } from '../../support/cli.js';
import { tempDir } from '../../support/temp.js';

const BODY = ['MIIEowIBAAKCAQEAxFakeKeyLineNumberOne0000000000000000000000000000', 'AnotherFakeBase64LineOfThePrivateKey111111111111111111111111111111'];
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${BODY.join('\n')}\n-----END RSA PRIVATE KEY-----\n`;

describe('the run redactor', () => {
  it('censors a GitHub App key given in a file, also a single line of it', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'app.pem'), PEM);
    const redactor = createRedactorFor(captureIo(dir, testEnv({ GITHUB_APP_PRIVATE_KEY_FILE: 'app.pem' })));

    expect(redactor.redact(`leaked: ${PEM}`)).not.toContain(BODY[0]);
    expect(redactor.redact(`half a key: ${BODY[1]}`)).toBe('half a key: ***');
  });

  it('censors an inline key written with escaped newlines, and tokens', async () => {
    const dir = await tempDir();
    const env = testEnv({ GITHUB_APP_PRIVATE_KEY: PEM.replace(/\n/g, '\\n'), GITHUB_TOKEN: 'ghp_abcdefgh12345678' });
    const redactor = createRedactorFor(captureIo(dir, env));

    expect(redactor.redact(`${BODY[0]} and ghp_abcdefgh12345678`)).toBe('*** and ***');
  });
});

describe('an error that stops a run', () => {
  it('reaches the terminal without secret values, still of its class (which decides the exit code)', () => {
    const secret = 'ghp_madeUpTokenValue0123456789';
    const stopped = withRedactedMessage(new DiskFull(`the disk is full: git push failed: fatal: unable to write ${secret}`), createRedactor([secret]));
    const io = captureIo('/');

    const code = exitCodeFor(stopped, io);

    expect(stopped).toBeInstanceOf(DiskFull);
    expect(code).toBe(EXIT.stopped);
    expect(io.err()).toContain('the disk is full: git push failed');
    expect(io.err()).not.toContain(secret);
  });
});
