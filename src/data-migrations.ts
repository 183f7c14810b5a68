import { migrateLegacyDrafts } from './authoring/course-draft.model';
import { fillCourseLevelModuleSlug, migrateLegacyLearnerFacts } from './learning/learner-fact.model';

/**
 * Moves data stored by earlier versions into today's shapes, once connected and before anything else uses the
 * database. Each step is idempotent and resumable (it inserts behind unique indexes, then removes what it moved), so
 * an interrupted start simply runs it again.
 */
export async function runDataMigrations(log: (line: string) => void): Promise<void> {
  await migrateLegacyDrafts(log);
  await migrateLegacyLearnerFacts(log);
  await fillCourseLevelModuleSlug(log);
}
