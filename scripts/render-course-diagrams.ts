/**
 * `npx tsx scripts/render-course-diagrams.ts [name...]`: draws the course diagrams as PNG files (course assets may not
 * be SVG) in English and Chinese, as headless-Chromium screenshots of small HTML pages. The text of each diagram is
 * here, next to its layout, so a reviewer can check it against the module that shows it; rerun the script after
 * editing it and commit the PNGs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Lang = 'en' | 'zh';
type Diagram = { course: string; name: string; width: number; height: number; body: Record<Lang, string> };

const chromium = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const maxBytes = 150 * 1024;

const css = `
  * { box-sizing: border-box; margin: 0; padding: 0; }
  body { font-family: 'Noto Sans CJK SC', sans-serif; color: #1d2a36; background: #fff; padding: 22px 26px; }
  h1 { font-size: 23px; margin-bottom: 4px; }
  .sub { font-size: 14px; color: #4a5a68; margin-bottom: 16px; }
  .note { font-size: 13px; color: #4a5a68; margin-top: 12px; line-height: 1.45; }
  ul { padding-left: 18px; } li { margin: 2px 0; }
  .box { border: 2px solid #1f5f8b; border-radius: 10px; padding: 10px 12px; background: #eef5fb; font-size: 14px; line-height: 1.4; }
  .box h2 { font-size: 17px; color: #123f5e; margin-bottom: 4px; }
  .ladder { display: flex; align-items: flex-end; gap: 14px; height: 380px; }
  .ladder .box { flex: 1; }
  .flow { display: grid; grid-template-columns: repeat(4, 1fr); gap: 26px 30px; }
  .flow .box { position: relative; min-height: 128px; }
  .flow .box .n { display: inline-block; width: 24px; height: 24px; border-radius: 12px; background: #1f5f8b; color: #fff; text-align: center; font-weight: bold; margin-right: 6px; font-size: 14px; line-height: 24px; }
  .flow .box.arrow::after { content: '\\2192'; position: absolute; right: -27px; top: 44%; font-size: 24px; color: #1f5f8b; }
  .flow .box.left::after { content: '\\2190'; position: absolute; left: -27px; top: 44%; font-size: 24px; color: #1f5f8b; }
  .flow .box.down::after { content: '\\2193'; position: absolute; left: 45%; bottom: -30px; font-size: 24px; color: #1f5f8b; }
  .scopes { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 14px; }
  .s1 { background: #fdecea; border-color: #b03a2e; } .s1 h2 { color: #7b241c; }
  .s2 { background: #fef5e7; border-color: #b9770e; } .s2 h2 { color: #7e5109; }
  .s3 { background: #eafaf1; border-color: #1e8449; } .s3 h2 { color: #145a32; }
  .band { text-align: center; font-weight: bold; font-size: 14px; padding: 6px; border-radius: 8px; margin-bottom: 8px; }
  .rows { display: grid; grid-template-columns: 90px 1fr; gap: 10px 12px; align-items: center; }
  .term { font-weight: bold; font-size: 20px; color: #123f5e; }
  .line { position: relative; height: 44px; border-radius: 8px; overflow: hidden; display: flex; font-size: 13px; }
  .line span { display: flex; align-items: center; justify-content: center; padding: 0 6px; text-align: center; }
  .seller { background: #d6e9f8; } .buyer { background: #fbe3c7; }
  .pin { position: absolute; top: 0; bottom: 0; width: 4px; background: #b03a2e; }
  .stations { display: grid; grid-template-columns: 90px 1fr; gap: 0 12px; font-size: 13px; color: #4a5a68; margin-bottom: 6px; }
  .marks { position: relative; height: 36px; }
  .marks span { position: absolute; top: 0; width: 120px; margin-left: -60px; text-align: center; line-height: 1.3; }
  .marks span.first { margin-left: 0; text-align: left; } .marks span.last { margin-left: -120px; text-align: right; }
  .legend { display: flex; gap: 18px; font-size: 13px; margin-top: 12px; align-items: center; }
  .legend i { display: inline-block; width: 18px; height: 12px; margin-right: 5px; vertical-align: middle; }
`;

function page(width: number, body: string, lang: Lang): string {
  return `<!doctype html><html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><style>${css} body { width: ${width}px; }${lang === 'en' ? " body { font-family: 'Liberation Sans', 'DejaVu Sans', sans-serif; }" : ''}</style></head><body>${body}</body></html>`;
}

const ladder: Record<Lang, { title: string; sub: string; steps: [string, string[]][]; note: string }> = {
  en: {
    title: 'The UNGM registration ladder',
    sub: 'Each step adds documents. Registration is free at every step.',
    steps: [
      [
        'Basic',
        [
          'Name exactly as on the Certificate of Incorporation',
          'Licence number, year established, ownership',
          'Countries, contacts, UNSPSC codes',
          'Declaration of eligibility',
          'Minimum for e-submission tenders (with the issuing organisation)',
        ],
      ],
      [
        'Level 1',
        [
          'Certificate of Incorporation in English, or a certified translation',
          'Three references from recent, independent clients',
          'Ownership structure',
          'Optional: ISO certificates, evidence of women ownership (51%)',
        ],
      ],
      ['Level 2', ['Audited financial statements for the last three years', 'In English, kept confidential', 'Updated every year']],
    ],
    note: 'Most UN organisations review Level 1 and Level 2 within a specific tender; until then the status shows "Submitted". Source: UNGM Help Centre.',
  },
  zh: {
    title: 'UNGM注册的三个台阶',
    sub: '每上一级都要补充材料。每一级注册都免费。',
    steps: [
      [
        '基础级',
        [
          '名称与公司注册证书完全一致',
          '执照号码、成立年份、所有权',
          '业务国家、联系人、UNSPSC代码',
          '资格声明',
          '参加电子提交招标的最低要求（在发布招标的组织注册）',
        ],
      ],
      ['一级', ['英文公司注册证书，或经认证的译文', '三份近期、独立客户的推荐信', '所有权结构', '可选：ISO证书、女性拥有（51%）的证明']],
      ['二级', ['最近三年经审计的财务报表', '英文，保密', '每年更新']],
    ],
    note: '大多数联合国组织在具体招标中才审核一级和二级材料；在此之前状态显示为“Submitted”（已提交）。来源：UNGM帮助中心。',
  },
};

function ladderBody(lang: Lang): string {
  const t = ladder[lang];
  const heights = ['58%', '78%', '100%'];
  const steps = t.steps.map(
    ([name, items], i) =>
      `<div class="box" style="height:${heights[i]}"><h2>${i + 1}. ${name}</h2><ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul></div>`,
  );
  return `<h1>${t.title}</h1><p class="sub">${t.sub}</p><div class="ladder">${steps.join('')}</div><p class="note">${t.note}</p>`;
}

const flow: Record<Lang, { title: string; sub: string; steps: [string, string][]; note: string }> = {
  en: {
    title: 'From solicitation to award',
    sub: 'The path of one UN tender, seen from the bidder’s side',
    steps: [
      ['Solicitation published', 'On UNGM or the agency’s own system. The method (RFQ, ITB, RFP) sets the rules.'],
      ['Read and decide', 'Data Sheet first. Go or no-go: eligibility, registration, capacity, price.'],
      ['Clarifications', 'In writing, before the deadline. Answers go to all bidders, without naming who asked.'],
      ['Prepare the offer', 'RFP: technical and financial proposals separately, no price in the technical one.'],
      ['Submit on time', 'Late offers are rejected; e-tendering systems refuse them.'],
      ['Opening and check', 'An offer that is not substantially responsive is rejected and cannot be fixed later.'],
      ['Evaluation', 'RFQ: lowest-priced technically acceptable. ITB: lowest-priced substantially conforming. RFP: weighted score.'],
      ['Award or regret letter', 'Award within the offer validity period. UN Secretariat: ask for a debriefing within 10 business days.'],
    ],
    note: 'Evaluation methods: UN Secretariat Procurement Manual, chapter 8. Clarifications: UNGM Help Centre. Rejection rules: UNDP solicitation documents.',
  },
  zh: {
    title: '从招标到授标',
    sub: '从投标人角度看一次联合国招标的全过程',
    steps: [
      ['发布招标', '在UNGM或该机构自己的系统上发布。招标方式（RFQ、ITB、RFP）决定规则。'],
      ['阅读并决策', '先读数据表。投不投：资格、注册、能力、价格。'],
      ['澄清', '在截止前书面提出。答复发给所有投标人，不透露提问者。'],
      ['准备报价', 'RFP：技术建议书和财务建议书分开，技术建议书中不出现价格。'],
      ['按时提交', '迟交的报价会被拒绝；电子招标系统不接收迟交。'],
      ['开标和初审', '未作实质性响应的报价会被拒绝，事后不能补救。'],
      ['评审', 'RFQ：技术上可接受的最低价。ITB：实质上符合要求的最低价。RFP：加权评分。'],
      ['授标或未中标通知', '在报价有效期内授标。联合国秘书处：10个工作日内申请投标结果说明会。'],
    ],
    note: '评审方法：联合国秘书处《采购手册》第8章。澄清：UNGM帮助中心。拒绝规则：UNDP招标文件。',
  },
};

function flowBody(lang: Lang): string {
  const t = flow[lang];
  // A snake: row 1 runs left to right, step 4 leads down to step 5, and row 2 runs back from right to left.
  const boxes = t.steps.map(([name, text], i) => {
    const cls = i === 3 ? 'box down' : i === 7 ? 'box' : i > 3 ? 'box left' : 'box arrow';
    return `<div class="${cls}"><h2><span class="n">${i + 1}</span>${name}</h2><p>${text}</p></div>`;
  });
  const ordered = [...boxes.slice(0, 4), ...boxes.slice(4).reverse()];
  return `<h1>${t.title}</h1><p class="sub">${t.sub}</p><div class="flow">${ordered.join('')}</div><p class="note">${t.note}</p>`;
}

const scopes: Record<Lang, { title: string; sub: string; cols: [string, string, string, string[]][]; note: string }> = {
  en: {
    title: 'Scope 1, 2 and 3 emissions of a small factory',
    sub: 'GHG Protocol Corporate Standard: who burns the fuel decides the scope',
    cols: [
      [
        's1',
        'Scope 1: direct',
        'Sources the company owns or controls',
        ['Gas burned in its own boiler', 'Diesel in its own delivery trucks'],
      ],
      [
        's2',
        'Scope 2: energy bought',
        'Electricity, heat and steam the company buys',
        ['Grid electricity that runs the sewing machines', 'Steam bought from a neighbouring plant'],
      ],
      [
        's3',
        'Scope 3: value chain',
        'All other indirect emissions, upstream and downstream',
        ['Business travel', 'Raw materials bought from other firms', 'Transport by outside carriers'],
      ],
    ],
    note: 'Scopes 1 and 2 are the minimum a company reports. The UN’s own Greening the Blue inventory covers Scopes 1 and 2 plus business travel from Scope 3.',
  },
  zh: {
    title: '一家小工厂的范围1、范围2和范围3排放',
    sub: '温室气体核算体系企业标准：燃料在哪里燃烧，决定属于哪个范围',
    cols: [
      ['s1', '范围1：直接排放', '企业拥有或控制的排放源', ['自有锅炉燃烧的天然气', '自有送货卡车消耗的柴油']],
      ['s2', '范围2：外购能源', '企业外购的电力、热力和蒸汽', ['驱动缝纫机的电网电力', '从邻近工厂购买的蒸汽']],
      ['s3', '范围3：价值链', '上下游所有其他间接排放', ['商务差旅', '从其他企业购买的原材料', '外部承运人的运输']],
    ],
    note: '范围1和范围2是企业报告的最低要求。联合国自己的“绿化蓝色”清单涵盖范围1和范围2，以及范围3中的商务差旅。',
  },
};

function scopesBody(lang: Lang): string {
  const t = scopes[lang];
  const cols = t.cols.map(
    ([cls, name, what, examples]) =>
      `<div class="box ${cls}"><h2>${name}</h2><p><b>${what}</b></p><ul>${examples.map((e) => `<li>${e}</li>`).join('')}</ul></div>`,
  );
  return `<h1>${t.title}</h1><p class="sub">${t.sub}</p><div class="scopes">${cols.join('')}</div><p class="note">${t.note}</p>`;
}

/** Where risk passes from seller to buyer on a line from the seller's premises (0) to the named destination (4). */
const incoterms: Record<
  Lang,
  {
    title: string;
    sub: string;
    stations: string[];
    rows: [string, number, number, string][];
    seller: string;
    buyer: string;
    risk: string;
    note: string;
  }
