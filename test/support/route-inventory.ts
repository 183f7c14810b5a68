/**
 * Every route of the app, with an example request and who may use it. The route matrix fails when the app has a
 * route this table does not list (or the table lists one the app no longer has), so a new route cannot go
 * untested; the fuzz test sends malformed input to each of them.
 *
 * Expected outcomes per actor:
 * - a number: exactly that status. Every actor who gets through is pinned to the answer the matrix request earns:
 *   200 for a page, 303 for an accepted form, 422 (or 400) where the matrix sends an empty form and the validation
 *   refusing it proves the request reached the handler, 409 "nothing to publish" proves the trainer reached the service;
 * - 'login': a visitor is sent to sign in (303 to /login) or, for a form post, answered 401;
 * - 'forbidden': 403; 'notfound': 404;
 * - 'allowed' (kept for rows still to be pinned; prefer a number): any 2xx or 3xx that is not a redirect to sign-in.
 *   A 400 or 422 is NOT allowed: a request refused by validation must say so with its number.
 */
import type { Express } from 'express';
import { CourseDraft } from '../../src/authoring/course-draft.model';
import { credentialKeys } from '../../src/certificates/certificates.context';
import { Enrolment } from '../../src/learning/enrolment.model';
import { ACTORS, type Actor, type SecurityFixtures } from './security-fixtures';
import { mailRoutes } from './route-inventory-mail';
import { cohortsRoutes } from './route-inventory-cohorts';
import { readinessRoutes } from './route-inventory-readiness';
import { quizRoutes } from './route-inventory-quiz';

export type Expectation = 'allowed' | 'login' | 'forbidden' | 'notfound' | number;
export type ActorExpectations = Record<Actor, Expectation>;
export type Method = 'GET' | 'POST';

export type RouteCase = {
  method: Method;
  /** The path exactly as the router declares it (`:param`, `*wildcard`). */
  pattern: string;
  /** Example values for the pattern's parameters, from the shared fixtures. */
  params?: (f: SecurityFixtures) => Record<string, string>;
  /** Query string of the matrix request. */
  query?: Record<string, string>;
  /** Form body of the matrix request (a CSRF token is added); empty unless a field is needed to reach the check. */
  body?: (f: SecurityFixtures) => Record<string, string>;
  /** Multipart form: the CSRF token travels in `?_csrf=` as the app's upload forms send it. */
  multipart?: { field: string; file?: { name: string; data: Buffer; contentType: string } };
  /** The request ends or replaces the session (sign-out): each actor uses a freshly signed-in browser. */
  endsSession?: boolean;
  /** Undoes what an accepted request changed, so the next actor (and row) starts from the same data. */
  resetAfter?: (f: SecurityFixtures) => Promise<void>;
  expect: ActorExpectations;
  fuzz?: {
    /** A valid form to start from: each fuzzed request changes one field of it. Defaults to `body`. */
    form?: (f: SecurityFixtures) => Record<string, string>;
    /** Query parameters the handler (or a shared middleware) reads. */
    query?: string[];
    /** Work continues after the response (mail, report builds): wait for it before comparing counts. */
    background?: boolean;
    /** Why the route is left out of fuzzing. */
    skip?: string;
    /** Writes a refused request legitimately makes (`method collection`), and why. */
    /** Writes a refused request may make on purpose, and the collections whose counts they change. */
    rejectedWrites?: { pattern: RegExp; collections: string[]; why: string };
  };
};

const row = (overrides: Partial<ActorExpectations> & { rest: Expectation }): ActorExpectations => {
  const { rest, ...given } = overrides;
  return Object.fromEntries(ACTORS.map((actor) => [actor, given[actor] ?? rest])) as ActorExpectations;
};
/** Public: the same answer for everyone. */
const everyone = (expectation: Expectation) => row({ rest: expectation });
/** Any signed-in user. */
const signedIn = (expectation: Expectation) => row({ anonymous: 'login', rest: expectation });
/** Trainers and admins, whichever course (lists filtered to their own courses). */
const anyStaff = (expectation: Expectation) =>
  row({ anonymous: 'login', learner: 'forbidden', otherLearner: 'forbidden', rest: expectation });
/** Staff of the course in the URL: its assigned trainer and admins. */
const courseStaff = (expectation: Expectation) =>
  row({ anonymous: 'login', learner: 'forbidden', otherLearner: 'forbidden', otherTrainer: 'forbidden', rest: expectation });
