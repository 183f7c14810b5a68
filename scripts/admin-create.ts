/**
 * `npm run admin:create -- --email a@b.org [--name "Ada Admin"] [--password ...]`
 *
 * Creates an administrator, or promotes the existing account with that email (keeping its password unless
 * --password is given). When a new account gets no --password, a strong one is generated and printed once.
 * Uses the same configuration and database resolver as the server. A password given on the command line can end up
 * in the shell history: prefer letting the script generate one, then change it at /account.
 */
import { openToolDatabase } from './with-database';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { emailField, nameField } from '../src/accounts/accounts.schemas';
import { createOrPromoteAdmin } from '../src/accounts/accounts.service';
import { loadConfig, loadDotEnvFile } from '../src/config';
import { translator } from '../src/i18n/i18n';

const argsSchema = z.object({
  email: emailField,
  name: nameField,
  password: z.string().min(10, { error: 'must be at least 10 characters' }).max(200).optional(),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help || !values.email) {
    console.log('Usage: npm run admin:create -- --email admin@example.org [--name "Full Name"] [--password "at least 10 characters"]');
    process.exit(values.help ? 0 : 1);
  }
  const parsed = argsSchema.safeParse({ email: values.email, name: values.name ?? 'Administrator', password: values.password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    console.error(`Invalid --${String(issue?.path[0] ?? 'argument')}: ${translator('en')(issue?.message ?? 'form.invalid')}`);
    process.exit(1);
  }
  loadDotEnvFile();
  const config = loadConfig();
  const opened = await openToolDatabase(config, console.log);
  try {
    const { email, name, password } = parsed.data;
    const result = await createOrPromoteAdmin({ email, name, password });
    console.log(result.outcome === 'created' ? `Created administrator ${email}.` : `${email} is now an administrator.`);
    if (result.generatedPassword)
      console.log(`Generated password (shown once; change it at /account after logging in): ${result.generatedPassword}`);
  } finally {
    await opened.close();
  }
}

main().catch((error: unknown) => {
  console.error(`admin:create failed: ${(error as Error).message}`);
  process.exit(1);
});
