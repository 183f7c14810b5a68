/** Route matrix and fuzz rows of the supplier readiness check and its report: see route-inventory.ts. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ActorExpectations, Expectation, RouteCase } from './route-inventory';
import { ACTORS } from './security-fixtures';

const row = (overrides: Partial<ActorExpectations> & { rest: Expectation }): ActorExpectations => {
  const { rest, ...given } = overrides;
  return Object.fromEntries(ACTORS.map((actor) => [actor, given[actor] ?? rest])) as ActorExpectations;
};
const staff = (expectation: Expectation, trainers: Expectation = expectation) =>
  row({
    anonymous: 'login',
    learner: 'forbidden',
    otherLearner: 'forbidden',
    trainer: trainers,
    otherTrainer: trainers,
    rest: expectation,
  });

/** A complete, valid answer sheet for the shipped readiness.yaml (the first option of every question). */
function validAnswers(): Record<string, string> {
  const file = parse(readFileSync('courses/readiness.yaml', 'utf8')) as { questions: { id: string; options: { id: string }[] }[] };
  return Object.fromEntries(file.questions.map((question) => [`q_${question.id}`, question.options[0]!.id]));
}

export const readinessRoutes: RouteCase[] = [
  { method: 'GET', pattern: '/readiness', expect: row({ rest: 200 }), fuzz: { query: ['lang'] } },
  // The matrix sends an empty form: 422 with every question listed, for everyone (the check needs no account).
  {
    method: 'POST',
    pattern: '/readiness',
    expect: row({ rest: 422 }),
    fuzz: { form: () => ({ submissionKey: 'fuzz-readiness-key-0001', ...validAnswers() }) },
  },
  // Without a result: visitors go to the form, signed-in users see "not taken yet".
  { method: 'GET', pattern: '/readiness/result', expect: row({ anonymous: 303, rest: 200 }), fuzz: { query: ['saved'] } },
  { method: 'GET', pattern: '/readiness/plan.pdf', expect: row({ rest: 'notfound' }), fuzz: { skip: 'no input' } },
  // Nothing pending in the session: visitors are sent to sign in, signed-in users back to the result page.
  { method: 'POST', pattern: '/readiness/save', expect: row({ anonymous: 'login', rest: 303 }) },
  { method: 'GET', pattern: '/readiness/history', expect: row({ anonymous: 'login', rest: 200 }), fuzz: { skip: 'no input' } },
  // Without ?course= trainers get the course choice (page) or a 400 (CSV); admins every learner.
  { method: 'GET', pattern: '/reports/readiness', expect: staff(200), fuzz: { query: ['course', 'lang'] } },
  { method: 'GET', pattern: '/reports/readiness.csv', expect: staff(200, 400), fuzz: { query: ['course'] } },
];
