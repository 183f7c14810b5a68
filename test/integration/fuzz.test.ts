import { mulberry32 } from '../../scripts/seed/random';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import mongoose from 'mongoose';
import request, { type Response } from 'supertest';
import { isRefreshing } from '../../src/reports/report-build';
import { patternParams, routeKey, ROUTES, type Expectation, type RouteCase } from '../support/route-inventory';
import {
  ACTORS,
  buildSecurityFixtures,
  collectionCounts,
  countChanges,
  listen,
  type Actor,
  type SecurityFixtures,
} from '../support/security-fixtures';
import { startTestApp } from '../support/test-app';

/**
 * Malformed, oversized, wrongly typed, Unicode-heavy and injection-shaped input to every route that takes input, as
 * every role. Generated from a fixed seed, so a failure names a request that can be replayed. Every answer must be
 * a 4xx or a success: never a 5xx, never a stack trace or a database message, never the payload reflected unescaped,
 * never an injected header; and a rejected request must not have written anything (checked per request by tracing
 * the driver's write calls, and per batch by counting every collection).
 */

const SEED = 20240611;
const CONCURRENCY = 8;
/** Budget of the deep fuzz per route (spread over its fields), and how many fields get wrongly shaped keys. */
const DEEP_VALUES_PER_ROUTE = 14;
const SHAPED_FIELDS_PER_ROUTE = 3;
const HEADER_SETS_PER_ROUTE = 2;

type Category = 'encoding' | 'unicode' | 'injection' | 'number' | 'oversized';
/** A value as it goes on the wire: already percent-encoded, so invalid sequences can be sent on purpose. */
type Value = { category: Category; label: string; raw: string };
const text = (category: Category, label: string, value: string): Value => ({ category, label, raw: encodeURIComponent(value) });
const wire = (category: Category, label: string, value: string): Value => ({ category, label, raw: value });

const VALUES: Value[] = [
  wire('encoding', 'lone percent', '%'),
  wire('encoding', 'bad escape', '%zz'),
  wire('encoding', 'invalid UTF-8', '%FF%FE'),
  wire('encoding', 'overlong slash', '%C0%AF'),
  wire('encoding', 'lone surrogate', '%ED%A0%80'),
  wire('encoding', 'NUL', 'a%00b'),
  text('encoding', 'empty', ''),
  text('encoding', 'blank', ' \t '),
  text('unicode', 'RTL override', 'evil\u202Etxt.exe'),
  text('unicode', 'zero-width', 'a\u200Db\u200Bc\uFEFF'),
  text('unicode', 'emoji', '😀👩‍👩‍👧‍👦🏳️‍🌈'),
  text('unicode', 'CJK', '采购培训中心测试'),
  text('unicode', 'combining marks', `Z${'\u0301\u0336'.repeat(40)}`),
  text('unicode', 'RTL scripts', 'مرحبا שלום'),
  text('injection', 'operator', '{"$gt":""}'),
  text('injection', 'script', '<script>alert(1)</script>'),
  text('injection', 'attribute breakout', '"><img src=x onerror=alert(1)>'),
  text('injection', 'traversal', '../../etc/passwd'),
  wire('injection', 'double-encoded traversal', '..%252F..%252Fetc%252Fpasswd'),
  text('injection', 'javascript URL', 'javascript:alert(1)'),
  text('injection', 'SQL', "' OR 1=1 --"),
  wire('injection', 'CRLF', '%0d%0aSet-Cookie:x=y'),
  text('injection', '__proto__', '__proto__'),
  text('injection', 'constructor', 'constructor'),
  text('injection', 'protocol-relative', '//evil.example/x'),
  text('injection', 'backslash host', '/\\evil.example'),
  text('injection', 'template', '<%= process.env %>${7*7}{{7*7}}'),
  text('number', 'huge number', '9'.repeat(400)),
  text('number', 'negative', '-1'),
  text('number', 'big negative', '-99999999999999999999'),
  text('number', 'exponent', '1e308'),
  text('number', 'NaN', 'NaN'),
  text('number', 'hex', '0x1F'),
  text('number', 'fraction', '0.5'),
  text('oversized', '10 000 chars', 'A'.repeat(10_000)),
];
const CATEGORIES: Category[] = ['encoding', 'unicode', 'injection', 'number', 'oversized', 'injection'];

