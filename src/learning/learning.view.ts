import type { Lang, QuizQuestion } from '../courses/course-types';
import type { CourseVersionDoc, StoredModule } from '../courses/course-version.model';
import { renderInlineMarkdown } from '../courses/markdown';
import { sectionsOf } from '../courses/section-anchors';
import type { Translate } from '../i18n/i18n';
import type { SubmittedAnswers } from './learning.schemas';
import type { QuizAttemptDoc } from './quiz-attempt.model';
import { minutesUntil, type QuizStanding } from './quiz-rules';
import { correctChoices, type QuizHistory } from './quiz.service';

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

/** Attempts left, the wait before the next one and how to ask for one more: the same lines on both quiz pages. */
function standingView(standing: QuizStanding, t: Translate, locale: string) {
  const lines: string[] = [];
  if (standing.remaining !== undefined && standing.remaining > 0) lines.push(t('quiz.attemptsRemaining', { count: standing.remaining }));
  const waitUntil = standing.waitUntil;
  return {
    lines,
    isOutOfAttempts: standing.remaining === 0,
    wait: waitUntil
      ? {
          iso: waitUntil.toISOString(),
          text: t('quiz.waitUntil', {
            minutes: minutesUntil(waitUntil),
            time: new Intl.DateTimeFormat(locale, {
              hour: '2-digit',
              minute: '2-digit',
              hourCycle: 'h23',
              timeZone: 'UTC',
              timeZoneName: 'short',
            }).format(waitUntil),
          }),
        }
      : undefined,
    canAttempt: standing.canAttempt,
  };
}

/** The quiz form: prompts and choices only, never which choice is right. */
export function buildQuizView(input: {
  course: CourseVersionDoc;
  module: StoredModule;
  questions: QuizQuestion[];
  history: QuizHistory;
  standing: QuizStanding;
  lang: Lang;
  locale: string;
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
    attemptNumber: input.standing.next,
    history: historyView(input.history, course.passMark),
    standing: standingView(input.standing, t, input.locale),
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

/** Where a wrong answer's topic is taught: the module section the question names, or the module's top. */
function hintOf(course: CourseVersionDoc, module: StoredModule, question: QuizQuestion, lang: Lang) {
  const section = question.section ? sectionsOf(module).find((candidate) => candidate.slug === question.section) : undefined;
  const href = moduleHref(course, module);
  return section ? { href: `${href}#${section.slug}`, title: section.heading[lang] } : { href, title: module.title[lang] };
}

type ReviewInput = {
  course: CourseVersionDoc;
  module: StoredModule;
  questions: QuizQuestion[];
  attempt: QuizAttemptDoc;
  standing: QuizStanding;
};

/**
 * Each question of a graded attempt. Until the quiz is passed or the attempts run out (review: after-pass), a wrong
 * answer gets only a link to the section that teaches it: no correct option, no explanation, and no option feedback
 * (feedback on a wrong option tends to name the right one).
 */
function reviewOf({ course, module, questions, attempt, standing }: ReviewInput, lang: Lang) {
  const isRevealed = standing.isRevealed;
  return questions.map((question) => {
    const record = attempt.answers.find((answer) => answer.questionId === question.id);
    const chosen = new Set(record?.chosen ?? []);
    const isCorrect = Boolean(record?.isCorrect);
    return {
      question,
      isCorrect,
      chosen,
      hint: isRevealed || isCorrect ? undefined : hintOf(course, module, question, lang),
      revealed: isRevealed
        ? {
            answer: correctChoices(question),
            feedback: question.options.filter((option) => chosen.has(option.id) && option.feedback).map((option) => option.feedback![lang]),
            explanation: question.explanation[lang],
            reference: course.references.find((ref) => ref.id === question.reference),
          }
        : undefined,
    };
  });
}

/** The graded attempt: each question with what was chosen and whether it was right, then hints or the answers. */
export function buildQuizResultView(
  input: ReviewInput & { history: QuizHistory; isCourseComplete: boolean; lang: Lang; locale: string; t: Translate },
) {
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
    isRevealed: input.standing.isRevealed,
    passMark: course.passMark,
    isCourseComplete: input.isCourseComplete,
    history: historyView(input.history, course.passMark),
    standing: standingView(input.standing, t, input.locale),
    questions: reviewOf(input, lang).map(({ question, isCorrect, chosen, hint, revealed }, number) => {
      const choices = choicesOf(question, lang, t);
      return {
        number: number + 1,
        promptHtml: renderInlineMarkdown(question.prompt[lang]),
        isCorrect,
        chosen: choices.filter((choice) => chosen.has(choice.id)),
        hint,
        correct: revealed ? choices.filter((choice) => revealed.answer.includes(choice.id)) : undefined,
        feedback: (revealed?.feedback ?? []).map((text) => renderInlineMarkdown(text)),
        explanationHtml: revealed ? renderInlineMarkdown(revealed.explanation) : undefined,
        reference: revealed?.reference ? { title: revealed.reference.title, url: revealed.reference.url } : undefined,
      };
    }),
  };
}

/** The JSON answer to a submission: the same rule as the page, so an API client learns no more than a browser. */
export function quizResultJson(input: ReviewInput & { isCourseComplete: boolean; isNew: boolean }, lang: Lang) {
  const { attempt, standing } = input;
  return {
    score: attempt.score,
    passed: attempt.isPassed,
    attemptNumber: attempt.attemptNumber,
    isNew: input.isNew,
    courseCompleted: input.isCourseComplete,
    attemptsLeft: standing.remaining ?? null,
    nextAttemptAt: standing.waitUntil?.toISOString() ?? null,
    revealed: standing.isRevealed,
    questions: reviewOf(input, lang).map(({ question, isCorrect, chosen, hint, revealed }) => ({
      id: question.id,
      correct: isCorrect,
      chosen: [...chosen],
      ...(hint ? { hint } : {}),
      ...(revealed
        ? {
            answer: revealed.answer,
            explanation: revealed.explanation,
            feedback: revealed.feedback,
            reference: revealed.reference?.id ?? null,
          }
        : {}),
    })),
  };
}
