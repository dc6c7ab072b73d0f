import { describe, expect, it } from 'vitest';
import { safeGitEnv } from '../../../src/git/safe-config.js';

describe('the environment host git runs with', () => {
  it('ends stalled HTTP transfers after five minutes unless the user chose otherwise', () => {
    expect(safeGitEnv({ PATH: '/usr/bin' })).toMatchObject({ GIT_HTTP_LOW_SPEED_LIMIT: '1', GIT_HTTP_LOW_SPEED_TIME: '300' });
    expect(safeGitEnv({ GIT_HTTP_LOW_SPEED_LIMIT: '1000', GIT_HTTP_LOW_SPEED_TIME: '60' })).toMatchObject({ GIT_HTTP_LOW_SPEED_LIMIT: '1000', GIT_HTTP_LOW_SPEED_TIME: '60' });
  });

  it('drops git variables that could redirect or run something, and never prompts', () => {
    const env = safeGitEnv({ GIT_DIR: '/elsewhere', GIT_SSH_COMMAND: 'evil', GIT_SSL_CAINFO: '/ca.pem', HOME: '/home/me' });
    expect(env).not.toHaveProperty('GIT_DIR');
    expect(env).not.toHaveProperty('GIT_SSH_COMMAND');
    expect(env).toMatchObject({ GIT_SSL_CAINFO: '/ca.pem', HOME: '/home/me', GIT_TERMINAL_PROMPT: '0' });
  });
});
