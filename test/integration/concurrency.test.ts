/**
 * Writes that race, on the running server. FerretDB 1.24 applies updates as read-modify-write, so these rely on
 * inserts behind unique indexes only (see database-compat.test.ts for what the server does to updates).
 */
import mongoose, { Types } from 'mongoose';
import path from 'node:path';
import { authenticateUser } from '../../src/accounts/accounts.service';
import { LOCKOUT_THRESHOLD, LoginFailure } from '../../src/accounts/login-failure.model';
import { hashPassword } from '../../src/accounts/password-hash';
import { User } from '../../src/accounts/user.model';
import { findDraft } from '../../src/authoring/course-draft.model';
import { saveDraft } from '../../src/authoring/draft.service';
import { importCourses } from '../../src/courses/course-importer';
import { DiskStorage } from '../../src/uploads/storage';
import { writeFixtureCourse } from '../support/course-fixtures';
import { startTestApp } from '../support/test-app';

describe('races on the running server', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    test = await startTestApp('concurrency');
  });
  afterAll(async () => {
    await test.close();
  });

  describe('20 trainers saving one draft at once', () => {
    it('keeps every edit (a save that loses a race is re-applied to the newer revision)', async () => {
      const slug = 'race-course';
      await importCourses(writeFixtureCourse({ slug, modules: 2 }));
      const context = {
        storage: new DiskStorage(path.join(test.config.dataDir, 'uploads')),
        workDir: path.join(test.config.dataDir, 'tmp'),
      };
      const admin = { id: new Types.ObjectId().toString(), role: 'admin' as const };
      const markers = Array.from({ length: 20 }, (_, i) => `Edit number ${i + 1} of twenty.`);

      const outcomes = await Promise.allSettled(
        markers.map((marker) =>
          saveDraft(context, admin, slug, 'module', (content) => {
            const module = content.modules[0]!;
            module.markdown = { en: `${module.markdown.en}\n\n${marker}\n`, zh: `${module.markdown.zh}\n\n${marker}\n` };
          }),
        ),
      );

      const saved = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      // A refused save is visible to its author (409); none may vanish.
      for (const outcome of refused) expect((outcome as PromiseRejectedResult).reason).toMatchObject({ status: 409 });
      expect(saved).toHaveLength(20);
      const draft = await findDraft(slug);
      const body = draft!.modules[0]!.markdown.en;
      expect(markers.filter((marker) => body.includes(marker))).toHaveLength(20);
      expect(draft!.revision).toBe(20);
      const revisions = saved
        .map((outcome) => (outcome as PromiseFulfilledResult<{ revision: number }>).value.revision)
        .sort((a, b) => a - b);
      expect(revisions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    }, 120000);
  });

  describe('50 wrong passwords at once', () => {
    it(`lock the account after exactly ${LOCKOUT_THRESHOLD} counted failures; the right password then fails too`, async () => {
      const email = 'race-lock@example.org';
      await User.create({ name: 'Race', email, passwordHash: await hashPassword('the right passphrase') });
      const results = await Promise.all(Array.from({ length: 50 }, () => authenticateUser(email, 'a wrong guess')));
      expect(results.every((result) => result === null)).toBe(true);

      const user = await User.findOne({ email }).lean();
      const failures = await LoginFailure.find({ userId: user!._id }).lean();
      expect(failures.map((failure) => failure.n).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
      expect(await authenticateUser(email, 'the right passphrase')).toBeNull();
      // Attempts while locked are not counted, so the lock cannot be extended for ever.
      expect(await LoginFailure.countDocuments({ userId: user!._id })).toBe(LOCKOUT_THRESHOLD);
    }, 120000);

    it('a correct password before the threshold clears the count', async () => {
      const email = 'race-clear@example.org';
      await User.create({ name: 'Clear', email, passwordHash: await hashPassword('the right passphrase') });
      for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i += 1) expect(await authenticateUser(email, 'wrong')).toBeNull();
      expect(await authenticateUser(email, 'the right passphrase')).not.toBeNull();
      for (let i = 0; i < LOCKOUT_THRESHOLD - 1; i += 1) expect(await authenticateUser(email, 'wrong')).toBeNull();
      expect(await authenticateUser(email, 'the right passphrase')).not.toBeNull();
      expect(mongoose.connection.readyState).toBe(1);
    }, 60000);
  });
});
