/**
 * A quiz pool smaller than twice its draw is a warning for a course that exists (courses:check, updates) but an error
 * for a course created through a zip import, so new courses start with pools that make retakes meaningful.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { importCourses } from '../../src/courses/course-importer';
import { writeZip } from '../../src/uploads/zip-writer';
import { csrfFrom, type Agent } from '../support/agents';
import { signedInUser } from '../support/learners';
import { writeQuizCourse } from '../support/quiz-fixtures';
import { startTestApp } from '../support/test-app';

/** The fixture course as a zip, its quiz drawing 3 of 4 (pool < 2 × draw). */
async function smallPoolZip(slug: string): Promise<Buffer> {
  const dir = path.join(writeQuizCourse(slug), slug);
  return writeZip(
    readdirSync(dir).map((name) => {
      const text = readFileSync(path.join(dir, name), 'utf8');
      return { path: `${slug}/${name}`, data: Buffer.from(name.endsWith('.quiz.yaml') ? text.replace('draw: 2', 'draw: 3') : text) };
    }),
  );
}

describe('pool smaller than twice the draw, on import', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  let admin: Agent;
  const importZip = async (zip: Buffer) => {
    const page = await admin.get('/admin/import');
    expect([page.status, page.headers.location]).toEqual([200, undefined]);
    const csrf = csrfFrom(page.text);
    return admin
      .post(`/admin/import?_csrf=${csrf}`)
      .set('Accept', 'application/json')
      .field('mode', 'publish')
      .attach('zip', zip, { filename: 'course.zip', contentType: 'application/zip' });
  };

  beforeAll(async () => {
    test = await startTestApp('quiz_pool_import');
    admin = (await signedInUser(test.app, { name: 'Admin', email: 'pool-admin@example.org', role: 'admin' })).agent;
  });
  afterAll(() => test.close());

  it('refuses a new course whose pool is smaller than twice its draw', async () => {
    const response = await importZip(await smallPoolZip('new-small-pool'));
    expect(response.status).toBe(422);
    expect(response.body.status).toBe('invalid');
    expect(response.body.problems).toEqual([
      'new-small-pool/01-drawing.quiz.yaml:1: pool of 4 questions is smaller than twice the draw (3): retakes repeat most questions',
    ]);
  });

  it('publishes the same change to a course that exists (a warning only)', async () => {
    await importCourses(writeQuizCourse('old-small-pool'));
    const response = await importZip(await smallPoolZip('old-small-pool'));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'published', version: 2 });
  });
});
