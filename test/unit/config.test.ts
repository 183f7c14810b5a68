import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('applies defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(3000);
    expect(config.mongodbUri).toBeUndefined();
    expect(config.baseUrl).toBe('http://localhost:3000');
    expect(config.dataDir).toBe(dataDir);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['MONGODB_URI', { MONGODB_URI: 'postgres://localhost/db' }],
    ['BASE_URL', { BASE_URL: 'not a url' }],
    ['SESSION_SECRET', { SESSION_SECRET: 'short' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['POSTGRES_URL', { POSTGRES_URL: 'mysql://localhost/db' }],
  ])('rejects a bad %s with one line naming it', (variable, env) => {
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir, ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain(variable);
    expect(message).not.toContain('\n');
  });

  it('generates a session secret once, keeps it with mode 0600, and reuses it', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, 'secrets', 'session-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.sessionSecret);
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dataDir }).sessionSecret).toBe(first.sessionSecret);
  });

  it('prefers SESSION_SECRET from the environment and writes no file', () => {
    const secret = 'x'.repeat(40);
    expect(loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: secret }).sessionSecret).toBe(secret);
  });

  it('strips a trailing slash from BASE_URL', () => {
    expect(loadConfig({ DATA_DIR: dataDir, BASE_URL: 'https://academy.example.org/' }).baseUrl).toBe('https://academy.example.org');
  });

  describe('in production', () => {
    const production = { NODE_ENV: 'production', BASE_URL: 'https://academy.example.org', SMTP_URL: 'smtps://mail.example.org:465' };
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig({ DATA_DIR: dataDir, ...production, ...env });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return undefined;
    };

    it('starts with an https BASE_URL and an SMTP_URL', () => {
      expect(loadConfig({ DATA_DIR: dataDir, ...production }).baseUrl).toBe('https://academy.example.org');
    });

    it.each([
      ['a missing BASE_URL', { BASE_URL: '' }, 'BASE_URL is required in production'],
      ['a plain-http BASE_URL on a public host', { BASE_URL: 'http://academy.example.org' }, 'BASE_URL must use https://'],
      ['a missing SMTP_URL', { SMTP_URL: '' }, 'SMTP_URL is required in production'],
    ])('refuses %s with one line naming the variable', (_label, env, message) => {
      const text = refusal(env);
      expect(text).toContain(message);
      expect(text?.split('\n')).toHaveLength(1);
    });

    it.each([['http://localhost:3000'], ['http://127.0.0.1:8080'], ['http://[::1]:3000']])(
      'allows a loopback http BASE_URL (%s)',
      (baseUrl) => {
        expect(refusal({ BASE_URL: baseUrl })).toBeUndefined();
      },
    );

    it('allows a public http BASE_URL only when ALLOW_HTTP_BASE_URL=true', () => {
      expect(refusal({ BASE_URL: 'http://academy.example.org', ALLOW_HTTP_BASE_URL: 'true' })).toBeUndefined();
    });
  });

  it('keeps the data folder enterable and only the secrets folder private', () => {
    const nested = path.join(dataDir, 'nested', 'data');
    loadConfig({ DATA_DIR: nested });
    expect(statSync(nested).mode & 0o777).not.toBe(0o700);
    expect(statSync(path.join(nested, 'secrets')).mode & 0o777).toBe(0o700);
  });
});
