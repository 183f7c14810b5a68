import { rmSync } from 'node:fs';
import { testState, testStateFile } from './test-state';

export default async function globalTeardown(): Promise<void> {
  await testState.stop?.();
  rmSync(testStateFile, { force: true });
}
