import path from 'node:path';
import os from 'node:os';

/** Shared between global setup and teardown, which Jest runs in the same process. */
export const testState: { stop?: () => Promise<void> } = {};
export const testStateFile = path.join(os.tmpdir(), `procurement-academy-test-db-${process.ppid}-${process.pid}.json`);
