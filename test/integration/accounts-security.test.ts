import express from 'express';
import request from 'supertest';
import { requireRole, safeNextPath } from '../../src/accounts/auth.middleware';
import { SessionModel } from '../../src/accounts/session.model';
import { MongooseSessionStore } from '../../src/accounts/session-store';
import { User } from '../../src/accounts/user.model';
import { startTestApp } from '../support/test-app';
import { login, newAgent, registerUser, sessionCookie, tokenFor, type Agent } from '../support/agents';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const PASSWORD = 'correct horse battery';

describe('accounts: sessions, CSRF, limits and profile', () => {
  let test: TestApp;
  const seen = new Set<string>();
  let counter = 0;
  const uniqueEmail = (label: string) => `${label}.${(counter += 1)}@example.org`;
  const signedIn = async (name = 'Wang Fang'): Promise<{ agent: Agent; email: string }> => {
    const agent = newAgent(test.app);
    const email = uniqueEmail('user');
    await registerUser(agent, test.config.dataDir, { name, email, password: PASSWORD }, seen);
    return { agent, email };
  };

  beforeAll(async () => {
    test = await startTestApp('accounts_security', { TRUST_PROXY: 'true' });
  });
  afterAll(() => test.close());

  describe('CSRF', () => {
    it('refuses a POST without the token or with a wrong one (403, localised) and changes nothing', async () => {
      const { agent, email } = await signedIn();
      const missing = await agent.post('/account').type('form').send({ name: 'Changed' }).expect(403);
      expect(missing.text).toContain('This form has expired or was not sent from this site.');
      const wrong = await agent
        .post('/account?lang=zh-CN')
        .type('form')
        .send({ _csrf: 'x'.repeat(43), name: 'Changed' })
        .expect(403);
      expect(wrong.text).toContain('该表单已过期');
      const json = await agent.post('/account').set('Accept', 'application/json').type('form').send({ name: 'Changed' }).expect(403);
      expect(json.body.error.status).toBe(403);
      expect((await User.findOne({ email }).lean())?.name).toBe('Wang Fang');
    });

    it('accepts the token in the X-CSRF-Token header', async () => {
      const { agent, email } = await signedIn();
      const token = await tokenFor(agent, '/account');
      await agent.post('/account').set('X-CSRF-Token', token).type('form').send({ name: 'Header Name' }).expect(303);
      expect((await User.findOne({ email }).lean())?.name).toBe('Header Name');
    });

    it('protects anonymous forms too (login without a session is refused)', async () => {
      await newAgent(test.app).post('/login').type('form').send({ email: 'a@example.org', password: PASSWORD }).expect(403);
    });
  });

  describe('sessions', () => {
    it('gives no cookie to a visitor who sees no form, and an httpOnly SameSite=Lax one with a form', async () => {
      const home = await newAgent(test.app).get('/').expect(200);
      expect(sessionCookie(home)).toBeUndefined();
      const page = await newAgent(test.app).get('/login').expect(200);
      const header = (page.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('pa.sid='));
      expect(header).toMatch(/HttpOnly/);
      expect(header).toMatch(/SameSite=Lax/);
      expect(header).not.toMatch(/Secure/);
    });

    it('ends a session older than the absolute timeout even if it is active', async () => {
      const { agent, email } = await signedIn();
      const user = await User.findOne({ email }).lean();
      const row = await SessionModel.findOne({ userId: user?._id }).lean();
      const data = JSON.parse(row!.data) as { loginAt: number };
      data.loginAt = Date.now() - 8 * 24 * 3600 * 1000;
      await SessionModel.updateOne({ _id: row!._id }, { $set: { data: JSON.stringify(data) } });
      await agent.get('/account').expect(303).expect('Location', '/login?next=%2Faccount');
    });

    it('sweeps expired sessions', async () => {
      await SessionModel.create({ _id: 'expired-session', data: '{}', expiresAt: new Date(Date.now() - 1000) });
      const store = new MongooseSessionStore({ idleMs: 60000 });
      try {
        expect(await store.sweep()).toBeGreaterThanOrEqual(1);
        expect(await SessionModel.countDocuments({ _id: 'expired-session' })).toBe(0);
      } finally {
        store.close();
      }
    });

    it('writes a rolling touch only when the expiry moves by more than a twentieth of the idle timeout', async () => {
      const idleMs = 20 * 60_000;
      const store = new MongooseSessionStore({ idleMs });
      const touch = (expires: number) =>
        new Promise<void>((resolve, reject) =>
          store.touch('touched-session', { cookie: { expires: new Date(expires) } } as never, (error) =>
            error ? reject(error) : resolve(),
          ),
        );
      const stored = async () => (await SessionModel.findById('touched-session').lean())!.expiresAt.getTime();
      try {
        const start = Date.now() + idleMs;
        await SessionModel.create({ _id: 'touched-session', data: '{}', expiresAt: new Date(start) });
        await new Promise((resolve, reject) => store.get('touched-session', (error) => (error ? reject(error) : resolve(undefined))));
        await touch(start + 59_000); // under a minute (idleMs / 20): not written
        expect(await stored()).toBe(start);
        await touch(start + 61_000);
        expect(await stored()).toBe(start + 61_000);
        await touch(start + 62_000); // measured from what was written last
        expect(await stored()).toBe(start + 61_000);
      } finally {
        store.close();
      }
    });

    it('answers 401 JSON to API callers and redirects pages to the login', async () => {
      const json = await newAgent(test.app).get('/dashboard').set('Accept', 'application/json').expect(401);
      expect(json.body.error.message).toBe('Please log in to continue.');
      await newAgent(test.app).get('/dashboard').expect(303).expect('Location', '/login?next=%2Fdashboard');
    });

    it('only logs out by POST', async () => {
      const { agent } = await signedIn();
      await agent.get('/logout').expect(404);
      await agent.get('/account').expect(200);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with a localised page after 10 login attempts for one account, from any IP', async () => {
      const email = uniqueEmail('limited');
      for (let i = 0; i < 10; i += 1) expect((await login(newAgent(test.app), email, 'wrong password')).status).toBe(401);
      const agent = newAgent(test.app);
      const token = await tokenFor(agent, '/login?lang=zh-CN');
      const limited = await agent.post('/login').type('form').send({ _csrf: token, email, password: 'wrong password' }).expect(429);
      expect(limited.text).toContain('尝试次数过多');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    });

    it('answers 429 after 10 registrations from one IP', async () => {
      const agent = newAgent(test.app);
      const token = await tokenFor(agent, '/register');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i += 1) {
        const response = await agent
          .post('/register')
          .type('form')
          .send({ _csrf: token, name: 'Bulk', email: uniqueEmail('bulk'), password: PASSWORD });
        statuses.push(response.status);
      }
      expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
      expect(statuses[10]).toBe(429);
    });
  });

  describe('POST /account', () => {
    it('saves the profile and switches to the preferred language', async () => {
      const { agent, email } = await signedIn();
      const token = await tokenFor(agent, '/account');
      const profile = {
        name: '王芳',
        companyName: '绿色包装有限公司',
        enterpriseSize: 'small',
        womenOwned: 'yes',
        region: '浙江',
        sector: '包装',
        preferredLanguage: 'zh-CN',
      };
      const saved = await agent
        .post('/account')
        .type('form')
        .send({ _csrf: token, ...profile })
        .expect(303);
      expect(saved.headers.location).toBe('/account?notice=profile-saved&lang=zh-CN');
      const page = await agent.get(String(saved.headers.location)).expect(200);
      expect(page.text).toContain('个人资料已保存。');
      expect(page.text).toContain('value="绿色包装有限公司"');
      const user = await User.findOne({ email }).lean();
      expect(user?.profile).toMatchObject({
        companyName: '绿色包装有限公司',
        enterpriseSize: 'small',
        womenOwned: true,
        region: '浙江',
        preferredLanguage: 'zh-CN',
      });
    });

    it('rejects an unknown choice and a NUL character, next to the fields', async () => {
      const { agent, email } = await signedIn();
      const token = await tokenFor(agent, '/account');
      const response = await agent
        .post('/account')
        .type('form')
        .send({ _csrf: token, name: 'Bad\u0000Name', enterpriseSize: 'huge' })
        .expect(400);
      expect(response.text).toContain('Remove the invisible control characters from this field.');
      expect(response.text).toContain('aria-describedby="enterpriseSize-help enterpriseSize-error"');
      expect((await User.findOne({ email }).lean())?.name).toBe('Wang Fang');
    });
  });

  describe('POST /account/password', () => {
    it('needs the current password, then signs out the other sessions', async () => {
      const { agent, email } = await signedIn();
      const other = newAgent(test.app);
      expect((await login(other, email, PASSWORD)).status).toBe(303);

      const token = await tokenFor(agent, '/account');
      const wrong = await agent
        .post('/account/password')
        .type('form')
        .send({ _csrf: token, currentPassword: 'nope nope nope', newPassword: 'new passphrase here' })
        .expect(400);
      expect(wrong.text).toContain('The current password is not correct.');

      const retry = await tokenFor(agent, '/account');
      await agent
        .post('/account/password')
        .type('form')
        .send({ _csrf: retry, currentPassword: PASSWORD, newPassword: 'new passphrase here' })
        .expect(303);
      await agent.get('/account').expect(200);
      await other.get('/account').expect(303);
      expect((await login(newAgent(test.app), email, 'new passphrase here')).status).toBe(303);
    });
  });

  describe('requireRole and safeNextPath', () => {
    it('lets the listed roles through, answers 403 to others and sends visitors to the login', async () => {
      const app = express();
      app.use((req, _res, next) => {
        const role = req.get('X-Test-Role');
        if (role === 'trainer' || role === 'learner') req.user = { id: 'x', name: 'T', email: 't@example.org', role };
        next();
      });
      app.get('/authoring', requireRole('trainer', 'admin'), (_req, res) => void res.send('ok'));
      app.use(((error, _req, res, _next) => void res.status((error as { status: number }).status).end()) as express.ErrorRequestHandler);
      await request(app).get('/authoring').set('X-Test-Role', 'trainer').expect(200);
      await request(app).get('/authoring').set('X-Test-Role', 'learner').expect(403);
      await request(app).get('/authoring').expect(303).expect('Location', '/login?next=%2Fauthoring');
    });

    it.each([
      ['/courses/abc?x=1', '/courses/abc?x=1'],
      ['//evil.example', '/dashboard'],
      ['/\\evil', '/dashboard'],
      ['javascript:alert(1)', '/dashboard'],
      [undefined, '/dashboard'],
    ])('maps %j to %j', (value, expected) => expect(safeNextPath(value)).toBe(expected));
  });
});
