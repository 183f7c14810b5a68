import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { restoreBackup, writeBackup } from '../../src/backup/backup.service';
import { importCourses } from '../../src/courses/course-importer';
import { CourseVersion } from '../../src/courses/course-version.model';
import { Enrolment } from '../../src/learning/enrolment.model';
import { recordModuleCompletion } from '../../src/learning/progress.service';
import { ModuleCompletion } from '../../src/learning/module-completion.model';
import { CourseAsset } from '../../src/courses/course-asset.model';
import { FIXTURE_SET, writeFixtureCourseSet } from '../support/course-fixtures';
import { startTestApp } from '../support/test-app';

describe('backup and restore', () => {
  let test: Awaited<ReturnType<typeof startTestApp>>;
  let dir: string;
  beforeAll(async () => {
    test = await startTestApp('backup');
    dir = mkdtempSync(path.join(os.tmpdir(), 'pa-backup-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await test.close();
  });

  it('round-trips every collection with its types into an empty database, and refuses a non-empty one', async () => {
    // A fixture set (with an attachment, so an asset's bytes round-trip too), not the shipped courses.
    await importCourses(writeFixtureCourseSet());
    const learnerId = new Types.ObjectId();
    await Enrolment.create({ learnerId, courseSlug: 'fixture-alpha' });
    await recordModuleCompletion(learnerId, 'fixture-alpha', 'module-1', 1);
    const before = {
      versions: await CourseVersion.countDocuments(),
      completion: await ModuleCompletion.findOne({ learnerId }).lean(),
      asset: await CourseAsset.findOne().lean(),
    };

    const keysDir = path.join(dir, 'keys-public');
    mkdirSync(keysDir);
    writeFileSync(path.join(keysDir, 'kid1.pem'), '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n');
    const manifest = await writeBackup(path.join(dir, 'b1'), { publicKeysDir: keysDir });
    expect(manifest.publicKeys).toBe(true);
    expect(manifest.collections.find((c) => c.name === 'courseVersions')?.documents).toBe(FIXTURE_SET.length);
    const firstLine = readFileSync(path.join(dir, 'b1', 'collections', 'learnerFacts.jsonl'), 'utf8').split('\n')[0]!;
    expect(firstLine).toContain('"$oid"');
    expect(firstLine).toContain('"$date"');

    await expect(restoreBackup(path.join(dir, 'b1'))).rejects.toThrow(/not empty/);
    await mongoose.connection.dropDatabase();
    const restoredKeys = path.join(dir, 'restored-keys');
    await restoreBackup(path.join(dir, 'b1'), { publicKeysDir: restoredKeys });
    expect(readFileSync(path.join(restoredKeys, 'kid1.pem'), 'utf8')).toContain('PUBLIC KEY');

    expect(await CourseVersion.countDocuments()).toBe(before.versions);
    const completion = await ModuleCompletion.findOne({ learnerId }).lean();
    expect(completion?._id.equals(before.completion!._id)).toBe(true);
    expect(completion?.completedAt).toEqual(before.completion?.completedAt);
    const asset = await CourseAsset.findOne({ sha256: before.asset!.sha256 }).lean();
    expect(
      Buffer.from((asset!.data as unknown as { buffer: Uint8Array }).buffer).equals(
        Buffer.from((before.asset!.data as unknown as { buffer: Uint8Array }).buffer),
      ),
    ).toBe(true);
    await expect(
      ModuleCompletion.create({ learnerId, courseSlug: 'fixture-alpha', moduleSlug: 'module-1', courseVersion: 1 }),
    ).rejects.toMatchObject({ code: 11000 });
  });
});