> = {
  en: {
    title: 'Incoterms® 2020: where risk passes to the buyer',
    sub: 'Four rules UN buyers use. The red line marks where risk passes; the shading shows who pays for the main carriage.',
    stations: ['Seller’s premises', 'Handed to the first carrier', 'Main carriage', 'Named destination', 'Unloading, import clearance'],
    rows: [
      ['FCA', 1, 1, 'Delivered to the buyer’s carrier at the named place'],
      ['CPT', 1, 3, 'Seller pays carriage; risk passes at handover to the first carrier'],
      ['CIP', 1, 3, 'As CPT, and the seller also insures the goods'],
      ['DAP', 3, 3, 'Seller carries risk and cost to the named destination, ready for unloading'],
    ],
    seller: 'Seller pays',
    buyer: 'Buyer pays',
    risk: 'Risk passes',
    note: 'Incoterms® is a trademark of the International Chamber of Commerce (ICC). Always name the place after the rule, e.g. “FCA Qingdao, Incoterms® 2020”. Import clearance under DAP is the buyer’s.',
  },
  zh: {
    title: '国际贸易术语解释通则® 2020：风险在哪里转移给买方',
    sub: '联合国采购方常用的四个术语。红线表示风险转移点；底色表示主运费由谁支付。',
    stations: ['卖方所在地', '交给第一承运人', '主运输', '指定目的地', '卸货、进口清关'],
    rows: [
      ['FCA', 1, 1, '在指定地点交给买方指定的承运人'],
      ['CPT', 1, 3, '卖方支付运费；货交第一承运人时风险转移'],
      ['CIP', 1, 3, '与CPT相同，另由卖方为货物投保'],
      ['DAP', 3, 3, '卖方承担风险和费用，直至在指定目的地备妥待卸'],
    ],
    seller: '卖方付费',
    buyer: '买方付费',
    risk: '风险转移',
    note: 'Incoterms® 是国际商会（ICC）的商标。术语后面一定要写明地点，例如“FCA青岛，Incoterms® 2020”。DAP下的进口清关由买方负责。',
  },
};

