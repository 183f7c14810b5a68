/** `npm run courses:check [root]`: validates course folders (default ./courses) and exits 1 on any problem. */
import path from 'node:path';
import { runCoursesCheck } from '../src/courses/course-check';

const root = path.resolve(process.argv[2] ?? 'courses');

runCoursesCheck(root, (line) => console.log(line)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`courses:check: cannot read ${root}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
