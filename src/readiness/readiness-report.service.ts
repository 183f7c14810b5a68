import { Types } from 'mongoose';
import { enterpriseSizes, User } from '../accounts/user.model';
import { LearnerFact } from '../learning/learner-fact.model';
import { ReadinessResult, type StoredAreaScore } from './readiness-result.model';
import { newestResultsOf } from './readiness.service';

/** The breakdowns of the outcomes report (src/reports), plus everyone together. */
export const READINESS_DIMENSIONS = ['all', 'size', 'women', 'region'] as const;
export type ReadinessDimension = (typeof READINESS_DIMENSIONS)[number];

export type ReadinessGroup = {
  dimension: ReadinessDimension;
  /** 'all'; a size ('micro'…); 'yes'/'no' for women-owned; a region as the learners wrote it; 'unknown' when not said. */
  key: string;
  isUnknown: boolean;
  learners: number;
  /** Learners at each level (level id → count). */
  levels: Record<string, number>;
  /** Average percentage per area over the learners for whom the area applied; null when it applied to none. */
  areaAverages: Record<string, number | null>;
};

export type ReadinessDistribution = { learners: number; groups: ReadinessGroup[] };

type Latest = { userId: string; level: string; areas: StoredAreaScore[] };
type ResultRow = { userId: Types.ObjectId; takenAt: Date; level: string; areas: StoredAreaScore[] };

const PROJECTION = { userId: 1, takenAt: 1, level: 1, areas: 1, _id: 0 } as const;

/**
 * The latest result of each learner in the selection. With ids: one indexed equality read per learner (FerretDB
 * evaluates `$in` after reading the whole collection); without: every result, newest kept per learner.
 */
async function latestResults(learnerIds?: string[]): Promise<Latest[]> {
  if (learnerIds) {
    const newest = await newestResultsOf<ResultRow>(learnerIds, PROJECTION);
    return [...newest.values()].map((row) => ({ userId: String(row.userId), level: row.level, areas: row.areas }));
  }
  const newest = new Map<string, ResultRow>();
  for (const row of await ReadinessResult.find({}, PROJECTION).lean<ResultRow[]>()) {
    const id = String(row.userId);
    const kept = newest.get(id);
    if (!kept || new Date(kept.takenAt).getTime() < new Date(row.takenAt).getTime()) newest.set(id, row);
  }
  return [...newest.values()].map((row) => ({ userId: String(row.userId), level: row.level, areas: row.areas }));
}

/** Ids of the learners enrolled in a course (for the report of "a course"). */
export async function enrolledLearnerIds(courseSlug: string): Promise<string[]> {
  const rows = await LearnerFact.find({ kind: 'enrolment', courseSlug }, { learnerId: 1, _id: 0 }).lean<{ learnerId: Types.ObjectId }[]>();
  return rows.map((row) => String(row.learnerId));
}

type ProfileKeys = { size: string; women: string; region: string };

async function profileKeys(userIds: string[]): Promise<Map<string, ProfileKeys>> {
  const keys = new Map<string, ProfileKeys>();
  if (userIds.length === 0) return keys;
  const users = await User.find({ _id: { $in: userIds.map((id) => new Types.ObjectId(id)) } }, { profile: 1 }).lean();
  for (const user of users) {
    const profile = (user.profile ?? {}) as { enterpriseSize?: string; womenOwned?: boolean; region?: string };
    const size = (enterpriseSizes as readonly string[]).includes(profile.enterpriseSize ?? '') ? profile.enterpriseSize! : 'unknown';
    const women = profile.womenOwned === true ? 'yes' : profile.womenOwned === false ? 'no' : 'unknown';
    const region = typeof profile.region === 'string' && profile.region.trim() ? profile.region.trim() : 'unknown';
    keys.set(String(user._id), { size, women, region });
  }
  return keys;
}

type Tally = { learners: number; levels: Map<string, number>; areas: Map<string, { sum: number; count: number }> };

function add(tally: Tally, result: Latest): void {
  tally.learners += 1;
  tally.levels.set(result.level, (tally.levels.get(result.level) ?? 0) + 1);
  for (const area of result.areas) {
    const entry = tally.areas.get(area.area) ?? { sum: 0, count: 0 };
    if (area.percent !== null && area.percent !== undefined) {
      entry.sum += area.percent;
      entry.count += 1;
    }
    tally.areas.set(area.area, entry);
  }
}

const KEY_ORDER: Record<ReadinessDimension, readonly string[]> = {
  all: ['all'],
  size: [...enterpriseSizes, 'unknown'],
  women: ['yes', 'no', 'unknown'],
  region: [],
};

/**
 * The readiness distribution of a selection of learners (all learners with a result when `learnerIds` is absent):
 * each learner's latest result counted once, by level and average score per area, for everyone and broken down by
 * enterprise size, women ownership and region. Cohorts pass their members' ids.
 */
export async function readinessDistribution(options: { learnerIds?: string[] } = {}): Promise<ReadinessDistribution> {
  const results = await latestResults(options.learnerIds);
  const profiles = await profileKeys(results.map((result) => result.userId));
  const tallies = new Map<string, Tally>();
  const tallyOf = (dimension: ReadinessDimension, key: string) => {
    const id = `${dimension}\u0000${key}`;
    let tally = tallies.get(id);
    if (!tally) tallies.set(id, (tally = { learners: 0, levels: new Map(), areas: new Map() }));
    return tally;
  };
  for (const result of results) {
    const keys = profiles.get(result.userId) ?? { size: 'unknown', women: 'unknown', region: 'unknown' };
    add(tallyOf('all', 'all'), result);
    add(tallyOf('size', keys.size), result);
    add(tallyOf('women', keys.women), result);
    add(tallyOf('region', keys.region), result);
  }
  const groups: ReadinessGroup[] = [];
  for (const dimension of READINESS_DIMENSIONS) {
    const present = [...tallies.keys()].filter((id) => id.startsWith(`${dimension}\u0000`)).map((id) => id.slice(dimension.length + 1));
    const order = KEY_ORDER[dimension];
    const regionCount = (key: string) => tallies.get(`region\u0000${key}`)!.learners;
    const keys =
      dimension === 'region'
        ? present.sort((a, b) => Number(a === 'unknown') - Number(b === 'unknown') || regionCount(b) - regionCount(a) || (a < b ? -1 : 1))
        : order.filter((key) => present.includes(key));
    for (const key of keys) {
      const tally = tallies.get(`${dimension}\u0000${key}`)!;
      groups.push({
        dimension,
        key,
        isUnknown: key === 'unknown',
        learners: tally.learners,
        levels: Object.fromEntries(tally.levels),
        areaAverages: Object.fromEntries([...tally.areas].map(([area, { sum, count }]) => [area, count ? Math.round(sum / count) : null])),
      });
    }
  }
  return { learners: results.length, groups };
}