/** The certificate's holder, and staff of its course. */
const ownerOrCourseStaff = (expectation: Expectation) =>
  row({ anonymous: 'login', otherLearner: 'forbidden', otherTrainer: 'forbidden', rest: expectation });
/** Admins only. */
const adminOnly = (expectation: Expectation) => row({ anonymous: 'login', admin: expectation, rest: 'forbidden' });
/** Progress and quizzes: the enrolled learner only (everyone else signed in is refused: they are not enrolled). */
const enrolledLearner = (expectation: Expectation) => row({ anonymous: 'login', learner: expectation, rest: 'forbidden' });

const course = (f: SecurityFixtures) => ({ slug: f.course });
const courseModule = (f: SecurityFixtures) => ({ slug: f.course, module: f.module });
const serial = (f: SecurityFixtures) => ({ serial: f.certificate.serial });
const BOGUS_TOKEN = 'x'.repeat(43);

/** Drafts made by accepted authoring requests are dropped: the working copy goes back to the live version. */
const dropDrafts = async () => {
  await CourseDraft.deleteMany({});
};
/** Enrolments made by the enrol row, except the learner's own. */
const dropNewEnrolments = async (f: SecurityFixtures) => {
  await Enrolment.deleteMany({ learnerId: { $ne: f.ids.learner } });
};