/** Internals that must never reach a client: stack frames, module paths, driver and Mongoose messages. */
const LEAK = /\bat [\w.<>]+ \(|node_modules|MongoServerError|Cast to|ValidationError|E11000|\b(?:[A-Z]\w*)?Error: \w/;
const REFLECTED = /<script>alert\(1\)<\/script>|<img src=x onerror=alert\(1\)>|(?:href|src|action)\s*=\s*["']?\s*javascript:alert/i;

/**
 * Bugs this test found that are not fixed yet, each pinned by an `it.failing` below; the fuzz reports them as known
 * instead of failing. Remove an entry when its bug is fixed (its `it.failing` then fails, as a reminder).
 */
const KNOWN_BUGS: { route: string; status: number; bug: string }[] = [];

type Body =
  | { kind: 'form'; raw: string }
  | { kind: 'json' | 'text'; raw: string }
  | { kind: 'none' }
  | { kind: 'multipart'; files: { field: string; name: string; data: Buffer }[] };

type FuzzRequest = {
  actor: Actor;
  route: RouteCase;
  path: string;
  query: string;
  body?: Body;
  headers?: Record<string, string>;
  label: string;
  deep?: boolean;
};

/**
 * Hostile request headers the app reads (language, request id, client address behind the proxy, content
 * negotiation). Header values cannot carry CR, LF or NUL (Node's client refuses them), so injection is tried encoded.
 */
const HEADER_SETS: { label: string; headers: Record<string, string>; needsFreshCookies?: boolean }[] = [
  { label: 'Accept-Language garbage', headers: { 'Accept-Language': `zh-CN;q=abc, *;q=-1, ${'x-'.repeat(2000)}, ../../etc/passwd` } },
  {
    label: 'lang cookie garbage',
    headers: { Cookie: 'lang=zh-CN%0d%0aSet-Cookie:x=y; lang=__proto__; pa.sid=s%3Aforged.signature' },
    needsFreshCookies: true,
  },
  { label: 'X-Request-Id markup', headers: { 'X-Request-Id': '<script>alert(1)</script>' } },
  { label: 'X-Forwarded-For garbage', headers: { 'X-Forwarded-For': 'not-an-ip, 999.999.1.1, ::ffff:1.2.3.4, %0d%0a' } },
  { label: 'X-Forwarded-Host and Proto', headers: { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'javascript' } },
  { label: 'Accept odd', headers: { Accept: 'application/json;q=abc, text/html;q=0.1, */*;q=2' } },
  { label: 'Referer javascript', headers: { Referer: 'javascript:alert(1)' } },
  { label: 'Latin-1 header bytes', headers: { 'Accept-Language': 'zh\u00ff\u00fe-CN' } },
];

const encodePairs = (pairs: [string, string][]) => pairs.map(([key, value]) => `${encodeURIComponent(key)}=${value}`).join('&');
const asPairs = (record: Record<string, string>): [string, string][] =>
  Object.entries(record).map(([key, value]) => [key, encodeURIComponent(value)]);

/** Did this actor get past authorisation in the matrix? Those get the deep fuzz; the others a sample. */
const isReached = (expected: Expectation) =>
  expected === 'allowed' || (typeof expected === 'number' && ![401, 403, 404].includes(expected));

function buildRequests(f: SecurityFixtures, random: () => number): FuzzRequest[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ofCategory = (category: Category) => pick(VALUES.filter((value) => value.category === category));
  const requests: FuzzRequest[] = [];

  for (const route of ROUTES) {
    if (route.fuzz?.skip) continue;
    const params = route.params?.(f) ?? {};
    const paramNames = patternParams(route.pattern);
    const form = route.fuzz?.form?.(f) ?? route.body?.(f) ?? {};
    const queryFields = route.fuzz?.query ?? [];
    const baseQuery = asPairs(route.query ?? {});
    if (route.method === 'GET' && !paramNames.length && !queryFields.length) continue;

    const path = (overrides: Record<string, string> = {}) =>
      route.pattern.replace(
        /([:*])([A-Za-z_]\w*)/g,
        (_m, kind: string, name: string) =>
          overrides[name] ??
          (kind === '*' ? params[name]!.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(params[name]!)),
      );
    const query = (pairs: [string, string][]) => (pairs.length ? `?${encodePairs(pairs)}` : '');
    const formBody = (pairs: [string, string][]): Body =>
      route.multipart
        ? { kind: 'multipart', files: [{ field: route.multipart.field, name: 'fuzz.bin', data: Buffer.from(encodePairs(pairs)) }] }
        : { kind: 'form', raw: encodePairs(pairs) };
    const basePairs = asPairs(form);
    const withField = (pairs: [string, string][], field: string, replacement: [string, string][]) => [
      ...pairs.filter(([key]) => key !== field),
      ...replacement,
    ];

    /** One field of one kind (path parameter, query or form field) set to `value`, everything else valid. */
    const variant = (
      actor: Actor,
      field: { kind: 'param' | 'query' | 'form'; name: string },
      replacement: [string, string][] | Value,
      label: string,
    ): FuzzRequest => {
      const pairs = Array.isArray(replacement) ? replacement : [[field.name, replacement.raw] as [string, string]];
      const asValue = Array.isArray(replacement) ? undefined : replacement.raw;
      if (field.kind === 'param')
        return {
          actor,
          route,
          label,
          path: path({ [field.name]: asValue ?? 'x' }),
          query: query(baseQuery),
          body: route.method === 'POST' ? formBody(basePairs) : undefined,
        };
      if (field.kind === 'query') return { actor, route, label, path: path(), query: query(withField(baseQuery, field.name, pairs)) };
      return { actor, route, label, path: path(), query: query(baseQuery), body: formBody(withField(basePairs, field.name, pairs)) };
    };
    const fields = [
      ...paramNames.map((name) => ({ kind: 'param' as const, name })),
      ...queryFields.map((name) => ({ kind: 'query' as const, name })),
      ...(route.method === 'POST' && !route.multipart ? Object.keys(form).map((name) => ({ kind: 'form' as const, name })) : []),
    ];
    const shapes = (name: string): { label: string; pairs: [string, string][] }[] => [
      {
        label: 'repeated key',
        pairs: [
          [name, 'a'],
          [name, 'b'],
        ],
      },
      { label: 'operator key', pairs: [[`${name}[$ne]`, 'x']] },
      {
        label: 'array key',
        pairs: [
          [`${name}[]`, 'x'],
          [`${name}[]`, 'y'],
        ],
      },
    ];
    /** Whole-request shapes for forms: other content types, prototype keys, too many fields, too big a body. */
    const postShapes = (actor: Actor, deep: boolean): FuzzRequest[] => {
      if (route.method !== 'POST') return [];
      const json = (label: string, value: unknown): FuzzRequest => ({
        actor,
        route,
        label,
        path: path(),
        query: query(baseQuery),
        body: { kind: 'json', raw: typeof value === 'string' ? value : JSON.stringify(value) },
      });
      const mapped = (value: unknown) => Object.fromEntries(Object.keys(form).map((key) => [key, value]));
      const all: FuzzRequest[] = [
        json('JSON with operator objects', { ...mapped({ $gt: '' }), $where: '1' }),
        {
          actor,
          route,
          label: '200 kB body',
          path: path(),
          query: query(baseQuery),
          body: { kind: 'form', raw: `note=${'B'.repeat(200_000)}` },
        },
        json('JSON numbers and arrays', Object.fromEntries(Object.keys(form).map((key, i) => [key, i % 2 ? 1e21 : ['a', { $ne: 1 }]]))),
        json('JSON prototype keys', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}'),
        {
          actor,
          route,
          label: 'prototype keys in a form',
          path: path(),
          query: query(baseQuery),
          body: formBody([
            ...basePairs,
            ['__proto__[polluted]', '1'],
            ['constructor[prototype][polluted]', '1'],
            ['__proto__', 'x'],
            ['hasOwnProperty', 'x'],
          ]),
        },
        {
          actor,
          route,
          label: 'text/plain body',
          path: path(),
          query: query(baseQuery),
          body: { kind: 'text', raw: encodePairs(basePairs) },
        },
        { actor, route, label: 'no body', path: path(), query: query(baseQuery), body: { kind: 'none' } },
        {
          actor,
          route,
          label: '150 fields',
          path: path(),
          query: query(baseQuery),
          body: formBody([...basePairs, ...Array.from({ length: 150 }, (_, i) => [`f${i}`, 'x'] as [string, string])]),
        },
        {
          actor,
          route,
          label: 'valid form, JSON wanted',
          path: path(),
          query: query(baseQuery),
          body: formBody(basePairs),
          headers: { Accept: 'application/json' },
        },
      ];
      if (route.multipart) all.push(...uploadShapes(actor));
      return deep ? all : all.slice(0, 2);
    };
    /** Uploads: hostile file names, lying magic bytes, empty and extra files, the wrong field. */
    const uploadShapes = (actor: Actor): FuzzRequest[] => {
      const field = route.multipart!.field;
      const garbage = Buffer.from(Array.from({ length: 2048 }, () => Math.floor(random() * 256)));
      const upload = (label: string, files: { field: string; name: string; data: Buffer }[]): FuzzRequest => ({
        actor,
        route,
        label,
        path: path(),
        query: query(baseQuery),
        body: { kind: 'multipart', files },
      });
      return [
        upload('file name traversal', [{ field, name: '../../../etc/passwd.png', data: garbage }]),
        upload('file name with quotes and CRLF', [{ field, name: 'a".png\r\nContent-Type: text/html', data: garbage }]),
        upload('file name RTL and emoji', [{ field, name: `\u202Egnp.exe😀${'長'.repeat(300)}.png`, data: garbage }]),
        upload('PDF header, garbage after', [
          { field, name: 'certificate.pdf', data: Buffer.concat([Buffer.from('%PDF-1.7\n'), garbage]) },
        ]),
        upload('PNG header, garbage after', [
          { field, name: 'image.png', data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), garbage]) },
        ]),
        upload('zip header, garbage after', [
          { field, name: 'course.zip', data: Buffer.concat([Buffer.from('504b0304', 'hex'), garbage]) },
        ]),
        upload('empty file', [{ field, name: 'empty.png', data: Buffer.alloc(0) }]),
        upload('two files and a stranger', [
          { field, name: 'a.png', data: garbage },
          { field, name: 'b.png', data: garbage },
          { field: 'other', name: 'c.png', data: garbage },
        ]),
      ];
    };

    const reached = ACTORS.filter((actor) => isReached(route.expect[actor]));
    // The deep fuzz goes to the actor who owns the data the route is about; anonymous for public pages (cheapest).
    const deepActor = (['anonymous', 'learner', 'trainer', 'admin'] as const).find((actor) => reached.includes(actor));
    for (const actor of ACTORS) {
      const firstOfActor = requests.length;
      if (actor === deepActor) {
        // Every category for every field of a small form; a big form (the question editor has 17 fields) gets
        // fewer per field, the categories rotating so that each one still reaches every field across the run.
        const perField = Math.min(CATEGORIES.length, Math.max(1, Math.ceil(DEEP_VALUES_PER_ROUTE / Math.max(1, fields.length))));
        fields.forEach((field, i) => {
          for (let n = 0; n < perField; n += 1) {
            const value = ofCategory(CATEGORIES[(i + n + Math.floor(random() * CATEGORIES.length)) % CATEGORIES.length]!);
            requests.push(variant(actor, field, value, `${field.kind} ${field.name} = ${value.label}`));
          }
        });
        const shaped = fields.filter((field) => field.kind !== 'param');
        for (let n = 0; n < Math.min(SHAPED_FIELDS_PER_ROUTE, shaped.length); n += 1) {
          const field = shaped[Math.floor(random() * shaped.length)]!;
          const shape = pick(shapes(field.name));
          requests.push(variant(actor, field, shape.pairs, `${field.kind} ${field.name}: ${shape.label}`));
        }
        requests.push(...postShapes(actor, true));
        // Headers: cookies can only be replaced where the request carries no session (a visitor's GET).
        const headerSets = HEADER_SETS.filter((set) => !set.needsFreshCookies || (actor === 'anonymous' && route.method === 'GET'));
        for (let n = 0; n < HEADER_SETS_PER_ROUTE; n += 1) {
          const set = pick(headerSets);
          requests.push({
            actor,
            route,
            label: `headers: ${set.label}`,
            path: path(),
            query: query(baseQuery),
            body: route.method === 'POST' ? formBody(basePairs) : undefined,
            headers: set.headers,
          });
        }
        for (let i = firstOfActor; i < requests.length; i += 1) requests[i]!.deep = true;
      } else {
        // Everyone else: a sample, enough to show that refusing (or serving) them never breaks.
        const samples = reached.includes(actor) ? 2 : 1;
        for (let n = 0; n < samples && fields.length; n += 1) {
          const field = pick(fields);
          const value = ofCategory(pick(CATEGORIES));
          requests.push(variant(actor, field, value, `${field.kind} ${field.name} = ${value.label}`));
        }
        requests.push(...postShapes(actor, false));
      }
    }
  }
  return requests;
}

