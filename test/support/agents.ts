/** Small builders shared by the accounts test files: agents with their own client IP, CSRF tokens, mail reading. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';

export type Agent = ReturnType<typeof request.agent>;

let ipCounter = 0;

/**
 * A cookie-keeping browser with an IP address of its own (the test app trusts X-Forwarded-For), so the per-IP
 * limits of one test do not spill into the next.
 */
export function newAgent(app: Express): Agent {
  ipCounter += 1;
  return request.agent(app).set('X-Forwarded-For', `10.1.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`);
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token in page');
  return match[1];
}

/** GETs a page with a form and returns its CSRF token. */
export async function tokenFor(agent: Agent, url: string): Promise<string> {
  const response = await agent.get(url).expect(200);
  return csrfFrom(response.text);
}

export function sessionCookie(response: { headers: Record<string, unknown> }): string | undefined {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith('pa.sid='))?.split(';')[0];
}

function decodeQuotedPrintable(raw: string): string {
  const softBreaksRemoved = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < softBreaksRemoved.length; i += 1) {
    const hex = softBreaksRemoved.slice(i + 1, i + 3);
    if (softBreaksRemoved[i] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(softBreaksRemoved[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export type Mail = { file: string; to: string; subject: string; text: string };

/** Reads the .eml files the app wrote under DATA_DIR/mail, oldest first. */
export function readMails(dataDir: string): Mail[] {
  const dir = path.join(dataDir, 'mail');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((file) => file.endsWith('.eml'))
      .sort();
  } catch {
    return [];
  }
  return files.map((file) => {
    const raw = readFileSync(path.join(dir, file), 'utf8');
    const [head = '', ...body] = raw.split(/\r?\n\r?\n/);
    return {
      file,
      to: /^To: (.*)$/m.exec(head)?.[1]?.trim() ?? '',
      subject: /^Subject: (.*)$/m.exec(head)?.[1]?.trim() ?? '',
      text: decodeQuotedPrintable(body.join('\n\n')),
    };
  });
}

/** Waits for the next mail to `to` (mail is sent after the response, in the background). */
export async function waitForMail(dataDir: string, to: string, seen: Set<string>, timeoutMs = 10000): Promise<Mail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mail = readMails(dataDir).find((candidate) => candidate.to === to && !seen.has(candidate.file));
    if (mail) {
      seen.add(mail.file);
      return mail;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
}

export function linkIn(mail: Mail, pathPrefix: string): string {
  const match = new RegExp(`https?://[^\\s/]+(${pathPrefix}[A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match?.[1]) throw new Error(`no ${pathPrefix} link in mail: ${mail.text}`);
  return match[1];
}

/** Registers through the real flow (form, confirmation mail, activation) and leaves the agent signed in. */
export async function registerUser(
  agent: Agent,
  dataDir: string,
  user: { name: string; email: string; password: string },
  seen: Set<string>,
): Promise<void> {
  const token = await tokenFor(agent, '/register');
  const sent = await agent
    .post('/register')
    .type('form')
    .send({ _csrf: token, ...user })
    .expect(200);
  expect(sent.text).toContain('Check your inbox');
  const mail = await waitForMail(dataDir, user.email.toLowerCase(), seen);
  const link = linkIn(mail, '/register/confirm/');
  const confirmToken = await tokenFor(agent, link);
  await agent.post(link).type('form').send({ _csrf: confirmToken }).expect(303).expect('Location', '/dashboard');
}

export async function login(agent: Agent, email: string, password: string, extra: Record<string, string> = {}) {
  const token = await tokenFor(agent, '/login');
  return agent
    .post('/login')
    .type('form')
    .send({ _csrf: token, email, password, ...extra });
}

export async function logout(agent: Agent): Promise<void> {
  const token = await tokenFor(agent, '/account');
  await agent.post('/logout').type('form').send({ _csrf: token }).expect(303);
}
