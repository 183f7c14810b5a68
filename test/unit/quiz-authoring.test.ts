import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderCourseFolder } from '../../src/authoring/course-folder';
import { draftFromLoaded } from '../../src/authoring/draft-convert';
import { deleteQuestion, updateQuestion } from '../../src/authoring/draft-edits';
import { loadCourseFolder } from '../../src/courses/course-files';

/** Authoring keeps what the quiz file says beyond the question form (issue 15): draw, section, fixed, course rules. */
describe('drafts keep draw, section, fixed and the assessment settings', () => {
  it('round-trip through a draft: the folder written from it reads back the same', async () => {
    const { course } = await loadCourseFolder('test/fixtures/quiz-courses/quiz-pools');
    const draft = draftFromLoaded(course!, []);
    expect(draft.meta).toMatchObject({ review: 'after-pass', retakeAfterMinutes: 10, retakeWaitFrom: 'first-failure', maxQuizAttempts: 3 });
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'pa-quiz-draft-')), 'quiz-pools');
    mkdirSync(dir);
    for (const file of renderCourseFolder(draft).files) writeFileSync(path.join(dir, file.name), file.text);
    const again = await loadCourseFolder(dir);
    expect(again.problems).toEqual([]);
    expect(again.course!.contentHash).toBe(course!.contentHash);
  });

  it('keeps section and fixed when the question form saves a question, and draw when one is deleted', async () => {
    const { course } = await loadCourseFolder('test/fixtures/quiz-courses/quiz-pools');
    const draft = draftFromLoaded(course!, []);
    const p2 = draft.modules[0]!.quiz!.questions[1]!;
    // What the form sends: no section, no fixed.
    const fromForm = { ...p2, prompt: { en: 'Edited', zh: '已编辑' }, options: p2.options.map(({ id, text }) => ({ id, text })) };
    delete (fromForm as { section?: string }).section;
    updateQuestion(draft, 'drawing', 1, fromForm);
    const saved = draft.modules[0]!.quiz!.questions[1]!;
    expect(saved.prompt.en).toBe('Edited');
    expect(saved.section).toBe('options-and-order');
    expect(saved.options.find((option) => option.id === 'd')?.fixed).toBe(true);
    deleteQuestion(draft, 'drawing', 3);
    expect(draft.modules[0]!.quiz).toMatchObject({ draw: 2 });
    expect(draft.modules[0]!.quiz!.questions).toHaveLength(3);
  });
});
