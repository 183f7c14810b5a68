import { Types } from 'mongoose';
import type { Random } from './random';

/** Surnames and given names with their pinyin (the pinyin makes email addresses), the most common first. */
const SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['黄', 'huang'],
  ['赵', 'zhao'],
  ['吴', 'wu'],
  ['周', 'zhou'],
  ['徐', 'xu'],
  ['孙', 'sun'],
  ['马', 'ma'],
  ['朱', 'zhu'],
  ['胡', 'hu'],
  ['郭', 'guo'],
  ['何', 'he'],
  ['林', 'lin'],
  ['高', 'gao'],
  ['罗', 'luo'],
  ['郑', 'zheng'],
  ['梁', 'liang'],
  ['谢', 'xie'],
  ['宋', 'song'],
  ['唐', 'tang'],
  ['许', 'xu'],
  ['邓', 'deng'],
  ['冯', 'feng'],
  ['韩', 'han'],
  ['曹', 'cao'],
  ['曾', 'zeng'],
  ['彭', 'peng'],
];
const GIVEN: readonly (readonly [string, string])[] = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['艳', 'yan'],
  ['杰', 'jie'],
  ['娟', 'juan'],
  ['涛', 'tao'],
  ['明', 'ming'],
  ['超', 'chao'],
  ['秀英', 'xiuying'],
  ['霞', 'xia'],
  ['平', 'ping'],
  ['刚', 'gang'],
  ['桂英', 'guiying'],
  ['晓东', 'xiaodong'],
  ['海燕', 'haiyan'],
  ['建华', 'jianhua'],
  ['雪梅', 'xuemei'],
  ['志强', 'zhiqiang'],
  ['丹', 'dan'],
  ['婷', 'ting'],
  ['鹏', 'peng'],
];
/** Provinces and regions, weighted roughly by the number of exporting SMEs. */
const REGIONS: readonly (readonly [string, number])[] = [
  ['广东', 16],
  ['浙江', 14],
  ['江苏', 12],
  ['山东', 8],
  ['福建', 7],
  ['上海', 6],
  ['北京', 5],
  ['河北', 3],
  ['河南', 3],
  ['湖北', 3],
  ['湖南', 2.5],
  ['四川', 2.5],
  ['安徽', 2.5],
  ['天津', 2],
  ['重庆', 2],
  ['辽宁', 2],
  ['江西', 1.5],
  ['陕西', 1.5],
  ['广西', 1.5],
  ['云南', 1.2],
  ['山西', 1],
  ['黑龙江', 1],
  ['吉林', 0.8],
  ['内蒙古', 0.7],
  ['贵州', 0.7],
  ['新疆', 0.6],
  ['海南', 0.5],
  ['甘肃', 0.5],
  ['宁夏', 0.3],
  ['青海', 0.2],
  ['西藏', 0.1],
];
const SECTORS = [
  '医疗用品',
  '建筑工程',
  '信息技术',
  '纺织服装',
  '食品农产品',
  '物流运输',
  '办公用品',
  '车辆及零部件',
  '能源设备',
  '咨询服务',
  'Medical supplies',
  'Construction',
] as const;
const COMPANY_WORDS = ['华信', '恒达', '中联', '新桥', '瑞丰', '东方', '远航', '金石', '绿源', '博远'] as const;
const DOMAINS = ['example.cn', 'example.com', 'mail.example.cn', 'example.org'] as const;

/** An ObjectId made from the seed: a real timestamp (so createdAt and the id agree) and 8 pseudo-random bytes. */
export function seededObjectId(random: Random, at: Date): Types.ObjectId {
  const seconds = Math.floor(at.getTime() / 1000)
    .toString(16)
    .padStart(8, '0');
  return new Types.ObjectId(seconds + random.hex(8));
}

export type SeedUser = {
  _id: Types.ObjectId;
  name: string;
  email: string;
  passwordHash: string;
  role: 'learner';
  profile: Record<string, unknown>;
  failedLogins: number;
  lockedUntil: null;
  createdAt: Date;
  updatedAt: Date;
};

/** A learner with a realistic profile: mostly micro and small firms, about 35% women-owned, Chinese provinces. */
export function makeLearner(random: Random, index: number, seed: number, createdAt: Date, passwordHash: string): SeedUser {
  const [surname, surnamePinyin] = random.pick(SURNAMES);
  const [given, givenPinyin] = random.pick(GIVEN);
  const latin = random.chance(0.12);
  const name = latin
    ? `${givenPinyin[0]!.toUpperCase()}${givenPinyin.slice(1)} ${surnamePinyin[0]!.toUpperCase()}${surnamePinyin.slice(1)}`
    : `${surname}${given}`;
  const profile: Record<string, unknown> = {};
  const size = random.weighted([
    ['micro', 44],
    ['small', 31],
    ['medium', 17],
    ['large', 5],
    [undefined, 3],
  ] as const);
  if (size) profile.enterpriseSize = size;
  const womenOwned = random.weighted([
    [true, 35],
    [false, 60],
    [undefined, 5],
  ] as const);
  if (womenOwned !== undefined) profile.womenOwned = womenOwned;
  if (!random.chance(0.03)) profile.region = random.weighted(REGIONS);
  if (!random.chance(0.1)) profile.sector = random.pick(SECTORS);
  const language = random.weighted([
    ['zh-CN', 75],
    ['en', 20],
    [undefined, 5],
  ] as const);
  if (language) profile.preferredLanguage = language;
  profile.companyName = `${random.pick(COMPANY_WORDS)}${random.pick(['贸易', '科技', '实业', '制造'])}有限公司`;
  return {
    _id: seededObjectId(random, createdAt),
    name,
    email: `${givenPinyin}.${surnamePinyin}.${index}@s${seed}.${random.pick(DOMAINS)}`,
    passwordHash,
    role: 'learner',
    profile,
    failedLogins: 0,
    lockedUntil: null,
    createdAt,
    updatedAt: createdAt,
  };
}
