import { groupOffsets, median } from '../../src/reports/report-compose';
import { funnelOf, isLikelyContentProblem, outcomesOf, percent, sumDays } from '../../src/reports/report-figures';
import { DEFAULT_LAYOUT, packFilters, searchKey, unpackFilters, type ReportSummary } from '../../src/reports/report-types';
import { rangeQuery, toDayRange } from '../../src/reports/reports.schemas';

function summaryWith(days: { day: number; counts: number[] }[], regions: string[] = ['广东']): ReportSummary {
  return {
    courseSlug: 'c',
    title: { en: 'C', zh: 'C' },
    courseVersion: 1,
    builtAt: 0,
    learnerCount: 0,
    modules: [],
    questions: [],
    regions,
    days,
    nameChunkKeys: [],
    emailChunkKeys: [],
    detailBuckets: 1,
    layout: DEFAULT_LAYOUT,
  };
}

describe('median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median(Float64Array.from([600, 30, 180, 300, 180]))).toBe(180);
    expect(median(Float64Array.from([240, 60]))).toBe(150);
    expect(median(new Float64Array(0))).toBeNull();
  });
});

describe('sumDays and the funnel', () => {
  const width = groupOffsets(1).width;
  const day = (n: number, funnel: number[]) => ({ day: n, counts: [...funnel, ...new Array(width - 4).fill(0)] });
  const summary = summaryWith([day(100, [2, 2, 1, 1]), day(101, [3, 1, 0, 0]), day(105, [1, 1, 1, 0])]);

  it('adds the cohorts of the days in the inclusive range', () => {
    expect(funnelOf(sumDays(summary, {}))).toEqual({ enrolled: 6, started: 4, completed: 2, certified: 1 });
    expect(funnelOf(sumDays(summary, { fromDay: 101, toDay: 105 }))).toEqual({ enrolled: 4, started: 2, completed: 1, certified: 0 });
    expect(funnelOf(sumDays(summary, { toDay: 100 }))).toEqual({ enrolled: 2, started: 2, completed: 1, certified: 1 });
    expect(funnelOf(sumDays(summary, { fromDay: 106 })).enrolled).toBe(0);
  });

  it('reads groups at their offsets and leaves out regions nobody from the range is in', () => {
    const offsets = groupOffsets(1);
    const counts = new Array(width).fill(0);
    counts[offsets.size + 2 * 1] = 5;
    counts[offsets.size + 2 * 1 + 1] = 2;
    counts[offsets.region + 2 * 1] = 1;
    const outcomes = outcomesOf(summary, counts);
    expect(outcomes.size[1]).toEqual({ key: 'small', isUnknown: false, enrolled: 5, completed: 2 });
    expect(outcomes.region).toEqual([{ key: 'unknown', isUnknown: true, enrolled: 1, completed: 0 }]);
  });
});

describe('percent and the content-problem flag', () => {
  it('rounds to one decimal and refuses to divide by zero', () => {
    expect(percent(6, 7)).toBe(85.7);
    expect(percent(0, 0)).toBeNull();
  });

  it('flags 80% wrong from five answers up', () => {
    expect(isLikelyContentProblem({ responses: 5, correct: 1 })).toBe(true);
    expect(isLikelyContentProblem({ responses: 5, correct: 2 })).toBe(false);
    expect(isLikelyContentProblem({ responses: 4, correct: 0 })).toBe(false);
  });
});

describe('codes and keys', () => {
  it('packs and unpacks the filters of a learner', () => {
    for (let size = 0; size < 5; size += 1)
      for (let women = 0; women < 3; women += 1)
        for (const isCompleted of [true, false]) {
          expect(unpackFilters(packFilters(size, women, isCompleted))).toEqual({ size, women, isCompleted });
        }
  });

  it('normalises search keys by width, case and spaces', () => {
    expect(searchKey('  Zoë   Ｗang ')).toBe('zoë wang');
  });
});

describe('rangeQuery', () => {
  it('accepts real dates and empty fields, refuses the rest', () => {
    expect(rangeQuery.parse({ from: '2025-01-31', to: '' })).toEqual({ from: '2025-01-31' });
    expect(rangeQuery.safeParse({ from: '2025-02-29' }).success).toBe(false);
    expect(rangeQuery.safeParse({ from: '2024-02-29' }).success).toBe(true);
    expect(rangeQuery.safeParse({ to: '2025-1-5' }).success).toBe(false);
    expect(rangeQuery.safeParse({ from: ['2025-01-01'] }).success).toBe(false);
    expect(rangeQuery.safeParse({ from: '2025-02-01', to: '2025-01-01' }).success).toBe(false);
    expect(toDayRange({ from: '1970-01-02', to: '1970-01-03' })).toEqual({ fromDay: 1, toDay: 2 });
  });
});
