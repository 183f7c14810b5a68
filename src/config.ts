import { createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Thrown when the environment is invalid; its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const optionalString = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value ? value : undefined));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  MONGODB_URI: optionalString.refine((value) => !value || /^mongodb(\+srv)?:\/\//.test(value), {
    message: 'must start with mongodb:// or mongodb+srv://',
  }),
  POSTGRES_URL: optionalString.refine((value) => !value || /^postgres(ql)?:\/\//.test(value), {
    message: 'must start with postgres:// or postgresql://',
  }),
  ALLOW_HTTP_BASE_URL: z.enum(['true', 'false']).default('false'),
  BASE_URL: optionalString.refine((value) => !value || /^https?:\/\/[^\s]+$/.test(value), {
    message: 'must be an absolute http(s) URL such as https://academy.example.org',
  }),
  SESSION_SECRET: optionalString.refine((value) => !value || value.length >= 32, {
    message: 'must be at least 32 characters long',
  }),
  DATA_DIR: z.string().min(1).default('./data'),
  COURSES_DIR: z.string().min(1).default('./courses'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine((value) => /^(true|false|\d+|loopback|[\d.:/, a-f]+)$/i.test(value), {
      message: 'must be true, false, a hop count, or a list of proxy addresses',
    }),
  FERRETDB_BIN: optionalString,
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(10000),
  SMTP_URL: optionalString.refine((value) => !value || /^smtps?:\/\/[^\s]+$/.test(value), {
    message: 'must be an smtp:// or smtps:// URL such as smtps://user:pass@smtp.example.org:465',
  }),
  MAIL_FROM: optionalString,
  MAIL_RETRY_SECONDS: z
    .string()
    .default('30,120,600,3600,21600')
    .refine((value) => /^\s*\d+(\.\d+)?(\s*,\s*\d+(\.\d+)?){0,19}\s*$/.test(value), {
      message: 'must be a comma-separated list of up to 20 delays in seconds, such as 30,120,600,3600,21600',
    }),
  MAIL_POLL_SECONDS: z.coerce.number().min(0.05).max(3600).default(5),
  MAIL_LEASE_SECONDS: z.coerce.number().min(1).max(86400).default(300),
  MAIL_KEEP_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(120),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(90 * 24)
    .default(7 * 24),
  CERT_SIGNING_KEY: optionalString.refine((value) => !value || toEd25519Pem(value) !== undefined, {
    message: 'must be an Ed25519 private key, as PKCS#8 PEM or base64 of the PKCS#8 DER',
  }),
  ISSUER_NAME: z.string().trim().min(1).max(200).default('Procurement Academy'),
  PROGRAMME_NAME: z.string().trim().min(1).max(200).default('UN Procurement Capacity Building Programme'),
  CERT_VERIFY_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  REPORT_MAX_AGE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(1),
  COUNT_DB_COMMANDS: z.enum(['true', 'false']).default('false'),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  mongodbUri: string | undefined;
  /** An existing PostgreSQL for the embedded FerretDB (instead of the embedded PostgreSQL). */
  postgresUrl: string | undefined;
  baseUrl: string;
  sessionSecret: string;
  dataDir: string;
  coursesDir: string;
  logLevel: string;
  trustProxy: boolean | number | string;
  ferretdbBin: string | undefined;
  shutdownTimeoutMs: number;
  /** Outgoing mail server; when absent, mail is written to DATA_DIR/mail as .eml files (and logged outside production). */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Delays before each retry of an outbox message; a message is tried once plus once per delay, then listed as failed. */
  mailRetryDelaysMs: readonly number[];
  /** How often each process's outbox worker looks for due messages (it is also nudged on every send). */
  mailPollMs: number;
  /** How long a claimed attempt may run before another process takes it over as the next attempt. */
  mailLeaseMs: number;
  /** Delivered messages (body, attempts, claims) are deleted this long after delivery; failures stay listed. */
  mailKeepMs: number;
  /** A session ends after this long without a request (rolling cookie). */
  sessionIdleMinutes: number;
  /** A signed-in session ends this long after sign-in, however active. */
  sessionAbsoluteHours: number;
  /** Ed25519 private key (PKCS#8 PEM) that signs certificates; when absent it is generated under DATA_DIR/keys. */
  certSigningKey: string | undefined;
  /** Printed on certificates and in credentials as the issuing organisation and the programme. */
  issuerName: string;
  programmeName: string;
  /** Certificate verifications (pages, JSON, PDF uploads) allowed per client IP per minute. */
  certVerifyLimitPerMinute: number;
  /** A report snapshot older than this is rebuilt in the background when a report is opened. */
  reportMaxAgeMinutes: number;
  /** Counts database commands and HTTP requests, served at /internal/db-commands to loopback clients (benchmark). */
  countDbCommands: boolean;
}>;

