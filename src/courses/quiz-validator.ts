import { isScalar, isSeq, type Node } from 'yaml';
import { questionTypes, type Problem, type Quiz, type QuizOption, type QuizQuestion, type ValidationContext } from './course-types';
import { isValidSlug } from './course-source';
import { YamlReader, type YamlFile } from './yaml-reader';

const questionKeys = ['id', 'type', 'prompt', 'options', 'answer', 'explanation', 'reference', 'section'];
const optionKeys = ['id', 'text', 'feedback', 'fixed'];
const minOptions = 2;
const maxOptions = 6;

/**
 * Reads and checks a `NN-slug.quiz.yaml`; returns the quiz only when it has no problem. `sections` are the module's
 * `##` headings (English slugs): a question's `section` must name one of them (undefined: the page could not be read).
 */
export function readQuiz(yaml: YamlFile, context: ValidationContext, problems: Problem[], sections?: ReadonlySet<string>): Quiz | undefined {
  const before = problems.length;
  const r = new YamlReader(yaml, problems);
  const root = r.root('a quiz file');
  if (!root) return undefined;
  r.rejectUnknownKeys(root, ['draw', 'questions'], '');
  let drawLine = 1;
  const draw = r.at(
    root,
    'draw',
    'draw',
    (node, line, path) => {
      drawLine = line;
      return r.integer(1)(node, line, path);
    },
    false,
  );
  const questions = r.at(root, 'questions', 'questions', r.listOf((node, line, path) => readQuestion(r, node, line, path, context, sections), 1));
  if (draw !== undefined && questions && draw > questions.length) {
    r.report(drawLine, `draw ${draw} is larger than the pool of ${questions.length} question${questions.length === 1 ? '' : 's'}`);
  } else if (draw !== undefined && questions && questions.length < 2 * draw) {
    // Retakes would mostly repeat the same questions; existing courses may ship so, new ones may not.
    context.warnings.push({
      file: r.file,
      line: drawLine,
      message: `pool of ${questions.length} questions is smaller than twice the draw (${draw}): retakes repeat most questions`,
    });
  }
  if (!questions || problems.length !== before) return undefined;
  return draw === undefined ? { questions } : { draw, questions };
}

function readQuestion(
  r: YamlReader,
  node: Node,
  line: number,
  path: string,
  context: ValidationContext,
  sections: ReadonlySet<string> | undefined,
): QuizQuestion | undefined {
  const map = r.map(node, line, path);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, questionKeys, path);
  const id = r.at(map, 'id', `${path}.id`, r.text);
  if (id !== undefined) checkQuestionId(r, id, line, context);
  const type = r.at(map, 'type', `${path}.type`, r.oneOf(questionTypes));
  const prompt = r.at(map, 'prompt', `${path}.prompt`, r.bilingual);
  const explanation = r.at(map, 'explanation', `${path}.explanation`, r.bilingual);
  const reference = r.at(map, 'reference', `${path}.reference`, (value, valueLine, valuePath) => {
    const text = r.text(value, valueLine, valuePath);
    if (text !== undefined && context.referenceIds && !context.referenceIds.has(text)) r.report(valueLine, `unknown reference id: ${text}`);
    return text;
  });
  const section = r.at(
    map,
    'section',
    `${path}.section`,
    (value, valueLine, valuePath) => {
      const slug = r.text(value, valueLine, valuePath);
      if (slug !== undefined && sections && !sections.has(slug)) r.report(valueLine, `unknown section: ${slug} (no ## heading of the module has this slug)`);
      return slug;
    },
    false,
  );
  if (type === undefined) return undefined;

  let options: QuizOption[] | undefined = [];
  if (type === 'truefalse') {
    r.at(map, 'options', `${path}.options`, (value, valueLine) => {
      if (!isSeq(value) || value.items.length > 0) r.report(valueLine, 'truefalse question must not have options');
    }, false);
  } else {
    options = r.at(map, 'options', `${path}.options`, (value, valueLine, valuePath) => readOptions(r, value, valueLine, valuePath));
  }
  const answer = r.at(map, 'answer', `${path}.answer`, (value, valueLine) => readAnswer(r, value, valueLine, type, options));
  if ([id, prompt, explanation, reference, options, answer].some((value) => value === undefined)) return undefined;
  const question = { id, type, prompt, options, answer, explanation, reference } as QuizQuestion;
  return section === undefined ? question : { ...question, section };
}

function checkQuestionId(r: YamlReader, id: string, line: number, context: ValidationContext): void {
  if (!isValidSlug(id)) r.report(line, `invalid question id: ${id} (use a-z, 0-9 and -)`);
  const seen = context.questionIds.get(id);
  if (seen) r.report(line, `duplicate question id: ${id} (also at ${seen})`);
  else context.questionIds.set(id, `${r.file}:${line}`);
}

function readOptions(r: YamlReader, node: Node, line: number, path: string): QuizOption[] | undefined {
  const options = r.listOf((value, itemLine, itemPath) => readOption(r, value, itemLine, itemPath))(node, line, path);
  if (!options) return undefined;
  if (options.length < minOptions || options.length > maxOptions) {
    r.report(line, `${path} must list ${minOptions} to ${maxOptions} options (has ${options.length})`);
    return undefined;
  }
  const ids = new Set<string>();
  for (const option of options) {
    if (ids.has(option.id)) {
      r.report(line, `duplicate option id: ${option.id}`);
      return undefined;
    }
    ids.add(option.id);
  }
  return options;
}

function readOption(r: YamlReader, node: Node, line: number, path: string): QuizOption | undefined {
  const map = r.map(node, line, path);
  if (!map) return undefined;
  r.rejectUnknownKeys(map, optionKeys, path);
  const id = r.at(map, 'id', `${path}.id`, r.text);
  const text = r.at(map, 'text', `${path}.text`, r.bilingual);
  const feedback = r.at(map, 'feedback', `${path}.feedback`, r.bilingual, false);
  const fixed = r.at(map, 'fixed', `${path}.fixed`, r.boolean, false);
  if (id === undefined || text === undefined) return undefined;
  return { id, text, ...(feedback ? { feedback } : {}), ...(fixed ? { fixed } : {}) };
}

/** truefalse: a boolean. single: one option id (a one-item list is accepted). multiple: a non-empty list of option ids. */
function readAnswer(r: YamlReader, node: Node, line: number, type: QuizQuestion['type'], options: QuizOption[] | undefined): string[] | boolean | undefined {
  if (type === 'truefalse') {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    r.report(line, 'truefalse answer must be true or false');
    return undefined;
  }
  const values: unknown[] = isSeq(node) ? node.items.map((item) => (isScalar(item) ? item.value : item)) : [isScalar(node) ? node.value : node];
  if (values.some((value) => typeof value !== 'string' && typeof value !== 'number')) {
    r.report(line, 'answer must be option ids');
    return undefined;
  }
  const ids = [...new Set(values.map(String))];
  if (type === 'multiple' && ids.length === 0) {
    r.report(line, 'multiple answer must list at least one option id');
    return undefined;
  }
  if (type === 'single' && ids.length !== 1) {
    r.report(line, 'single answer must be exactly one option id');
    return undefined;
  }
  if (!options) return undefined;
  const known = options.map((option) => option.id);
  const unknown = ids.filter((id) => !known.includes(id));
  for (const id of unknown) r.report(line, `answer ${id} is not among the options (${known.join(', ')})`);
  return unknown.length === 0 ? ids : undefined;
}
