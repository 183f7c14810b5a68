import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { createSealer } from '../../src/mail/seal';
import { describeFailure, maskAddress } from '../../src/mail/transport';
import { recipientLocale } from '../../src/mail/translated-mail';

describe('describeFailure', () => {
  const smtpUrl = 'smtps://mailer%40academy.org:S3cr%2Bt-pass@smtp.example.org:465';

  it('never keeps the user name or password of SMTP_URL, nor any URL credentials', () => {
    const error = Object.assign(new Error('Invalid login: 535 user mailer@academy.org password S3cr+t-pass rejected by smtps://a:b@host'), {
      code: 'EAUTH',
    });
    const text = describeFailure(error, smtpUrl);
    expect(text).toMatch(/^EAUTH: Invalid login: 535/);
    expect(text).not.toContain('S3cr+t-pass');
    expect(text).not.toContain('mailer@academy.org');
    expect(text).not.toContain('a:b@');
  });

  it('is one short line', () => {
    const text = describeFailure(new Error(`line one\nline two ${'x'.repeat(1000)}`), undefined);
    expect(text).not.toContain('\n');
    expect(text.length).toBeLessThanOrEqual(300);
  });
});

describe('maskAddress', () => {
  it('keeps the first character and the domain', () => {
    expect(maskAddress('trainee.person@example.org')).toBe('t***@example.org');
    expect(maskAddress('not an address')).toBe('***');
  });
});

describe('createSealer', () => {
  it('opens what it sealed, and refuses a tampered body or another secret', () => {
    const sealer = createSealer('x'.repeat(40));
    const sealed = sealer.seal('Open http://academy.test/password/reset/TOKEN');
    expect(sealed).not.toContain('TOKEN');
    expect(sealer.open(sealed)).toBe('Open http://academy.test/password/reset/TOKEN');
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    expect(() => sealer.open(`v1.${bytes.toString('base64')}`)).toThrow();
    expect(() => createSealer('y'.repeat(40)).open(sealed)).toThrow();
  });
});

describe('recipientLocale', () => {
  it("uses the account's language when it is a supported one", () => {
    expect(recipientLocale('zh-CN', 'en')).toBe('zh-CN');
    expect(recipientLocale('fr', 'zh-CN')).toBe('zh-CN');
    expect(recipientLocale(undefined, 'en')).toBe('en');
  });
});

describe('mail configuration', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), 'pa-mail-config-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('defaults to 30 s, 2 min, 10 min, 1 h and 6 h between attempts', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.mailRetryDelaysMs).toEqual([30_000, 120_000, 600_000, 3_600_000, 21_600_000]);
    expect(config.mailPollMs).toBe(5000);
    expect(config.mailLeaseMs).toBe(300_000);
    expect(config.mailKeepMs).toBe(30 * 24 * 3600 * 1000);
  });

  it('takes decimals for tests and refuses anything else, naming the variable', () => {
    expect(loadConfig({ DATA_DIR: dataDir, MAIL_RETRY_SECONDS: '0.5, 1' }).mailRetryDelaysMs).toEqual([500, 1000]);
    for (const [variable, value] of [
      ['MAIL_RETRY_SECONDS', '30;60'],
      ['MAIL_RETRY_SECONDS', '-1'],
      ['MAIL_POLL_SECONDS', '0'],
      ['MAIL_LEASE_SECONDS', 'soon'],
      ['MAIL_KEEP_DAYS', '0'],
    ] as const) {
      expect(() => loadConfig({ DATA_DIR: dataDir, [variable]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ DATA_DIR: dataDir, [variable]: value })).toThrow(variable);
    }
  });
});
