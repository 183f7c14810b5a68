/** Route matrix and fuzz rows of the mail outbox (/admin/mail): see route-inventory.ts. */
import type { ActorExpectations, Expectation, RouteCase } from './route-inventory';
import { ACTORS } from './security-fixtures';

/** Admins only: everyone else signed in is refused, visitors are sent to sign in. */
const adminOnly = (expectation: Expectation): ActorExpectations =>
  Object.fromEntries(
    ACTORS.map((actor) => [actor, actor === 'admin' ? expectation : actor === 'anonymous' ? 'login' : 'forbidden']),
  ) as ActorExpectations;

export const mailRoutes: RouteCase[] = [{ method: 'GET', pattern: '/admin/mail', expect: adminOnly(200), fuzz: { query: ['lang'] } }];
