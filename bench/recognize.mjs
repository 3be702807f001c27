// Recognition speed in WebAssembly, beside a peer in the same page: each of Huaxian's
// recognizers (lexicon, rules, tagger) and the whole pipeline, compiled as the app ships
// (release profile: opt-level z, LTO, then wasm-opt -Oz as Trunk runs it), against
// jieba-wasm's part-of-speech tagger (`tag`, which marks nr/ns/nt names, the closest jieba
// has to NER) and its plain segmentation (`cut`), in headless Chromium on the same text.
// Then the same functions natively (--profile fast, as criterion's opt-level 3) beside
// jieba's posseg from PyPI (bench/jieba_peer.py), on the same text again.
//
// Run: node bench/recognize.mjs [--runs N] [--no-native] [--no-wasm-opt] [--opt-level 3]
// (source scripts/env.sh first for CARGO_TARGET_DIR and PATH; npm ci for jieba-wasm)
// --opt-level builds the WebAssembly at another opt-level than the shipped z (in its own
// target directory, so the app's cached build is left alone), to see what size costs.
//
// Texts: ~1 MB of generated Chinese business news (below; varied sentences with known and
// unknown companies, people, places, bodies, money, percentages and dates), and, when
// ../shared is present, the seed article as Huaxian ingests it, repeated to about the same
// size. Each figure is the median of N rounds (default 5) after a warm-up round; a round
// calls every contender once, so a burst of load from elsewhere hits them alike.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, serveFolders } from '../tests/e2e/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 5;
const NATIVE = !args.includes('--no-native');
const WASM_OPT = !args.includes('--no-wasm-opt');
const OPT_LEVEL = args.includes('--opt-level') ? args[args.indexOf('--opt-level') + 1] : 'z';
const target = process.env.CARGO_TARGET_DIR ?? path.join(root, 'target');
const wasmTarget = OPT_LEVEL === 'z' ? target : path.join(target, `bench-opt-${OPT_LEVEL}`);
const wasmEnv = OPT_LEVEL === 'z' ? process.env : { ...process.env, CARGO_TARGET_DIR: wasmTarget, CARGO_PROFILE_RELEASE_OPT_LEVEL: OPT_LEVEL };
const seedPath = path.resolve(root, '..', 'shared', 'fixtures', 'articles', 'lingang-ai-2022-08-18.html');
const jiebaDir = path.join(root, 'node_modules', 'jieba-wasm', 'pkg', 'web');
const log = (...m) => console.error('recognize:', ...m);

if (!fs.existsSync(jiebaDir)) throw new Error(`no ${jiebaDir}: run npm ci (scripts/setup does)`);
const jiebaVersion = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'jieba-wasm', 'package.json'))).version;
const run = (cmd, argv, opts = {}) => (execFileSync(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], ...opts }))?.toString() ?? '';

// 1. The bench crate for wasm32, as the app is built: release profile, wasm-bindgen --target
//    web, wasm-opt -Oz (Trunk's data-wasm-opt="z" in index.html).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'huaxian-bench-'));
const pkg = path.join(tmp, 'pkg');
log(`building bench/wasm for wasm32 (release, opt-level ${OPT_LEVEL})`);
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '-p', 'huaxian-bench-wasm', '--lib'], { stdio: ['ignore', 2, 'inherit'], env: wasmEnv });
run('wasm-bindgen', ['--target', 'web', '--out-dir', pkg, path.join(wasmTarget, 'wasm32-unknown-unknown', 'release', 'huaxian_bench_wasm.wasm')]);
const bg = path.join(pkg, 'huaxian_bench_wasm_bg.wasm');
if (WASM_OPT) {
  log(`wasm-opt -O${OPT_LEVEL}`);
  run('wasm-opt', [`-O${OPT_LEVEL}`, bg, '-o', bg], { stdio: ['ignore', 2, 'inherit'] });
}
const wasmBytes = fs.statSync(bg).size;

