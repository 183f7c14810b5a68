/**
 * Accounts for browser journeys. Staff accounts cannot be made through the UI (an admin promotes people), so they
 * are written straight into the server's own database, the way `npm run admin:create` does; then the person signs
 * in through the real login form.
 */
import type { Page } from 'playwright-core';
import { hashPassword } from '../../../src/accounts/password-hash';
import { User, type Role } from '../../../src/accounts/user.model';
import { assignTrainer } from '../../../src/access/course-access';
import { connectDatabase } from '../../../src/db/connection';
import type { E2eServer } from './app-server';

export type Account = { id: string; name: string; email: string; password: string; role: Role };

type NewAccount = { name: string; email: string; role: Role; password?: string; courses?: string[] };

/** Creates accounts in the server's database (assigning trainers to their `courses`); disconnects when done. */
export async function createAccounts(app: E2eServer, accounts: NewAccount[]): Promise<Account[]> {
  const connection = await connectDatabase(app.uri);
  try {
    return await Promise.all(
      accounts.map(async (account) => {
        const password = account.password ?? `${account.role} password for the e2e tests`;
        const user = await User.create({
          name: account.name,
          email: account.email,
          role: account.role,
          passwordHash: await hashPassword(password),
        });
        for (const course of account.courses ?? []) await assignTrainer(course, String(user._id));
        return { id: String(user._id), name: account.name, email: account.email.toLowerCase(), password, role: account.role };
      }),
    );
  } finally {
    await connection.close();
  }
}

export async function createAccount(app: E2eServer, account: NewAccount): Promise<Account> {
  const [created] = await createAccounts(app, [account]);
  return created!;
}

/** Signs in through the login form (whatever the page language) and waits to leave the login page. */
export async function signIn(page: Page, base: string, account: Pick<Account, 'email' | 'password'>): Promise<void> {
  await page.goto(`${base}/login`);
  await page.locator('main input#email').fill(account.email);
  await page.locator('main input#password').fill(account.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.locator('main form[action="/login"] button[type=submit]').click(),
  ]);
}