const SETTINGS_FORM = {
  title_en: 'Minimal course',
  title_zh: '最小课程',
  summary_en: 'A small course.',
  summary_zh: '小课程。',
  audience_en: 'Authors',
  audience_zh: '作者',
  level: 'beginner',
  minutes: '10',
  outcomes_en: 'Pass the validator',
  outcomes_zh: '通过验证',
  passMark: '70',
  maxQuizAttempts: '0',
  completion: 'modules-and-quizzes',
  certificate_en: 'has completed the minimal course',
  certificate_zh: '已完成最小课程',
};
const CATALOGUES_FORM = {
  references: 'S1 | UNGM Help Centre | https://help.ungm.org/\nS2 | A printed manual',
  glossary: 'ungm | UNGM | 联合国全球采购网 | The UN procurement portal. | 联合国采购门户。',
};
const MODULE_TEXT_FORM = {
  title: 'First steps',
  objectives: 'Register on the UN Global Marketplace',
  markdown: 'Start on [[ungm]].\n\n![Diagram](assets/diagram.png)\n',
};
const QUESTION_FORM = {
  id: 'where-to-start',
  type: 'single',
  prompt_en: 'Where do you register?',
  prompt_zh: '在哪里注册？',
  explanation_en: 'On UNGM.',
  explanation_zh: '在联合国全球采购网。',
  reference: 'S1',
  correct: '0',
  truth: '',
  opt0_id: 'a',
  opt0_en: 'UNGM',
  opt0_zh: '联合国全球采购网',
  opt1_id: 'b',
  opt1_en: 'A trade fair',
  opt1_zh: '展会',
};
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export const ROUTES: RouteCase[] = [
  // Health and accounts
  { method: 'GET', pattern: '/healthz', expect: everyone(200), fuzz: { skip: 'no input' } },
  { method: 'GET', pattern: '/register', expect: row({ anonymous: 200, rest: 303 }), fuzz: { query: ['lang'] } },
  {
    method: 'POST',
    pattern: '/register',
    expect: everyone(400),
    fuzz: {
      form: () => ({ name: 'Fuzz Person', email: 'fuzz.register@example.org', password: 'a long enough password' }),
      background: true,
    },
  },
  { method: 'GET', pattern: '/register/confirm/:token', params: () => ({ token: BOGUS_TOKEN }), expect: everyone(400) },
  { method: 'POST', pattern: '/register/confirm/:token', params: () => ({ token: BOGUS_TOKEN }), expect: everyone(400) },
  {
    method: 'GET',
    pattern: '/login',
    query: { next: '/dashboard' },
    expect: row({ anonymous: 200, rest: 303 }),
    fuzz: { query: ['next', 'notice'] },
  },
  {
    method: 'POST',
    pattern: '/login',
    expect: everyone(400),
    fuzz: { form: () => ({ email: 'nobody.fuzz@example.org', password: 'not the password at all', next: '/dashboard' }) },
  },
  { method: 'POST', pattern: '/logout', endsSession: true, expect: everyone(303), fuzz: { skip: 'ends the session it is sent with' } },
  { method: 'GET', pattern: '/password/forgot', expect: everyone(200), fuzz: { query: ['lang'] } },
  {
    method: 'POST',
    pattern: '/password/forgot',
    expect: everyone(400),
    fuzz: { form: () => ({ email: 'nobody.fuzz@example.org' }), background: true },
  },
  { method: 'GET', pattern: '/password/reset/:token', params: () => ({ token: BOGUS_TOKEN }), expect: everyone(400) },
  {
    method: 'POST',
    pattern: '/password/reset/:token',
    params: () => ({ token: BOGUS_TOKEN }),
    expect: everyone(400),
    fuzz: { form: () => ({ password: 'a brand new password' }) },
  },
  { method: 'GET', pattern: '/account', expect: signedIn(200), fuzz: { query: ['notice'] } },
  {
    method: 'POST',
    pattern: '/account',
    expect: signedIn(400),
    fuzz: {
      form: () => ({
        name: 'Fuzz Name',
        companyName: 'Fuzz Ltd',
        enterpriseSize: 'small',
        womenOwned: 'yes',
        region: 'Asia',
        sector: 'IT',
        preferredLanguage: 'en',
      }),
    },
  },
  // A wrong current password: fuzzing must never change a password (the session would be regenerated).
  {
    method: 'POST',
    pattern: '/account/password',
    expect: signedIn(400),
    fuzz: {
      form: () => ({ currentPassword: 'definitely not the password', newPassword: 'another long password' }),
      rejectedWrites: {
        pattern: /^insertOne loginFailures$/,
        collections: ['loginFailures'],
        why: 'a wrong current password counts towards the account lockout, like a failed sign-in',
      },
    },
  },

  // Home, catalogue and course pages: public
  { method: 'GET', pattern: '/', expect: everyone(200), fuzz: { query: ['lang'] } },
  { method: 'GET', pattern: '/courses', expect: everyone(200), fuzz: { query: ['lang'] } },
  { method: 'GET', pattern: '/courses/:slug', params: course, expect: everyone(200), fuzz: { query: ['completed', 'enrolled'] } },
  { method: 'GET', pattern: '/courses/:slug/modules/:module', params: courseModule, expect: everyone(200) },
  { method: 'GET', pattern: '/courses/:slug/assets/*name', params: (f) => ({ slug: f.course, name: f.asset }), expect: everyone(200) },

  // Learning
  { method: 'POST', pattern: '/courses/:slug/enrol', params: course, expect: signedIn(303), resetAfter: dropNewEnrolments },
  { method: 'POST', pattern: '/courses/:slug/modules/:module/complete', params: courseModule, expect: enrolledLearner(303) },
  {
    method: 'POST',
    pattern: '/courses/:slug/modules/:module/time',
    params: courseModule,
    body: () => ({ seconds: '30' }),
    expect: enrolledLearner(204),
  },
  { method: 'GET', pattern: '/courses/:slug/modules/:module/quiz', params: courseModule, expect: enrolledLearner(200) },
  {
    method: 'POST',
    pattern: '/courses/:slug/modules/:module/quiz',
    params: courseModule,
    expect: enrolledLearner(422),
    fuzz: {
      form: () => ({
        submissionKey: 'fuzzsubmissionkey0001',
        'q_where-to-start': 'b',
        'q_what-to-bring': 'c',
        'q_registration-is-free': 'false',
      }),
    },
  },
  { method: 'GET', pattern: '/dashboard', expect: signedIn(200), fuzz: { query: ['lang'] } },

  // Reports
  { method: 'GET', pattern: '/reports', expect: anyStaff(200), fuzz: { query: ['lang'] } },
  {
    method: 'GET',
    pattern: '/reports/courses/:slug',
    params: course,
    expect: courseStaff(200),
    fuzz: { query: ['from', 'to', 'updating'] },
  },
  { method: 'POST', pattern: '/reports/courses/:slug/refresh', params: course, expect: courseStaff(303), fuzz: { background: true } },
  ...(['funnel', 'outcomes', 'modules', 'quiz'] as const).map(
    (name): RouteCase => ({
      method: 'GET',
      pattern: `/reports/courses/:slug/${name}.csv`,
      params: course,
      expect: courseStaff(200),
      fuzz: { query: ['from', 'to'] },
    }),
  ),
  {
    method: 'GET',
    pattern: '/reports/courses/:slug/learners',
    params: course,
    expect: courseStaff(200),
    fuzz: { query: ['q', 'size', 'women', 'region', 'completed', 'page'] },
  },
  {
    method: 'GET',
    pattern: '/reports/courses/:slug/learners.csv',
    params: course,
    expect: courseStaff(200),
    fuzz: { query: ['q', 'size', 'women', 'region', 'completed', 'page'] },
  },
  {
    method: 'GET',
    pattern: '/reports/courses/:slug/learners/:id',
    params: (f) => ({ slug: f.course, id: f.ids.learner }),
    expect: courseStaff(200),
  },
  {
    method: 'GET',
    pattern: '/reports/courses/:slug/learners/:id/modules.csv',
    params: (f) => ({ slug: f.course, id: f.ids.learner }),
    expect: courseStaff(200),
  },
  {
    method: 'GET',
    pattern: '/reports/courses/:slug/learners/:id/attempts.csv',
    params: (f) => ({ slug: f.course, id: f.ids.learner }),
    expect: courseStaff(200),
  },

  // Authoring
  { method: 'GET', pattern: '/author', expect: anyStaff(200), fuzz: { query: ['notice'] } },
  { method: 'GET', pattern: '/author/courses/new', expect: anyStaff(200), fuzz: { query: ['lang'] } },
  // An existing slug: fuzzing the titles must not create courses, and reaches the "slug taken" page.
  {
    method: 'POST',
    pattern: '/author/courses',
    expect: anyStaff(422),
    resetAfter: dropDrafts,
    fuzz: { form: (f) => ({ slug: f.course, title_en: 'Fuzz', title_zh: '模糊' }) },
  },
  { method: 'GET', pattern: '/author/courses/:slug', params: course, expect: courseStaff(200), fuzz: { query: ['notice'] } },
  { method: 'GET', pattern: '/author/courses/:slug/settings', params: course, expect: courseStaff(200), fuzz: { query: ['notice'] } },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/settings',
    params: course,
    expect: courseStaff(422),
    resetAfter: dropDrafts,
    fuzz: { form: () => SETTINGS_FORM },
  },
  { method: 'GET', pattern: '/author/courses/:slug/catalogues', params: course, expect: courseStaff(200) },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/catalogues',
    params: course,
    body: () => CATALOGUES_FORM,
    expect: courseStaff(303),
    resetAfter: dropDrafts,
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules',
    params: course,
    expect: courseStaff(422),
    resetAfter: dropDrafts,
    fuzz: { form: () => ({ slug: 'fuzz-module', title_en: 'Fuzz', title_zh: '模糊' }) },
  },
  {
    method: 'GET',
    pattern: '/author/courses/:slug/modules/:module',
    params: courseModule,
    expect: courseStaff(200),
    fuzz: { query: ['notice'] },
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module',
    params: courseModule,
    expect: courseStaff(422),
    resetAfter: dropDrafts,
    fuzz: { form: () => ({ minutes: '10', references: 'S1, S2' }) },
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module/move',
    params: courseModule,
    body: () => ({ direction: 'down' }),
    expect: courseStaff(303),
    resetAfter: dropDrafts,
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module/delete',
    params: courseModule,
    expect: courseStaff(303),
    resetAfter: dropDrafts,
  },
  {
    method: 'GET',
    pattern: '/author/courses/:slug/modules/:module/text/:lang',
    params: (f) => ({ ...courseModule(f), lang: 'zh' }),
    expect: courseStaff(200),
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module/text/:lang',
    params: (f) => ({ ...courseModule(f), lang: 'en' }),
    // An empty text is a valid draft (the validator reports it when publishing): saved.
    expect: courseStaff(303),
    resetAfter: dropDrafts,
    fuzz: { form: () => MODULE_TEXT_FORM },
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module/text/:lang/preview',
    params: (f) => ({ ...courseModule(f), lang: 'en' }),
    expect: courseStaff(200),
    fuzz: { form: () => MODULE_TEXT_FORM },
  },
  {
    method: 'GET',
    pattern: '/author/courses/:slug/modules/:module/quiz',
    params: courseModule,
    expect: courseStaff(200),
    fuzz: { query: ['notice'] },
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module/quiz/questions',
    params: courseModule,
    expect: courseStaff(422),
    resetAfter: dropDrafts,
    fuzz: { form: () => ({ id: 'fuzz-question', type: 'single' }) },
  },
  {
    method: 'GET',
    pattern: '/author/courses/:slug/modules/:module/quiz/questions/:n',
    params: (f) => ({ ...courseModule(f), n: '0' }),
    expect: courseStaff(200),
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module/quiz/questions/:n',
    params: (f) => ({ ...courseModule(f), n: '0' }),
    expect: courseStaff(422),
    resetAfter: dropDrafts,
    fuzz: { form: () => QUESTION_FORM },
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/modules/:module/quiz/questions/:n/delete',
    params: (f) => ({ ...courseModule(f), n: '0' }),
    expect: courseStaff(303),
    resetAfter: dropDrafts,
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/assets',
    params: course,
    multipart: { field: 'files', file: { name: 'pixel.png', data: PNG_1X1, contentType: 'image/png' } },
    expect: courseStaff(303),
    resetAfter: dropDrafts,
  },
  {
    method: 'POST',
    pattern: '/author/courses/:slug/assets/delete',
    params: course,
    body: (f) => ({ name: f.asset }),
    expect: courseStaff(303),
    resetAfter: dropDrafts,
  },
  {
    method: 'GET',
    pattern: '/author/courses/:slug/assets/*name',
    params: (f) => ({ slug: f.course, name: f.asset }),
    expect: courseStaff(200),
  },
  { method: 'GET', pattern: '/author/courses/:slug/changes', params: course, expect: courseStaff(200) },
  // No draft exists, so an authorised publish reaches the service and is told there is nothing to publish.
  { method: 'POST', pattern: '/author/courses/:slug/publish', params: course, expect: courseStaff(409), resetAfter: dropDrafts },
  { method: 'POST', pattern: '/author/courses/:slug/discard', params: course, expect: courseStaff(303), resetAfter: dropDrafts },
  { method: 'GET', pattern: '/author/courses/:slug/export.zip', params: course, expect: courseStaff(200), fuzz: { query: ['source'] } },

  // Certificates and verification
  { method: 'GET', pattern: '/.well-known/certificate-keys.json', expect: everyone(200), fuzz: { skip: 'no input' } },
  // The credential key's own URL (a credential's `kid`) and the public status list: public, like the key set.
  {
    method: 'GET',
    pattern: '/.well-known/certificate-keys/:kid.json',
    params: () => ({ kid: credentialKeys().current.kid }),
    expect: everyone(200),
  },
  {
    method: 'GET',
    pattern: '/credentials/status/:list',
    params: () => ({ list: String(new Date().getUTCFullYear()) }),
    expect: everyone(200),
  },
  { method: 'GET', pattern: '/verify', expect: everyone(200), fuzz: { query: ['code'] } },
  { method: 'GET', pattern: '/verify/:code', params: (f) => ({ code: f.certificate.code }), expect: everyone(200) },
  { method: 'POST', pattern: '/verify/pdf', multipart: { field: 'file' }, expect: everyone(400) },
  { method: 'GET', pattern: '/certificates', expect: signedIn(200), fuzz: { query: ['lang'] } },
  {
    method: 'GET',
    pattern: '/certificates/:serial.pdf',
    params: serial,
    expect: ownerOrCourseStaff(200),
  },
  {
    method: 'GET',
    pattern: '/certificates/:serial/credential.jwt',
    params: serial,
    expect: ownerOrCourseStaff(200),
  },
  { method: 'GET', pattern: '/admin/certificates', expect: anyStaff(200), fuzz: { query: ['q', 'page'] } },
  { method: 'GET', pattern: '/admin/certificates/:serial', params: serial, expect: courseStaff(200), fuzz: { query: ['notice'] } },
  {
    method: 'POST',
    pattern: '/admin/certificates/:serial/revoke',
    params: serial,
    expect: courseStaff(400),
    fuzz: { form: () => ({ reason: 'issued-in-error', note: 'Fuzz note' }) },
  },
  {
    method: 'POST',
    pattern: '/admin/certificates/:serial/correct',
    params: serial,
    expect: courseStaff(400),
    fuzz: { form: () => ({ name: 'Li Na Corrected' }) },
  },

  // Administration
  { method: 'GET', pattern: '/admin', expect: adminOnly(200), fuzz: { query: ['lang'] } },
  { method: 'GET', pattern: '/admin/users', expect: adminOnly(200), fuzz: { query: ['q', 'page', 'notice'] } },
  // The bystander keeps the role they have: the admin's request is accepted and changes nothing.
  {
    method: 'POST',
    pattern: '/admin/users/:id/role',
    params: (f) => ({ id: f.ids.bystander }),
    body: () => ({ role: 'learner' }),
    expect: adminOnly(303),
    fuzz: { form: () => ({ role: 'learner', back: '/admin/users?q=&page=1' }) },
  },
  { method: 'GET', pattern: '/admin/audit', expect: adminOnly(200), fuzz: { query: ['page', 'action'] } },
  { method: 'GET', pattern: '/admin/courses', expect: adminOnly(200), fuzz: { query: ['notice'] } },
  // The bystander is a learner, so assigning them is refused (422) after the admin check.
  {
    method: 'POST',
    pattern: '/admin/courses/:slug/staff',
    params: course,
    body: (f) => ({ email: f.emails.bystander }),
    expect: adminOnly(422),
  },
  // The bystander is not assigned: removing them is accepted and changes nothing.
  {
    method: 'POST',
    pattern: '/admin/courses/:slug/staff/:userId/delete',
    params: (f) => ({ slug: f.course, userId: f.ids.bystander }),
    expect: adminOnly(303),
  },
  { method: 'GET', pattern: '/admin/imports', expect: adminOnly(200), fuzz: { query: ['lang'] } },
  { method: 'GET', pattern: '/admin/import', expect: adminOnly(200), fuzz: { query: ['lang'] } },
  { method: 'POST', pattern: '/admin/import', multipart: { field: 'zip' }, expect: adminOnly(422) },
  ...cohortsRoutes,
  ...readinessRoutes,
  ...mailRoutes,
  ...quizRoutes,
];