describe('fuzzing every route as every role', () => {
  type TestApp = Awaited<ReturnType<typeof startTestApp>>;
  let test: TestApp;
  let f: SecurityFixtures;
  const context = new AsyncLocalStorage<{ id: number }>();
  const writes = new Map<number, string[]>();
  const restorers: (() => void)[] = [];

  /**
   * Records every write that changed something, per request (the request's id travels in a header and into an
   * AsyncLocalStorage around the app, which Node carries through the handler's awaits into the driver call).
   * Session rows are left out: any visit may create or touch one.
   */
  function traceWrites(): void {
    const proto = mongoose.mongo.Collection.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const changed = (method: string, result: unknown) => {
      const r = (result ?? {}) as Record<string, number | undefined>;
      if (method.startsWith('findOneAnd')) return result !== null && result !== undefined;
      if (method === 'insertOne') return true;
      return (r.insertedCount ?? 0) + (r.modifiedCount ?? 0) + (r.upsertedCount ?? 0) + (r.deletedCount ?? 0) > 0;
    };
    for (const method of [
      'insertOne',
      'insertMany',
      'updateOne',
      'updateMany',
      'replaceOne',
      'deleteOne',
      'deleteMany',
      'findOneAndUpdate',
      'findOneAndReplace',
      'findOneAndDelete',
      'bulkWrite',
    ]) {
      const original = proto[method]!;
      proto[method] = async function traced(this: { collectionName: string }, ...args: unknown[]) {
        const store = context.getStore();
        const result = await original.apply(this, args);
        if (store && this.collectionName !== 'sessions' && changed(method, result))
          writes.get(store.id)?.push(`${method} ${this.collectionName}`);
        return result;
      };
      restorers.push(() => {
        proto[method] = original;
      });
    }
  }

  beforeAll(async () => {
    test = await startTestApp('fuzz', { TRUST_PROXY: 'true' });
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const id = Number(req.headers['x-fuzz-id']);
      if (Number.isInteger(id)) context.run({ id }, () => test.app(req, res));
      else test.app(req, res);
    };
    f = await buildSecurityFixtures(await listen(handler), 'fuzz');
    traceWrites();
  });
  afterAll(async () => {
    for (const restore of restorers) restore();
    if (f) await new Promise((resolve) => f.server.close(resolve));
    await test.close();
  });

  it('never answers 5xx, leaks internals, reflects markup, injects headers, or writes on a rejected request', async () => {
    const started = Date.now();
    const requests = buildRequests(f, mulberry32(SEED));
    const problems: string[] = [];
    const knownBugHits = new Set<string>();
    let sent = 0;
    let deepSent = 0;
    let deepPastAuthorisation = 0;
    const describeRequest = (req: FuzzRequest, id: number) =>
      `#${id} ${req.actor} ${req.route.method} ${req.path}${req.query}${req.body && 'raw' in req.body ? ` body(${req.body.kind})=${req.body.raw.slice(0, 160)}` : req.body ? ` body(${req.body.kind})` : ''} [${req.label}]`;

    async function send(req: FuzzRequest, id: number): Promise<Response> {
      const ip = `172.${16 + (id >> 16)}.${(id >> 8) & 255}.${id & 255}`;
      // Visitors' GETs come without a cookie, as a crawler's would; everything else in the actor's session.
      const agent = req.actor === 'anonymous' && req.route.method === 'GET' ? request(f.server) : f.agents[req.actor];
      const url = req.path + req.query;
      const headers: Record<string, string> = { 'X-Forwarded-For': ip, ...req.headers, 'X-Fuzz-Id': String(id) };
      if (req.route.method === 'GET') return agent.get(url).set(headers);
      const token = await f.csrf(f.agents[req.actor]);
      const body = req.body ?? { kind: 'form', raw: '' };
      switch (body.kind) {
        case 'form':
          return agent
            .post(url)
            .set(headers)
            .set('Content-Type', 'application/x-www-form-urlencoded')
            .send(`_csrf=${encodeURIComponent(token)}&${body.raw}`);
        case 'json':
          return agent.post(url).set(headers).set({ 'Content-Type': 'application/json', 'X-CSRF-Token': token }).send(body.raw);
        case 'text':
          return agent.post(url).set(headers).set({ 'Content-Type': 'text/plain', 'X-CSRF-Token': token }).send(body.raw);
        case 'none':
          return agent.post(url).set(headers).set('X-CSRF-Token', token);
        case 'multipart': {
          const action = `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(token)}`;
          const upload = agent.post(action).set(headers).field('mode', 'draft');
          for (const file of body.files)
            upload.attach(file.field, file.data, { filename: file.name, contentType: 'application/octet-stream' });
          return upload;
        }
      }
    }

    function check(req: FuzzRequest, id: number, res: Response): void {
      const found: string[] = [];
      const type = String(res.headers['content-type'] ?? '');
      const bodyText = /^(text\/|application\/json)/.test(type) ? (res.text ?? '') : '';
      if (res.status >= 500) found.push(`status ${res.status}`);
      if (LEAK.test(bodyText)) found.push(`leaks internals: ${LEAK.exec(bodyText)?.[0]}`);
      if (type.startsWith('text/html') && REFLECTED.test(bodyText)) found.push(`reflects markup: ${REFLECTED.exec(bodyText)?.[0]}`);
      const cookies = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []);
      if (cookies.some((cookie) => /^x=/i.test(cookie)) || 'x' in res.headers) found.push('header injection');
      const location = String(res.headers.location ?? '');
      if (
        location &&
        (!location.startsWith('/') || location.startsWith('//') || location.startsWith('/\\') || /[\s\p{Cc}]/u.test(location))
      )
        found.push(`redirects off-site: ${location}`);
      const written = (writes.get(id) ?? []).filter((write) => !req.route.fuzz?.rejectedWrites?.pattern.test(write));
      if (res.status >= 400 && res.status < 500 && written.length) found.push(`rejected (${res.status}) but wrote: ${written.join(', ')}`);
      if (!found.length) return;
      const known = KNOWN_BUGS.find((bug) => bug.route === routeKey(req.route) && bug.status === res.status);
      if (known && found.length === 1 && found[0] === `status ${res.status}`)
        knownBugHits.add(`${known.route} → ${known.status}: ${known.bug}`);
      else problems.push(`${describeRequest(req, id)} → ${res.status}: ${found.join('; ')}`);
    }

    async function settle(route: RouteCase): Promise<void> {
      if (!route.fuzz?.background) return;
      // Mail and report builds run after the response: wait until the counts hold still.
      let previous = JSON.stringify(await collectionCounts(new Set(['sessions'])));
      for (let i = 0; i < 20; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        const now = JSON.stringify(await collectionCounts(new Set(['sessions'])));
        if (now === previous && !isRefreshing()) return;
        previous = now;
      }
    }

    /** Runs a batch, CONCURRENCY at a time; true when every answer was a refusal (4xx). */
    async function run(batch: FuzzRequest[]): Promise<boolean> {
      let allRejected = true;
      for (let i = 0; i < batch.length; i += CONCURRENCY) {
        await Promise.all(
          batch.slice(i, i + CONCURRENCY).map(async (req) => {
            const id = (sent += 1);
            writes.set(id, []);
            const res = await send(req, id);
            if (res.status < 400 || res.status >= 500) allRejected = false;
            if (req.deep) {
              deepSent += 1;
              if (![401, 403, 413, 414, 429].includes(res.status)) deepPastAuthorisation += 1;
            }
            check(req, id, res);
            writes.delete(id);
          }),
        );
      }
      return allRejected;
    }

    for (const route of ROUTES) {
      const batch = requests.filter((req) => req.route === route);
      if (!batch.length) continue;
      // Refused actors first, as a batch of their own: the counts before and after it must be equal.
      const refused = batch.filter((req) => !isReached(route.expect[req.actor]));
      const uncounted = new Set(['sessions', ...(route.fuzz?.rejectedWrites?.collections ?? [])]);
      const before = route.method === 'POST' ? await collectionCounts(uncounted) : undefined;
      const refusedOnly = await run(refused);
      const middle = route.method === 'POST' ? await collectionCounts(uncounted) : undefined;
      if (before && middle && refusedOnly) {
        const changes = countChanges(before, middle);
        if (changes.length) problems.push(`${routeKey(route)}: ${refused.length} refused requests changed counts: ${changes.join(', ')}`);
      }
      const rest = batch.filter((req) => isReached(route.expect[req.actor]));
      const restRejected = await run(rest);
      await settle(route);
      if (middle && restRejected) {
        const changes = countChanges(middle, await collectionCounts(uncounted));
        if (changes.length)
          problems.push(`${routeKey(route)}: ${rest.length} requests, all refused, changed counts: ${changes.join(', ')}`);
      }
      await route.resetAfter?.(f);
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${sent} requests (seed ${SEED}) in ${seconds} s; ${deepPastAuthorisation} of ${deepSent} deep requests reached the handler; ` +
        `${problems.length} problems${knownBugHits.size ? `; known bugs still present:\n  ${[...knownBugHits].join('\n  ')}` : ''}`,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems.slice(0, 40)).toEqual([]);
    // The fuzz proves nothing if the sessions it runs in were lost on the way (every request would be a 401 or 403).
    expect(deepPastAuthorisation).toBeGreaterThan(deepSent / 2);
    for (const actor of ACTORS.filter((candidate) => candidate !== 'anonymous')) {
      const token = await f.csrf(f.agents[actor]);
      const probe = await f.agents[actor].post('/courses/no-such-course/enrol').type('form').send({ _csrf: token });
      expect(`${actor} ${probe.status}`).toBe(`${actor} 404`);
    }
  }, 240_000);

  // Bug found by the fuzz, fixed in src/app.ts: with Express 5 req.body stays undefined when no body parser ran, and a
  // handler reading req.body.email threw (500). Every request now gets an object.
  it('POST /admin/courses/:slug/staff with a JSON body (or none) is refused with a 4xx, not a 500', async () => {
    const token = await f.csrf(f.agents.admin);
    const json = await f.agents.admin
      .post(`/admin/courses/${f.course}/staff`)
      .set({ 'X-CSRF-Token': token, 'Content-Type': 'application/json' })
      .send(JSON.stringify({ email: f.emails.trainer }));
    const empty = await f.agents.admin.post(`/admin/courses/${f.course}/staff`).set('X-CSRF-Token', token);
    expect(json.status).toBeGreaterThanOrEqual(400);
    expect(json.status).toBeLessThan(500);
    expect(empty.status).toBeGreaterThanOrEqual(400);
    expect(empty.status).toBeLessThan(500);
  });
});
