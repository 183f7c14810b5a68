import type { Lang, QuizQuestion } from '../courses/course-types';
import type { CourseVersionDoc, StoredModule } from '../courses/course-version.model';
import { renderInlineMarkdown } from '../courses/markdown';
import type { Translate } from '../i18n/i18n';
import type { QuizAttemptDoc } from './quiz-attempt.model';
import type { QuizHistory, SubmittedAnswers } from './quiz.service';

const moduleHref = (course: CourseVersionDoc, module: StoredModule) => `/courses/${course.courseSlug}/modules/${module.slug}`;

function choicesOf(question: QuizQuestion, lang: Lang, t: Translate) {
  if (question.type === 'truefalse') {
    return [
      { id: 'true', html: t('quiz.true') },
      { id: 'false', html: t('quiz.false') },
    ];
  }
  return question.options.map((option) => ({ id: option.id, html: renderInlineMarkdown(option.text[lang]) }));
}

function historyView(history: QuizHistory, passMark: number) {
  return {
    attempts: history.attempts,
    best: history.best?.score,
    last: history.last?.score,
    isPassed: Boolean(history.best && history.best.score >= passMark),
    attemptsLeft: history.attemptsLeft,
  };
}

/** The quiz form: prompts and choices only, never which choice is right. */
export function buildQuizView(input: {
  course: CourseVersionDoc;
  module: StoredModule;
  questions: QuizQuestion[];
  history: QuizHistory;
  lang: Lang;
  t: Translate;
  submissionKey: string;
  chosen?: SubmittedAnswers;
  missing?: string[];
  isMalformed?: boolean;
}) {
  const { course, module, lang, t } = input;
  return {
    title: `${t('quiz.title')} · ${module.title[lang]}`,
    course: { href: `/courses/${course.courseSlug}`, title: course.title[lang] },
    module: { href: moduleHref(course, module), title: module.title[lang] },
    action: `${moduleHref(course, module)}/quiz`,
    passMark: course.passMark,
    submissionKey: input.submissionKey,
    history: historyView(input.history, course.passMark),
    isMalformed: Boolean(input.isMalformed),
    missing: (input.missing ?? []).map((id) => ({ id, number: input.questions.findIndex((q) => q.id === id) + 1 })),
    questions: input.questions.map((question, index) => ({
      id: question.id,
      number: index + 1,
      isMultiple: question.type === 'multiple',
      promptHtml: renderInlineMarkdown(question.prompt[lang]),
      isMissing: Boolean(input.missing?.includes(question.id)),
      choices: choicesOf(question, lang, t).map((choice) => ({
        ...choice,
        isChosen: Boolean(input.chosen?.[question.id]?.includes(choice.id)),
      })),
    })),
  };
}

/** The graded attempt: each question with what was chosen, whether it was right, feedback, explanation, reference. */
export function buildQuizResultView(input: {
  course: CourseVersionDoc;
  module: StoredModule;
  questions: QuizQuestion[];
  attempt: QuizAttemptDoc;
  history: QuizHistory;
  isCourseComplete: boolean;
  lang: Lang;
  t: Translate;
}) {
  const { course, module, lang, t, attempt } = input;
  const index = course.modules.findIndex((candidate) => candidate.slug === module.slug);
  const next = course.modules[index + 1];
  return {
    title: `${t('quiz.resultTitle')} · ${module.title[lang]}`,
    course: { href: `/courses/${course.courseSlug}`, title: course.title[lang] },
    module: { href: moduleHref(course, module), title: module.title[lang] },
    quizHref: `${moduleHref(course, module)}/quiz`,
    nextHref: next ? moduleHref(course, next) : undefined,
    score: attempt.score,
    isPassed: attempt.isPassed,
    passMark: course.passMark,
    isCourseComplete: input.isCourseComplete,
    history: historyView(input.history, course.passMark),
    questions: input.questions.map((question, number) => {
      const record = attempt.answers.find((answer) => answer.questionId === question.id);
      const chosen = new Set(record?.chosen ?? []);
      const reference = course.references.find((ref) => ref.id === question.reference);
      return {
        number: number + 1,
        promptHtml: renderInlineMarkdown(question.prompt[lang]),
        isCorrect: Boolean(record?.isCorrect),
        chosen: choicesOf(question, lang, t).filter((choice) => chosen.has(choice.id)),
        feedback: question.options
          .filter((option) => chosen.has(option.id) && option.feedback)
          .map((option) => renderInlineMarkdown(option.feedback![lang])),
        explanationHtml: renderInlineMarkdown(question.explanation[lang]),
        reference: reference ? { title: reference.title, url: reference.url } : undefined,
      };
    }),
  };
}
