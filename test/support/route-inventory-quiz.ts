/** Route matrix and fuzz rows of quiz attempt grants (issue 15): see route-inventory.ts. */
import { QuizRecord } from '../../src/learning/quiz-record.model';
import type { ActorExpectations, Expectation, RouteCase } from './route-inventory';
import { ACTORS, type SecurityFixtures } from './security-fixtures';

/** Staff of the course in the URL (its trainer, admins); other signed-in users are refused, visitors sent to sign in. */
const courseStaff = (expectation: Expectation): ActorExpectations =>
  Object.fromEntries(
    ACTORS.map((actor) => [actor, actor === 'trainer' || actor === 'admin' ? expectation : actor === 'anonymous' ? 'login' : 'forbidden']),
  ) as ActorExpectations;

const learnerInCourse = (f: SecurityFixtures) => ({ slug: f.course, id: f.ids.learner });

export const quizRoutes: RouteCase[] = [
  {
    method: 'GET',
    pattern: '/reports/courses/:slug/learners/:id/quiz-attempts',
    params: learnerInCourse,
    expect: courseStaff(200),
    fuzz: { query: ['notice', 'lang'] },
  },
  {
    method: 'POST',
    pattern: '/reports/courses/:slug/learners/:id/quiz-attempts/:module/grant',
    params: (f) => ({ ...learnerInCourse(f), module: f.module }),
    expect: courseStaff(303),
    // A grant is an insert: drop it so every actor (and the next row) starts from the same attempts.
    resetAfter: async () => {
      await QuizRecord.deleteMany({ kind: 'grant' });
    },
    fuzz: { form: () => ({}) },
  },
];