function incotermsBody(lang: Lang): string {
  const t = incoterms[lang];
  const marks = t.stations.map((s, i) => `<span class="${i === 0 ? 'first' : i === 4 ? 'last' : ''}" style="left:${i * 25}%">${s}</span>`);
  const stations = `<div class="stations"><span></span><div class="marks">${marks.join('')}</div></div>`;
  const rows = t.rows.map(([term, riskAt, paidTo, text]) => {
    const sellerShare = (paidTo / 4) * 100;
    const pin = (riskAt / 4) * 100;
    return `<div class="term">${term}</div><div><div class="line"><span class="seller" style="width:${sellerShare}%">${t.seller}</span><span class="buyer" style="width:${100 - sellerShare}%">${t.buyer}</span><div class="pin" style="left:calc(${pin}% - 2px)"></div></div><p style="font-size:13px;margin-top:3px">${text}</p></div>`;
  });
  const legend = `<div class="legend"><span><i class="seller"></i>${t.seller}</span><span><i class="buyer"></i>${t.buyer}</span><span><i style="background:#b03a2e;width:4px"></i>${t.risk}</span></div>`;
  return `<h1>${t.title}</h1><p class="sub">${t.sub}</p>${stations}<div class="rows">${rows.join('')}</div>${legend}<p class="note">${t.note}</p>`;
}

