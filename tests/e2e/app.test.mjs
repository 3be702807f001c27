// End-to-end tests of the first vertical slice, driven as a person drives the page:
// open an article (file picker, sample, paste, drop), see highlights, export JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import {
  serveDist, launch, openApp, sliceCodePoints, foreignRequests, fixtures, root, tempFile, modelSettled,
} from './harness.mjs';

const SEED = path.resolve(root, '..', 'shared', 'fixtures', 'articles', 'lingang-ai-2022-08-18.html');
const SEED_GOLD = SEED.replace(/\.html$/, '.gold.json');

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Every mark's [label, text, start, end]. */
async function marks(page) {
  return page.$$eval('mark[data-label]', (ms) => ms.map((m) => [
    m.dataset.label, m.textContent, Number(m.dataset.start), Number(m.dataset.end),
  ]));
}

async function exportJson(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  const file = await download.path();
  return { name: download.suggestedFilename(), file, json: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

/** The offset rule, checked by Python itself: document.text[start:end] == text. */
function assertOffsetsInPython(file) {
  const script = [
    'import json, sys',
    'e = json.load(open(sys.argv[1], encoding="utf-8"))',
    'assert e["offset_unit"] == "codepoint", e["offset_unit"]',
    't = e["document"]["text"]',
    'bad = [x for x in e["entities"] if t[x["start"]:x["end"]] != x["text"]]',
    'assert not bad, bad',
    'print(len(e["entities"]))',
  ].join('\n');
  return Number(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }).trim());
}

test('the seed article from ../shared opens through the file input with every gold company highlighted (needs ../shared)', async () => {
  assert.ok(fs.existsSync(SEED), `this test needs the shared fixtures: ${SEED} is missing`);
  const gold = JSON.parse(fs.readFileSync(SEED_GOLD, 'utf8'));
  const { page, requests, context } = await openApp(browser, server.origin);
  await page.setInputFiles('#file-input', SEED);
  await page.waitForSelector('mark[data-label="COMPANY"]');
  const found = await marks(page);
  const companies = new Set(found.filter(([l]) => l === 'COMPANY').map(([, t]) => t));
  for (const [text, label] of gold.entities.filter(([, l]) => l === 'COMPANY')) {
    assert.ok(companies.has(text), `${text} (${label}) is not highlighted; found ${[...companies].join(', ')}`);
  }
  for (const [text, label] of gold.forbidden) {
    assert.ok(!found.some(([l, t]) => l === label && t === text), `${text} must not be labelled ${label}`);
  }
  // The front matter's title is shown; the front matter itself is not in the text.
  assert.match(await page.textContent('.doc-title'), /临港新片区发布人工智能产业行动方案/);
  assert.ok(!(await page.textContent('article.document')).includes('headimg'));

  const { name, file, json } = await exportJson(page);
  assert.equal(name, 'lingang-ai-2022-08-18.huaxian.json');
  assert.equal(json.format, 'huaxian');
  assert.equal(json.version, 1);
  assert.equal(json.offset_unit, 'codepoint');
  assert.equal(json.document.source, 'lingang-ai-2022-08-18.html');
  assert.match(json.document.id, /^[0-9a-f]{64}$/);
  assert.deepEqual(json.document.meta.categories, ['金融', '证券时报网', '要闻']);
  for (const e of json.entities) {
    assert.equal(sliceCodePoints(json.document.text, e.start, e.end), e.text, JSON.stringify(e));
    assert.ok(['suggested', 'accepted', 'rejected'].includes(e.status));
    assert.ok(['lexicon', 'rule', 'model', 'manual'].includes(e.source));
  }
  assert.equal(assertOffsetsInPython(file), json.entities.length);
  // The marks on the page and the export agree on every offset.
  assert.deepEqual(found.map(([l, t, s, e]) => [l, t, s, e]), json.entities.map((e) => [e.label, e.text, e.start, e.end]));
  assert.deepEqual(foreignRequests(requests, server.origin), []);
  await context.close();
});

test('offsets stay code points after emoji and astral CJK, in marks and export', async () => {
  const { page, requests, context } = await openApp(browser, server.origin);
  await page.setInputFiles('#file-input', path.join(fixtures, 'emoji-article.html'));
  await page.waitForSelector('mark[data-label="COMPANY"]');
  const { file, json } = await exportJson(page);
  const text = json.document.text;
  const found = await marks(page);
  const names = found.map(([, t]) => t);
  for (const company of ['商汤绝影', 'Tesla', '沐曦', 'MetaX', 'Unity中国', '宁德时代', '百度', 'Nvidia']) {
    assert.ok(names.includes(company), `${company} missing from ${names}`);
  }
  for (const [, t, s, e] of found) assert.equal(sliceCodePoints(text, s, e), t);
  // 🚀 is two UTF-16 units but one code point: 商汤绝影 follows 🚀据悉，𠮷 at code point 5.
  const sensetime = json.entities.find((e) => e.text === '商汤绝影');
  const paragraphStart = Array.from(text.split('\n')[0]).length + 1;
  assert.equal(sliceCodePoints(text, paragraphStart, paragraphStart + 1), '🚀');
  assert.equal(sensetime.start - paragraphStart, 5);
  assertOffsetsInPython(file);
  assert.deepEqual(foreignRequests(requests, server.origin), []);
  await context.close();
});

