import { formatProblem } from '../courses/course-validator';
import type { Logger } from '../logger';
import { readReadinessFile, type ReadinessFileResult } from './readiness-file';
import type { ReadinessCheck } from './readiness-types';

/**
 * The readiness check of an app, read once when the app is built (files only, no database) and validated there,
 * so a broken file is logged with its `file:line` problems at start-up; the pages then answer 503 instead of
 * scoring against a half-read file. Kept on `app.locals`, so apps built in tests do not share it.
 */
const KEY = 'readinessCheck';

/** An Express app or `req.app` (typed differently by Express, alike in what is used here). */
type AppWithLocals = { locals: Record<string, unknown> };

export function loadReadinessForApp(app: AppWithLocals, coursesDir: string, logger: Logger): void {
  const loading: Promise<ReadinessFileResult> = readReadinessFile(coursesDir, true).then(
    (result) => {
      if (result.problems.length > 0) {
        logger.error({ problems: result.problems.map(formatProblem) }, 'readiness check not loaded: fix readiness.yaml');
      }
      return result;
    },
    (error: unknown) => {
      logger.error({ err: error }, 'readiness check could not be read');
      return { problems: [{ file: 'readiness.yaml', line: 1, message: 'cannot be read' }] };
    },
  );
  app.locals[KEY] = loading;
}

/** The app's readiness check, or undefined when its file has problems. */
export async function readinessCheckOf(app: AppWithLocals): Promise<ReadinessCheck | undefined> {
  const loading = app.locals[KEY] as Promise<ReadinessFileResult> | undefined;
  return (await loading)?.check;
}