const diagrams: Diagram[] = [
  {
    course: 'selling-to-the-un',
    name: 'ungm-registration-ladder',
    width: 960,
    height: 560,
    body: { en: ladderBody('en'), zh: ladderBody('zh') },
  },
  { course: 'bid-writing', name: 'solicitation-to-award', width: 960, height: 500, body: { en: flowBody('en'), zh: flowBody('zh') } },
  { course: 'sustainable-procurement', name: 'ghg-scopes', width: 960, height: 310, body: { en: scopesBody('en'), zh: scopesBody('zh') } },
  {
    course: 'delivering-and-getting-paid',
    name: 'incoterms-risk-line',
    width: 960,
    height: 520,
    body: { en: incotermsBody('en'), zh: incotermsBody('zh') },
  },
];

function render(diagram: Diagram, lang: Lang, scratch: string): string {
  const html = path.join(scratch, `${diagram.name}.${lang}.html`);
  writeFileSync(html, page(diagram.width, diagram.body[lang], lang));
  const out = path.resolve('courses', diagram.course, 'assets', `${diagram.name}.${lang}.png`);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--force-device-scale-factor=1',
    `--window-size=${diagram.width},${diagram.height}`,
    `--screenshot=${out}`,
    `file://${html}`,
  ];
  const result = spawnSync(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  if (result.status !== 0) throw new Error(`chromium failed for ${diagram.name}.${lang}: ${result.stderr.toString().slice(-500)}`);
  const size = statSync(out).size;
  if (size > maxBytes) throw new Error(`${out} is ${size} bytes, over ${maxBytes}`);
  return `${path.relative(process.cwd(), out)} (${Math.round(size / 1024)} KB)`;
}

const wanted = process.argv.slice(2);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'pa-diagrams-'));
try {
  for (const diagram of diagrams.filter((d) => wanted.length === 0 || wanted.includes(d.name))) {
    for (const lang of ['en', 'zh'] as const) console.log(render(diagram, lang, scratch));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