test('the sample button opens our sample with highlights, canonical names and evidence on focus', async () => {
  const { page, requests, dialogs, context } = await openApp(browser, server.origin);
  const titleBefore = await page.title();
  await page.click('#sample-button');
  await page.waitForSelector('mark[data-label="COMPANY"]');
  const names = (await marks(page)).map(([, t]) => t);
  for (const company of ['商汤绝影', '特斯拉', '沐曦', 'Unity中国']) assert.ok(names.includes(company), company);
  // The sample carries a script: it is text-free and never runs.
  assert.equal(await page.title(), titleBefore);
  assert.deepEqual(dialogs, []);
  // Keyboard: focus the Tesla highlight and read why it was found.
  const tesla = page.locator('mark[data-label="COMPANY"]', { hasText: '特斯拉' }).first();
  await tesla.focus();
  assert.match(await tesla.getAttribute('aria-label'), /特斯拉 — COMPANY \(Tesla\)/);
  await page.waitForFunction(() => document.querySelector('.entity-details')?.textContent.includes('Tesla'));
  assert.match(await page.textContent('.entity-details'), /lexicon alias 特斯拉 of Tesla/);
  // The tooltip is drawn from data-tip on hover.
  await page.locator('mark[data-label="COMPANY"]', { hasText: '沐曦' }).first().hover();
  const tip = await page.$eval('mark[data-label="COMPANY"]:hover', (m) => getComputedStyle(m, '::after').content);
  assert.match(tip, /MetaX/);
  // The legend counts what is on the page.
  const legendCount = await page.textContent('.legend-item[data-label="COMPANY"] .legend-count');
  const companyMarks = (await marks(page)).filter(([l]) => l === 'COMPANY').length;
  assert.equal(Number(legendCount), companyMarks);
  assert.deepEqual(foreignRequests(requests, server.origin), []);
  await context.close();
});

test('pasted text and pasted HTML open as documents', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await page.click('.paste summary');
  await page.fill('#paste-area', '据悉，特斯拉与比亚迪在上海合作。');
  await page.click('#paste-open');
  await page.waitForSelector('mark[data-label="COMPANY"]');
  assert.deepEqual((await marks(page)).map(([l, t]) => [l, t]), [['COMPANY', '特斯拉'], ['COMPANY', '比亚迪'], ['LOC', '上海']]);
  assert.equal(await page.textContent('.doc-source'), 'pasted.txt');

  // A rich paste keeps the clipboard's HTML flavour: its paragraphs, none of its script.
  await page.focus('#paste-area');
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.setData('text/html', '<p>第一段<b>宁德</b>时代</p><p>第二段 Tesla</p><script>alert(1)</script>');
    data.setData('text/plain', '第一段宁德时代 第二段 Tesla');
    const area = document.querySelector('#paste-area');
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    area.value = data.getData('text/plain');
  });
  await page.click('#paste-open');
  await page.waitForFunction(() => document.querySelector('.doc-source')?.textContent === 'pasted.html');
  assert.deepEqual(await page.$$eval('article.document .block', (bs) => bs.map((b) => b.textContent)), ['第一段宁德时代', '第二段 Tesla']);
  assert.deepEqual((await marks(page)).map(([, t]) => t), ['宁德时代', 'Tesla']);
  await context.close();
});

test('a file dropped on the page opens', async () => {
  const { page, context } = await openApp(browser, server.origin);
  const html = fs.readFileSync(path.join(fixtures, 'emoji-article.html'), 'utf8');
  await page.evaluate((content) => {
    const data = new DataTransfer();
    data.items.add(new File([content], 'dropped.html', { type: 'text/html' }));
    const target = document.querySelector('.app');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, html);
  await page.waitForFunction(() => document.querySelector('.doc-source')?.textContent === 'dropped.html');
  assert.ok((await marks(page)).some(([, t]) => t === '商汤绝影'));
  await context.close();
});

test('a file that is not an article is refused with a clear message and the open document stays', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await page.click('#sample-button');
  await page.waitForSelector('mark[data-label="COMPANY"]');
  const before = await marks(page);
  await page.setInputFiles('#file-input', path.join(fixtures, 'not-an-article.png'));
  const alert = await page.waitForSelector('[role="alert"]');
  assert.match(await alert.textContent(), /not-an-article\.png: this is not an article: it looks like a PNG image/);
  assert.deepEqual(await marks(page), before);
  await context.close();
});