export const routeKey = (route: { method: string; pattern: string }) => `${route.method} ${route.pattern}`;

/** The URL of a pattern with its parameters filled in (a `*wildcard` takes a path of several segments). */
export function fillPattern(
  pattern: string,
  params: Record<string, string>,
  encode: (value: string) => string = encodeURIComponent,
): string {
  return pattern.replace(/([:*])([A-Za-z_][A-Za-z0-9_]*)/g, (_match, kind: string, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no example value for ${kind}${name} in ${pattern}`);
    return kind === '*' ? value.split('/').map(encode).join('/') : encode(value);
  });
}

export const patternParams = (pattern: string) => [...pattern.matchAll(/[:*]([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);

type Layer = {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
  name?: string;
};

/**
 * Every method and path the app routes, found by walking the router stacks (Express 5 / router 2): a layer with a
 * `route` is an endpoint; a layer whose handle has a `stack` is a mounted router, whose prefix is the layer's
 * `rawPath` (`slash` when mounted at `/`). Anything the walk cannot read exactly throws, so the matrix never
 * silently misses a route.
 */
export function discoverRoutes(app: Express): { method: string; pattern: string }[] {
  const root = (app as unknown as { router?: { stack?: Layer[] } }).router;
  if (!root?.stack) throw new Error('discoverRoutes: app.router.stack not found (is this Express 5?)');
  const found: { method: string; pattern: string }[] = [];
  const join = (prefix: string, rest: string) => (prefix + rest).replace(/\/{2,}/g, '/');
  const pathOf = (value: unknown, where: string): string => {
    if (typeof value === 'string') return value;
    throw new Error(`discoverRoutes: cannot read the path of ${where} (${String(value)}); add support for it`);
  };
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const routePath = join(prefix, pathOf(layer.route.path, `a route under ${prefix || '/'}`));
        for (const [method, enabled] of Object.entries(layer.route.methods)) {
          if (enabled) found.push({ method: method === '_all' ? 'ALL' : method.toUpperCase(), pattern: routePath });
        }
      } else if (layer.handle?.stack) {
        const mount = layer.slash ? '' : pathOf(layer.rawPath, `a router mounted under ${prefix || '/'}`);
        walk(layer.handle.stack, join(prefix, mount === '/' ? '' : mount));
      }
    }
  };
  walk(root.stack, '');
  return found;
}
