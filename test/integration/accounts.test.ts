import { LoginFailure } from '../../src/accounts/login-failure.model';
import { User } from '../../src/accounts/user.model';
import { startTestApp } from '../support/test-app';
import {
  csrfFrom,
  linkIn,
  login,
  logout,
  newAgent,
  readMails,
  registerUser,
  sessionCookie,
  tokenFor,
  waitForMail,
} from '../support/agents';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const PASSWORD = 'correct horse battery';

describe('accounts', () => {
  let test: TestApp;
  const seen = new Set<string>();
  let counter = 0;
  const uniqueEmail = (label: string) => `${label}.${(counter += 1)}@example.org`;

  beforeAll(async () => {
    test = await startTestApp('accounts', { TRUST_PROXY: 'true' });
  });
  afterAll(() => test.close());

  describe('register → logout → login → /account', () => {
    it('creates the account from the emailed link, signs in, and shows the name on /account', async () => {
      const agent = newAgent(test.app);
      const email = uniqueEmail('journey');
      await registerUser(agent, test.config.dataDir, { name: 'Li Na', email, password: PASSWORD }, seen);
      const dashboard = await agent.get('/dashboard').expect(200);
      expect(dashboard.text).toContain('Welcome, Li Na');

      const logoutToken = csrfFrom(dashboard.text);
      await agent.post('/logout').type('form').send({ _csrf: logoutToken }).expect(303).expect('Location', '/login?notice=signed-out');
      await agent.get('/account').expect(303).expect('Location', '/login?next=%2Faccount');

      await login(agent, email, PASSWORD).then((response) => expect(response.status).toBe(303));
      const account = await agent.get('/account').expect(200);
      expect(account.text).toContain('value="Li Na"');
      expect(account.text).toContain(email);
    });
  });

  describe('POST /login', () => {
    it('answers a wrong password and an unknown email with the same status and message', async () => {
      const owner = newAgent(test.app);
      const email = uniqueEmail('known');
      await registerUser(owner, test.config.dataDir, { name: 'Known', email, password: PASSWORD }, seen);

      const wrong = await login(newAgent(test.app), email, 'not the password');
      const unknown = await login(newAgent(test.app), uniqueEmail('nobody'), 'not the password');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      const message = 'The email address or password is not correct.';
      expect(wrong.text).toContain(message);
      expect(unknown.text).toContain(message);
      expect(wrong.text).not.toContain('not the password');
    });

    it('gives the session a new id on login, and the old id stays anonymous', async () => {
      const agent = newAgent(test.app);
      const email = uniqueEmail('rotate');
      await registerUser(agent, test.config.dataDir, { name: 'Rotate', email, password: PASSWORD }, seen);
      await logout(agent);

      const loginPage = await agent.get('/login').expect(200);
      const before = sessionCookie(loginPage);
      expect(before).toBeDefined();
      const response = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: csrfFrom(loginPage.text), email, password: PASSWORD })
        .expect(303);
      const after = sessionCookie(response);
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
      await newAgent(test.app).get('/account').set('Cookie', before!).expect(303);
    });

    it.each(['//evil.example', '/\\evil.example', 'https://evil.example', '/\t/evil.example'])(
      'ignores ?next=%j and goes to /dashboard',
      async (next) => {
        const agent = newAgent(test.app);
        const email = uniqueEmail('next');
        await registerUser(agent, test.config.dataDir, { name: 'Next', email, password: PASSWORD }, seen);
        await logout(agent);
        const response = await login(agent, email, PASSWORD, { next });
        expect(response.status).toBe(303);
        expect(response.headers.location).toBe('/dashboard');
      },
    );

    it('returns to a local ?next= path after login', async () => {
      const agent = newAgent(test.app);
      const email = uniqueEmail('local');
      await registerUser(agent, test.config.dataDir, { name: 'Local', email, password: PASSWORD }, seen);
      await logout(agent);
      const page = await agent.get('/login?next=%2Faccount').expect(200);
      expect(page.text).toContain('name="next" value="/account"');
      const response = await login(agent, email, PASSWORD, { next: '/account' });
      expect(response.headers.location).toBe('/account');
    });

    it('rejects email[$ne]= as invalid input without reaching a query', async () => {
      const agent = newAgent(test.app);
      const token = await tokenFor(agent, '/login');
      const response = await agent.post('/login').type('form').send(`_csrf=${token}&email%5B%24ne%5D=&password%5B%24ne%5D=`).expect(400);
      expect(response.text).toContain('Enter your email address.');
      expect(response.text).toContain('aria-invalid="true"');
    });

    it('locks an account after 5 failures: even the right password fails, with the same message, until a reset', async () => {
      const agent = newAgent(test.app);
      const email = uniqueEmail('lock');
      await registerUser(agent, test.config.dataDir, { name: 'Lock', email, password: PASSWORD }, seen);
      for (let i = 0; i < 5; i += 1) expect((await login(newAgent(test.app), email, 'wrong password')).status).toBe(401);
      const locked = await login(newAgent(test.app), email, PASSWORD);
      expect(locked.status).toBe(401);
      expect(locked.text).toContain('The email address or password is not correct.');
      const user = await User.findOne({ email }).lean();
      expect(await LoginFailure.countDocuments({ userId: user!._id })).toBe(5);

      const owner = newAgent(test.app);
      const token = await tokenFor(owner, '/password/forgot');
      await owner.post('/password/forgot').type('form').send({ _csrf: token, email }).expect(200);
      const link = linkIn(await waitForMail(test.config.dataDir, email, seen), '/password/reset/');
      const form = await owner.get(link).expect(200);
      await owner
        .post(link)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), password: 'unlocked passphrase' })
        .expect(303);
      expect((await login(newAgent(test.app), email, 'unlocked passphrase')).status).toBe(303);
    });
  });

  describe('POST /register', () => {
    it('rejects a 10 000-character name with the message, keeping the typed email but never the password', async () => {
      const agent = newAgent(test.app);
      const token = await tokenFor(agent, '/register');
      const email = uniqueEmail('long');
      const response = await agent
        .post('/register')
        .type('form')
        .send({ _csrf: token, name: 'x'.repeat(10000), email, password: PASSWORD })
        .expect(400);
      expect(response.text).toContain('Your name must be 100 characters or fewer.');
      expect(response.text).toContain(`value="${email}"`);
      expect(response.text).not.toContain(PASSWORD);
      expect(response.text).toMatch(/aria-describedby="name-help name-error"/);
    });

    it('reports empty fields and a malformed email next to each field, in Chinese for a Chinese reader', async () => {
      const agent = newAgent(test.app);
      const token = await tokenFor(agent, '/register?lang=zh-CN');
      const response = await agent
        .post('/register')
        .type('form')
        .send({ _csrf: token, name: '   ', email: 'not-an-email', password: '' })
        .expect(400);
      expect(response.text).toContain('请输入姓名。');
      expect(response.text).toContain('请输入格式正确的电子邮箱');
      expect(response.text).toContain('请输入密码。');
      expect(response.text).toContain('value="not-an-email"');
    });

    it.each([['张伟'], ['Nguyễn Thị Hà'], ["Siobhán O'Brien"], ['🦊 Ada 👩🏽‍💻']])('accepts the name %s', async (name) => {
      const agent = newAgent(test.app);
      const email = uniqueEmail('script');
      await registerUser(agent, test.config.dataDir, { name, email, password: PASSWORD }, seen);
      const account = await agent.get('/account').expect(200);
      expect(account.text).toContain(`value="${name.replace(/'/g, '&#39;')}"`);
      expect((await User.findOne({ email }).lean())?.name).toBe(name);
    });

    it('answers a registered email exactly like a new one, mails the owner, and changes nothing', async () => {
      const owner = newAgent(test.app);
      const email = uniqueEmail('taken');
      await registerUser(owner, test.config.dataDir, { name: 'Owner', email, password: PASSWORD }, seen);
      const attacker = newAgent(test.app);
      const token = await tokenFor(attacker, '/register');
      const response = await attacker
        .post('/register')
        .type('form')
        .send({ _csrf: token, name: 'Mallory', email, password: 'another password 123' })
        .expect(200);
      expect(response.text).toContain('Check your inbox');
      const mail = await waitForMail(test.config.dataDir, email, seen);
      expect(mail.subject).toContain('already have');
      expect(mail.text).not.toContain('/register/confirm/');
      expect((await login(newAgent(test.app), email, PASSWORD)).status).toBe(303);
      expect((await User.findOne({ email }).lean())?.name).toBe('Owner');
    });
  });

  describe('password reset', () => {
    it('mails a one-time link that sets a new password once', async () => {
      const agent = newAgent(test.app);
      const email = uniqueEmail('reset');
      await registerUser(agent, test.config.dataDir, { name: 'Reset', email, password: PASSWORD }, seen);

      const visitor = newAgent(test.app);
      const token = await tokenFor(visitor, '/password/forgot');
      const sent = await visitor.post('/password/forgot').type('form').send({ _csrf: token, email: email.toUpperCase() }).expect(200);
      expect(sent.text).toContain(`If an account exists for ${email}`);
      const link = linkIn(await waitForMail(test.config.dataDir, email, seen), '/password/reset/');

      const form = await visitor.get(link).expect(200);
      const newPassword = 'a brand new passphrase';
      await visitor
        .post(link)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), password: newPassword })
        .expect(303)
        .expect('Location', '/login?notice=password-reset');

      const again = await visitor
        .post(link)
        .type('form')
        .send({ _csrf: csrfFrom(form.text), password: 'yet another passphrase' })
        .expect(400);
      expect(again.text).toContain('This link no longer works');
      await visitor.get(link).expect(400);

      expect((await login(newAgent(test.app), email, PASSWORD)).status).toBe(401);
      expect((await login(newAgent(test.app), email, newPassword)).status).toBe(303);
      // The reset signed out the session that was open before it.
      await agent.get('/account').expect(303);
    });

    it('answers an unknown email with the same page and sends nothing', async () => {
      const visitor = newAgent(test.app);
      const email = uniqueEmail('ghost');
      const token = await tokenFor(visitor, '/password/forgot');
      const response = await visitor.post('/password/forgot').type('form').send({ _csrf: token, email }).expect(200);
      expect(response.text).toContain(`If an account exists for ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(readMails(test.config.dataDir).some((mail) => mail.to === email)).toBe(false);
    });
  });
});
