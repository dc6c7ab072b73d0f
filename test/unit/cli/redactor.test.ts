import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRedactorFor } from '../../../src/cli/compose.js';
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
