import type { Express } from 'express';
import { hashPassword } from '../../src/accounts/password-hash';
import { User, type Role } from '../../src/accounts/user.model';
import { newAgent, tokenFor, type Agent } from './agents';

export const TEST_PASSWORD = 'correct horse battery staple';

/** Creates an account directly (registration has its own tests) and returns a signed-in browser for it. */
export async function signedInUser(
  app: Express,
  fields: { name: string; email: string; role?: Role },
): Promise<{ agent: Agent; id: string }> {
  const user = await User.create({
    name: fields.name,
    email: fields.email,
    role: fields.role ?? 'learner',
    passwordHash: await hashPassword(TEST_PASSWORD),
  });
  const agent = newAgent(app);
  const csrf = await tokenFor(agent, '/login');
  await agent.post('/login').type('form').send({ _csrf: csrf, email: fields.email, password: TEST_PASSWORD }).expect(303);
  return { agent, id: String(user._id) };
}
