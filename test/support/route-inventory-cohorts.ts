/** Route matrix and fuzz rows of cohorts (/cohorts, /join/<code>, /invitations/<token>): see route-inventory.ts. */
import type { ActorExpectations, Expectation, RouteCase } from './route-inventory';
import { resetCohortFixture } from './cohort-fixtures';
import { ACTORS, type SecurityFixtures } from './security-fixtures';

const row = (overrides: Partial<ActorExpectations> & { rest: Expectation }): ActorExpectations => {
  const { rest, ...given } = overrides;
  return Object.fromEntries(ACTORS.map((actor) => [actor, given[actor] ?? rest])) as ActorExpectations;
};
/** Trainers and admins (a trainer's lists hold their own cohorts only). */
const anyStaff = (expectation: Expectation) =>
  row({ anonymous: 'login', learner: 'forbidden', otherLearner: 'forbidden', rest: expectation });
/** The cohort's trainer (its creator) and admins. */
const cohortStaff = (expectation: Expectation) =>
  row({ anonymous: 'login', learner: 'forbidden', otherLearner: 'forbidden', otherTrainer: 'forbidden', rest: expectation });

const cohort = (f: SecurityFixtures) => ({ id: f.cohort.id });
const reset = (f: SecurityFixtures) => resetCohortFixture(f.cohort, f.ids.learner);
const VALID_COHORT = (f: SecurityFixtures) => ({ name: 'Fuzz cohort', courses: f.course, startsOn: '2026-01-01', endsOn: '2026-12-31' });

export const cohortsRoutes: RouteCase[] = [
  { method: 'GET', pattern: '/cohorts', expect: anyStaff(200), fuzz: { query: ['lang'] } },
  { method: 'GET', pattern: '/cohorts/new', expect: anyStaff(200) },
  // An empty form: 422 with the problems, for anyone who gets through.
  { method: 'POST', pattern: '/cohorts/new', expect: anyStaff(422), fuzz: { form: VALID_COHORT } },
  { method: 'GET', pattern: '/cohorts/:id', params: cohort, expect: cohortStaff(200), fuzz: { query: ['sort', 'dir', 'done', 'count'] } },
  { method: 'GET', pattern: '/cohorts/:id/members.csv', params: cohort, expect: cohortStaff(200), fuzz: { query: ['sort', 'dir'] } },
  {
    method: 'POST',
    pattern: '/cohorts/:id/invite',
    params: cohort,
    expect: cohortStaff(422),
    fuzz: { form: () => ({ emails: 'fuzz-invitee@example.org' }), background: true },
  },
  {
    method: 'POST',
    pattern: '/cohorts/:id/invite/csv',
    params: cohort,
    multipart: {
      field: 'file',
      file: { name: 'learners.csv', data: Buffer.from('email\nfuzz-csv@example.org\n'), contentType: 'text/csv' },
    },
    expect: cohortStaff(303),
    fuzz: { background: true },
  },
  {
    method: 'POST',
    pattern: '/cohorts/:id/members/:userId/remove',
    params: (f) => ({ id: f.cohort.id, userId: f.ids.learner }),
    expect: cohortStaff(303),
    resetAfter: reset,
  },
  { method: 'GET', pattern: '/cohorts/:id/reminders', params: cohort, expect: cohortStaff(200) },
  // Nobody in the fixture cohort is stuck: the send goes through and sends nothing.
  { method: 'POST', pattern: '/cohorts/:id/reminders', params: cohort, expect: cohortStaff(303) },
  { method: 'POST', pattern: '/cohorts/:id/link/close', params: cohort, expect: cohortStaff(303), resetAfter: reset },
  { method: 'POST', pattern: '/cohorts/:id/link/rotate', params: cohort, expect: cohortStaff(303), resetAfter: reset },
  { method: 'GET', pattern: '/join/:code', params: (f) => ({ code: f.cohort.code }), expect: row({ rest: 200 }) },
  {
    method: 'POST',
    pattern: '/join/:code',
    params: (f) => ({ code: f.cohort.code }),
    expect: row({ anonymous: 'login', rest: 303 }),
    resetAfter: reset,
  },
  { method: 'GET', pattern: '/invitations/:token', params: (f) => ({ token: f.cohort.token }), expect: row({ rest: 200 }) },
  {
    method: 'POST',
    pattern: '/invitations/:token',
    params: (f) => ({ token: f.cohort.token }),
    expect: row({ anonymous: 'login', rest: 303 }),
    resetAfter: reset,
  },
];