// 2. The texts.
function generated() {
  // A small deterministic generator (mulberry32), so every run times the same text.
  let seed = 20260418;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  // Known to the built-in lexicon, and not (for the rules and the tagger to find).
  const companies = [
    '商汤绝影', '特斯拉', '沐曦', 'Unity中国', '宁德时代', '百度', '比亚迪', '华为', '腾讯', '阿里巴巴', '字节跳动', '京东', '美团',
    '杭州青禾数据科技有限公司', '苏州恒锐精密机械有限公司', '深圳星河智联科技股份有限公司', '成都云帆生物医药有限公司',
    '合肥晶芯半导体有限公司', '宁波东海新材料股份有限公司', '上海临湾智能装备有限公司', '北京知行远航科技有限公司',
    '广州南粤储能技术有限公司', '武汉光谷微电子有限公司', 'Northwind Robotics AS',
  ];
  const people = ['张伟', '李娜', '王建国', '陈晓明', '刘洋', '赵丽华', '周志强', '吴敏', '孙立新', '黄海涛', '郭静', '马骏', '何卫东', '林晓燕', '高志远', '罗文斌'];
  const places = ['上海', '北京市海淀区', '深圳', '杭州', '苏州工业园区', '临港新片区', '合肥', '武汉', '成都', '广州南沙', '宁波', '重庆两江新区', '西安', '南京江北新区', '长三角', '粤港澳大湾区'];
  const bodies = [
    '上海市经济和信息化委员会', '国家发展改革委', '中国人民银行', '临港新片区管委会', '工业和信息化部', '清华大学', '中国科学院',
    '深圳市科技创新委员会', '浙江省商务厅', '中国汽车工业协会', '国家统计局', '上海证券交易所',
  ];
  const topics = ['人工智能', '集成电路', '新能源汽车', '生物医药', '智能网联汽车', '高端装备', '数字经济', '低空经济', '储能', '工业软件'];
  const events = ['世界人工智能大会', '产业发展大会', '投资促进推介会', '新闻发布会', '创新创业论坛', '项目集中签约仪式'];
  const money = () => pick([`${int(2, 900)}亿元`, `${int(10, 9000)}万元`, `人民币${int(1, 300)}亿元`, `${int(1, 50)}.${int(1, 9)}亿美元`]);
  const pct = () => pick([`${int(1, 60)}.${int(0, 9)}%`, `${int(1, 99)}%`, `百分之${pick(['五', '十', '十五', '二十', '三十'])}`]);
  const date = () => pick([`${int(2019, 2025)}年${int(1, 12)}月${int(1, 28)}日`, `${int(1, 12)}月${int(1, 28)}日`, `${int(2019, 2025)}年${int(1, 4)}季度`]);
  const sentences = [
    () => `${date()}，${pick(bodies)}在${pick(places)}召开${pick(topics)}产业推进会，${pick(people)}表示，${pick(places)}将加快建设${pick(topics)}产业集群。`,
    () => `据${pick(bodies)}统计，${int(2019, 2025)}年前三季度${pick(places)}规模以上工业增加值同比增长${pct()}，其中${pick(topics)}产业增长${pct()}。`,
    () => `${pick(companies)}与${pick(companies)}在${pick(places)}签署战略合作协议，双方将在${pick(topics)}领域联合研发，总投资约${money()}。`,
    () => `${pick(companies)}董事长${pick(people)}在接受记者采访时说：“我们今年的研发投入超过${money()}，占营业收入的${pct()}。”`,
    () => `${pick(people)}指出，${pick(places)}的${pick(topics)}企业已超过${int(50, 900)}家，${pick(companies)}、${pick(companies)}等龙头企业相继落户。`,
    () => `${date()}，${pick(companies)}发布公告称，公司拟以${money()}收购${pick(companies)}${pct()}的股权。`,
    () => `记者从${pick(bodies)}获悉，${pick(places)}今年新增${pick(topics)}项目${int(3, 120)}个，计划总投资${money()}。`,
    () => `在${pick(places)}举行的${pick(events)}上，${pick(bodies)}副主任${pick(people)}介绍了${pick(topics)}方面的最新进展。`,
    () => `业内人士认为，随着政策持续发力，${pick(topics)}和${pick(topics)}有望成为${pick(places)}经济增长的新引擎。`,
    () => `${pick(companies)}相关负责人透露，其位于${pick(places)}的生产基地将于${date()}投产，年产能可达${int(5, 200)}万台。`,
  ];
  const paragraphs = [];
  let bytes = 0;
  while (bytes < 1_000_000) {
    let p = '';
    for (let j = int(3, 7); j > 0; j--) p += pick(sentences)();
    paragraphs.push(p);
    bytes += Buffer.byteLength(p) + 1;
  }
  return paragraphs.join('\n');
}
const texts = [{ name: 'generated news (~1 MB)', file: 'generated.txt', text: generated() }];
fs.writeFileSync(path.join(tmp, 'generated.txt'), texts[0].text);

// 3. One local origin: the page, the bench crate's pkg/, jieba-wasm's web build, the texts.
const server = await serveFolders([
  ['/pkg/', pkg],
  ['/jieba/', jiebaDir],
  ['/text/', tmp],
  ['/seed/', path.dirname(seedPath)],
  ['/', here],
]);
const { origin } = server;

const browser = await launch();
const context = await browser.newContext();
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
page.on('request', (r) => { if (!r.url().startsWith(origin + '/')) errors.push(`request off the origin: ${r.url()}`); });
await page.goto(`${origin}/recognize.html`);
const setup = await page.evaluate(() => window.bench.ready).catch((e) => { throw new Error(`${e}\n${errors.join('\n')}`); });
const browserVersion = browser.version();

if (fs.existsSync(seedPath)) {
  const article = await page.evaluate(([u, n]) => window.bench.ingest(u, n), [`/seed/${path.basename(seedPath)}`, path.basename(seedPath)]);
  const copies = Math.max(1, Math.round(texts[0].text.length / (article.length + 1)));
  const text = Array(copies).fill(article).join('\n');
  texts.push({ name: `seed article, ${[...article].length} chars × ${copies}`, file: 'seed.txt', text });
  fs.writeFileSync(path.join(tmp, 'seed.txt'), text);
} else {
  log(`no ${seedPath}: timing the generated text only`);
}