test('a hostile article runs nothing and loads nothing: no dialog, no foreign request, same title', async () => {
  const { page, requests, dialogs, errors, context } = await openApp(browser, server.origin);
  const title = await page.title();
  const url = page.url();
  await page.setInputFiles('#file-input', path.join(fixtures, 'hostile-article.html'));
  await page.waitForSelector('mark[data-label="COMPANY"]');
  // Give a refresh, an onload or a late image every chance to fire.
  await page.waitForTimeout(1500);
  await page.locator('mark', { hasText: '特斯拉' }).first().click();
  assert.deepEqual(dialogs, []);
  assert.deepEqual(foreignRequests(requests, server.origin), []);
  assert.equal(await page.title(), title);
  assert.equal(page.url(), url);
  const article = await page.$eval('article.document', (a) => ({
    text: a.textContent,
    elements: [...a.querySelectorAll('*')].map((e) => e.tagName.toLowerCase() + (e.className === 'spacer' ? '.spacer' : '')),
    html: a.innerHTML,
  }));
  // Only the app's own elements: none of the article's img, iframe, object, svg, form...
  // (and the empty spacers that stand for blocks far from the viewport).
  const ours = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'span', 'mark', 'pre', 'blockquote', 'div.spacer']);
  assert.deepEqual(article.elements.filter((t) => !ours.has(t)), []);
  assert.ok(!article.html.includes('evil.example.com'), 'an article URL reached the DOM');
  assert.match(article.text, /特斯拉与百度合作。/);
  assert.deepEqual(errors.filter((e) => !/favicon/.test(e)), []);
  await context.close();
});

test('the page ships a Content-Security-Policy that blocks injected inline script', async () => {
  const { page, context } = await openApp(browser, server.origin);
  const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+'/);
  assert.doesNotMatch(csp, /unsafe-inline'[^;]*;?\s*(script|style)-src\b/);
  const ran = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 100));
    return { injected: window.__injected === true, violations };
  });
  assert.equal(ran.injected, false);
  assert.ok(ran.violations.some((v) => v.startsWith('script-src')), JSON.stringify(ran.violations));
  await context.close();
});

/** A generated article of about `bytes` bytes: the sample's paragraphs, repeated. */
function bigArticle(bytes) {
  const sample = fs.readFileSync(path.join(root, 'assets', 'sample-article.html'), 'utf8');
  const paragraphs = sample.split('<article>')[1].split('<script>')[0];
  const count = Math.ceil(bytes / Buffer.byteLength(paragraphs));
  return `<html><body>${paragraphs.repeat(count)}</body></html>`;
}

test('a 50 MB article opens, shows its first page at once, and keeps only the blocks near the viewport', async () => {
  const file = tempFile('huge.html', bigArticle(50_000_000));
  const { page, context, errors } = await openApp(browser, server.origin);
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('mark[data-label="COMPANY"]', { timeout: 120_000 });
  const blocks = () => page.$$eval('article.document [data-block]', (b) => b.map((e) => Number(e.dataset.block)));
  // The last spacer stands for the blocks after the rendered ones: it ends at the count.
  const total = Number(await page.getAttribute('article.document > .spacer:last-child', 'data-gap-to'));
  const first = await blocks();
  assert.ok(total > 10_000, `${total} blocks`);
  assert.ok(first.length > 0 && first.length <= 300 && first[0] === 0, `first render has ${first.length} blocks`);
  // Jump to the end: the last block is rendered, the first ones are gone.
  await page.waitForFunction((last) => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return document.querySelector(`article.document [data-block="${last}"]`);
  }, total - 1, { polling: 'raf', timeout: 60_000 });
  const end = await blocks();
  assert.ok(end.length <= 300 && !end.includes(0), `after the jump: ${end.length} blocks, from ${end[0]}`);
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(path.dirname(file), { recursive: true });
});

test('a file past the size limit is refused with the limit named, and nothing is half-loaded', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await page.click('#sample-button');
  await page.waitForSelector('mark[data-label="COMPANY"]');
  const before = await marks(page);
  const file = tempFile('too-big.html', Buffer.alloc(65 * 1024 * 1024, 'a'));
  await page.setInputFiles('#file-input', file);
  const alert = await page.waitForSelector('[role="alert"]');
  assert.match(await alert.textContent(), /too-big\.html: this file is too large to open: 68\.2 MB, and the limit is 64 MB/);
  assert.deepEqual(await marks(page), before);
  await context.close();
  fs.rmSync(path.dirname(file), { recursive: true });
});

test('lexicon and rules highlight at once; the model joins when its weights arrive', async () => {
  let release;
  const held = new Promise((r) => { release = r; });
  const { page, requests, context } = await openApp(browser, server.origin, {
    waitForModel: false,
    beforeLoad: (p) => p.route('**/tagger.bin', async (route) => { await held; await route.continue(); }),
  });
  await page.click('#sample-button');
  await page.waitForSelector('mark[data-label="COMPANY"]');
  assert.equal(await page.getAttribute('.model-status', 'data-state'), 'loading');
  assert.equal(await page.$$eval('mark.model', (m) => m.length), 0);
  release();
  await modelSettled(page);
  const person = page.locator('mark[data-label="PERSON"]', { hasText: '王立群' });
  await person.waitFor();
  assert.match(await person.getAttribute('aria-label'), /model: PERSON, confidence/);
  assert.ok(requests.some((u) => u.endsWith('/tagger.bin')));
  assert.deepEqual(foreignRequests(requests, server.origin), []);
  await context.close();
});