/** An Ed25519 private key given as PEM or as base64 PKCS#8 DER, as PKCS#8 PEM; undefined when it is neither. */
function toEd25519Pem(value: string): string | undefined {
  try {
    const key = value.includes('-----BEGIN')
      ? createPrivateKey(value.replace(/\\n/g, '\n'))
      : createPrivateKey({ key: Buffer.from(value.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'pkcs8' });
    return key.asymmetricKeyType === 'ed25519' ? key.export({ format: 'pem', type: 'pkcs8' }).toString() : undefined;
  } catch {
    return undefined;
  }
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * The session secret is never a hard-coded default: when absent from the environment it is generated once
 * and kept (mode 0600) under the data folder, so sessions survive restarts.
 */
function resolveSessionSecret(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const secretsDir = path.join(dataDir, 'secrets');
  const file = path.join(secretsDir, 'session-secret');
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return stored;
  }
  // The data folder itself keeps the default mode (the embedded PostgreSQL's user must be able to enter it); only
  // the secrets folder is private. A recursive mkdir would give the mode to every folder it creates.
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(secretsDir, { mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

const isLoopback = (hostname: string) => hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);

/**
 * BASE_URL is signed into every certificate, and mail is how accounts are confirmed: in production a missing or
 * unsafe value would be carried by certificates for ever, or lose every confirmation, so the app does not start.
 */
function refuseUnsafeProductionDefaults(values: z.infer<typeof envSchema>): void {
  if (!values.BASE_URL) {
    throw new ConfigError(
      'Invalid configuration: BASE_URL is required in production (the public address signed into every certificate), e.g. BASE_URL=https://academy.example.org',
    );
  }
  const url = new URL(values.BASE_URL);
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && values.ALLOW_HTTP_BASE_URL !== 'true') {
    throw new ConfigError(
      'Invalid configuration: BASE_URL must use https:// in production (set ALLOW_HTTP_BASE_URL=true to allow http:// deliberately)',
    );
  }
  if (!values.SMTP_URL) {
    throw new ConfigError(
      'Invalid configuration: SMTP_URL is required in production (confirmation and password-reset mail would go nowhere)',
    );
  }
}

/**
 * Reads and validates the environment once. Variables may also come from an optional `.env` file in the
 * working directory; real environment variables win over it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    // Values that may hold credentials are never echoed back (they end up in logs).
    const shown = /SECRET|URI|URL|KEY|PASS/i.test(variable) ? '' : ` (got ${JSON.stringify(env[variable] ?? '')})`;
    throw new ConfigError(`Invalid configuration: ${variable} ${issue?.message ?? 'is invalid'}${shown}`);
  }
  const values = parsed.data;
  if (values.NODE_ENV === 'production') refuseUnsafeProductionDefaults(values);
  const dataDir = path.resolve(values.DATA_DIR);
  const baseUrl = (values.BASE_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    env: values.NODE_ENV,
    isProduction: values.NODE_ENV === 'production',
    port: values.PORT,
    mongodbUri: values.MONGODB_URI,
    postgresUrl: values.POSTGRES_URL,
    baseUrl,
    sessionSecret: resolveSessionSecret(dataDir, values.SESSION_SECRET),
    dataDir,
    coursesDir: path.resolve(values.COURSES_DIR),
    logLevel: values.LOG_LEVEL,
    trustProxy: parseTrustProxy(values.TRUST_PROXY),
    ferretdbBin: values.FERRETDB_BIN,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM ?? `Procurement Academy <no-reply@${new URL(baseUrl).hostname}>`,
    mailRetryDelaysMs: Object.freeze(values.MAIL_RETRY_SECONDS.split(',').map((part) => Math.round(Number(part.trim()) * 1000))),
    mailPollMs: Math.round(values.MAIL_POLL_SECONDS * 1000),
    mailLeaseMs: Math.round(values.MAIL_LEASE_SECONDS * 1000),
    mailKeepMs: values.MAIL_KEEP_DAYS * 24 * 3600 * 1000,
    sessionIdleMinutes: values.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: values.SESSION_ABSOLUTE_HOURS,
    certSigningKey: values.CERT_SIGNING_KEY ? toEd25519Pem(values.CERT_SIGNING_KEY) : undefined,
    issuerName: values.ISSUER_NAME,
    programmeName: values.PROGRAMME_NAME,
    certVerifyLimitPerMinute: values.CERT_VERIFY_LIMIT_PER_MINUTE,
    reportMaxAgeMinutes: values.REPORT_MAX_AGE_MINUTES,
    countDbCommands: values.COUNT_DB_COMMANDS === 'true',
  });
}

/** Loads `.env` from the working directory into process.env when present (never overriding real variables). */
export function loadDotEnvFile(file = path.resolve('.env')): void {
  if (!existsSync(file)) return;
  const before = { ...process.env };
  process.loadEnvFile(file);
  Object.assign(process.env, before);
}