for (const t of texts) {
  log(`in Chromium: ${t.name}`);
  t.wasm = await page.evaluate(([u, r]) => window.bench.run(u, r), [`/text/${t.file}`, RUNS]);
}
await browser.close();
await server.close();
if (errors.length) throw new Error(`the page reported:\n${errors.join('\n')}`);

// 4. Natively, on the same texts (optional).
if (NATIVE) {
  log('building the native runner (--profile fast)');
  run('cargo', ['build', '--profile', 'fast', '-p', 'huaxian-bench-wasm', '--example', 'native'], { stdio: ['ignore', 2, 'inherit'] });
  const native = path.join(target, 'fast', 'examples', 'native');
  for (const t of texts) {
    const file = path.join(tmp, t.file);
    log(`natively: ${t.name}`);
    t.native = JSON.parse(run(native, [file, String(RUNS)]));
    try {
      t.jieba = JSON.parse(run('python3', [path.join(here, 'jieba_peer.py'), '--text', file, '--json']));
    } catch (e) {
      log(`no native jieba peer (pip install jieba): ${e.message.split('\n')[0]}`);
    }
  }
}
fs.rmSync(tmp, { recursive: true, force: true });

// 5. The tables.
const rate = (chars, ms) => chars / (ms / 1e3);
const fmtRate = (r) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(0)} K`);
const pad = (s, n, left = false) => (left ? String(s).padEnd(n) : String(s).padStart(n));
const table = (title, chars, rows, peerName, peerMs) => {
  console.log(`\n${title}`);
  console.log(`${pad('recognizer', 38, true)} ${pad('chars/s', 9)} ${pad('best', 9)} ${pad('ms', 8)} ${pad('found', 7)} ${pad(`× ${peerName}`, 16)}`);
  for (const [name, r] of rows) {
    const ratio = peerMs ? (peerMs / r.ms).toFixed(2) : '–';
    console.log(`${pad(name, 38, true)} ${pad(fmtRate(rate(chars, r.ms)), 9)} ${pad(fmtRate(rate(chars, r.min)), 9)} ${pad(r.ms.toFixed(1), 8)} ${pad(r.found ?? '', 7)} ${pad(ratio, 16)}`);
  }
};
console.log(`Chromium ${browserVersion}, jieba-wasm ${jiebaVersion}, median of ${RUNS} rounds after a warm-up round, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`bench .wasm ${wasmBytes} bytes (opt-level ${OPT_LEVEL}, ${WASM_OPT ? `wasm-opt -O${OPT_LEVEL}` : 'no wasm-opt'}); set-up in the page: Huaxian init ${setup.huaxian_init_ms.toFixed(0)} ms, lexicon ${setup.huaxian_load_lexicon_ms.toFixed(1)} ms, tagger asset ${setup.huaxian_load_tagger_ms.toFixed(1)} ms; jieba-wasm init ${setup.jieba_init_ms.toFixed(0)} ms, first tag (dictionary) ${setup.jieba_first_tag_ms.toFixed(0)} ms`);
for (const t of texts) {
  const w = t.wasm.results;
  const peer = w.jieba_tag.ms;
  table(`${t.name}: ${t.wasm.chars} code points, ${t.wasm.bytes} bytes — in Chromium (WebAssembly)`, t.wasm.chars, [
    ['huaxian lexicon', w.lexicon],
    ['huaxian rules', w.rules],
    ['huaxian tagger', w.tagger],
    ['huaxian pipeline (all + merge)', w.pipeline],
    ['jieba-wasm tag (HMM; nr/ns/nt found)', w.jieba_tag],
    ['jieba-wasm cut (HMM; words)', w.jieba_cut],
  ], 'jieba-wasm tag', peer);
  if (t.native) {
    const n = t.native;
    table(`${t.name} — natively (--profile fast; jieba ${t.jieba?.jieba ?? 'not installed'} on CPython, median of ${t.jieba?.runs ?? '–'})`, n.chars, [
      ['huaxian lexicon', n.lexicon],
      ['huaxian rules', n.rules],
      ['huaxian tagger', n.tagger],
      ['huaxian pipeline (all + merge)', n.pipeline],
      ...(t.jieba ? [['jieba.posseg.lcut (HMM)', t.jieba.posseg], ['jieba.lcut (HMM)', t.jieba.lcut]] : []),
    ], 'jieba posseg', t.jieba?.posseg.ms);
    console.log(`native set-up: lexicon ${n.load_lexicon.ms.toFixed(1)} ms, tagger asset ${n.load_tagger.ms.toFixed(1)} ms`);
    const wasmOverNative = (k) => (w[k].ms / n[k].ms).toFixed(2);
    console.log(`wasm time / native time: lexicon ${wasmOverNative('lexicon')}, rules ${wasmOverNative('rules')}, tagger ${wasmOverNative('tagger')}, pipeline ${wasmOverNative('pipeline')}`);
  }
}
