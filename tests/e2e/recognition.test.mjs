// End-to-end tests of recognition in the page: a lexicon the person imports (used at once,
// kept across reloads, downloadable, removable), and the order in which a long document's
// highlights arrive (lexicon and rules painted first, the model's pass after).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serveDist, launch, openApp, tempFile, modelSettled, waitForStored } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

// A company no built-in list knows: the names are made up for this test.
const LEXICON_TSV = [
  '# a lexicon of our own',
  'canonical\tlabel\taliases\tids',
  '蓝鲸星图科技\tCOMPANY\t蓝鲸星图|Blue Whale Atlas\twebsite=bluewhale.example',
  '',
].join('\n');
const ARTICLE = '蓝鲸星图今天在杭州发布了新一代地图芯片。Blue Whale Atlas said it would hire 200 engineers.';

/** Marks whose evidence names the lexicon entry of this test. */
async function lexiconMarks(page) {
  return page.$$eval('mark.entity.lexicon', (ms) => ms
    .filter((m) => /of 蓝鲸星图科技/.test(m.getAttribute('aria-label')))
    .map((m) => [m.dataset.label, m.textContent]));
}

async function summary(page) {
  return (await page.textContent('.lexicon-summary')).trim();
}

test('an imported lexicon highlights its names at once, survives a reload, downloads and can be removed', async () => {
  const lexiconFile = tempFile('our-companies.tsv', LEXICON_TSV);
  const article = tempFile('bluewhale.txt', ARTICLE);
  const { page, context, errors } = await openApp(browser, server.origin);

  await page.setInputFiles('#file-input', article);
  await page.waitForSelector('article.document');
  assert.deepEqual(await lexiconMarks(page), [], 'nothing is known before the import');
  const builtin = await summary(page);
  assert.match(builtin, /^\d+ entries in use: the built-in lexicon\.$/);

  // Import: the untouched document is highlighted again with the new entries.
  await page.setInputFiles('#lexicon-input', lexiconFile);
  await page.waitForFunction(() => document.querySelector('.lexicon-summary').textContent.includes('imported'));
  assert.match(await summary(page), /1 imported from our-companies\.tsv/);
  assert.deepEqual(await lexiconMarks(page), [['COMPANY', '蓝鲸星图'], ['COMPANY', 'Blue Whale Atlas']]);
  await waitForStored(page, 'workspace', 'lexicon');

  // A reload restores the lexicon itself, not only the stored annotations: a document
  // opened afterwards is recognized with it.
  await page.reload();
  await modelSettled(page);
  await page.waitForSelector('article.document');
  assert.match(await summary(page), /1 imported from our-companies\.tsv/);
  assert.equal((await lexiconMarks(page)).length, 2);
  const second = tempFile('second.txt', '据悉，蓝鲸星图明年将在上海设立研发中心。');
  await page.setInputFiles('#file-input', second);
  await page.waitForFunction(() => document.querySelector('.doc-item.current')?.textContent.includes('second.txt'));
  assert.deepEqual(await lexiconMarks(page), [['COMPANY', '蓝鲸星图']]);

  // Download: the lexicon in use, imported entries first, then the built-in ones.
  await page.click('.lexicon-panel summary');
  await page.selectOption('#lexicon-format', 'json');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#lexicon-download')]);
  assert.equal(download.suggestedFilename(), 'lexicon.json');
  const entries = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.deepEqual(entries[0], {
    canonical: '蓝鲸星图科技', label: 'COMPANY', aliases: ['蓝鲸星图', 'Blue Whale Atlas'],
    ids: { website: 'bluewhale.example' },
  });
  assert.ok(entries.some((e) => e.canonical === 'Tesla'), 'the built-in entries follow');

  // Remove: back to the built-in lexicon, for untouched documents and after a reload.
  await page.click('#lexicon-remove');
  await page.waitForFunction(() => document.querySelector('.lexicon-summary').textContent.includes('built-in lexicon'));
  assert.equal(await summary(page), builtin);
  assert.deepEqual(await lexiconMarks(page), []);
  await waitForStored(page, 'workspace', 'lexicon', (v) => v === undefined);
  await page.reload();
  await page.waitForSelector('article.document');
  assert.equal(await summary(page), builtin);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a lexicon imported as CSV comes back after a reload (it is kept as TSV) and still recognizes', async () => {
  const csv = 'canonical,label,aliases,ids\n蓝鲸星图科技,COMPANY,蓝鲸星图|Blue Whale Atlas,website=bluewhale.example\n';
  const { page, context, errors } = await openApp(browser, server.origin);
  await page.setInputFiles('#lexicon-input', tempFile('ours.csv', csv));
  await page.waitForFunction(() => document.querySelector('.lexicon-summary').textContent.includes('imported'));
  await waitForStored(page, 'workspace', 'lexicon', (v) => v !== undefined && JSON.parse(v).name === 'ours.csv');
  await page.reload();
  await modelSettled(page);
  await page.waitForFunction(() => document.querySelector('.lexicon-summary')?.textContent.includes('1 imported from ours.csv'));
  await page.setInputFiles('#file-input', tempFile('article.txt', ARTICLE));
  await page.waitForSelector('article.document');
  assert.deepEqual(await lexiconMarks(page), [['COMPANY', '蓝鲸星图'], ['COMPANY', 'Blue Whale Atlas']]);
  assert.equal(await page.$('[role="alert"]'), null);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a document the person has edited stays as they left it when a lexicon is imported', async () => {
  const { page, context } = await openApp(browser, server.origin);
  const article = tempFile('edited.txt', ARTICLE);
  await page.setInputFiles('#file-input', article);
  const first = page.locator('mark.entity').first();
  await first.waitFor();
  await first.focus();
  await page.keyboard.press('a');
  await page.waitForSelector('mark.entity.accepted');
  const before = await page.$$eval('mark.entity', (ms) => ms.map((m) => [m.className, m.textContent]));
  await page.setInputFiles('#lexicon-input', tempFile('more.tsv', LEXICON_TSV));
  await page.waitForFunction(() => document.querySelector('.lexicon-summary').textContent.includes('imported'));
  assert.deepEqual(await page.$$eval('mark.entity', (ms) => ms.map((m) => [m.className, m.textContent])), before);
  await context.close();
});

test('a broken lexicon file is refused with its line and reason, and nothing changes', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await page.click('#sample-button');
  await page.waitForSelector('mark.entity');
  const marks = await page.$$eval('mark.entity', (ms) => ms.map((m) => m.textContent));
  const builtin = await summary(page);
  const bad = tempFile('broken.tsv', 'canonical\tlabel\taliases\tids\n蓝鲸星图科技\tCOMPANY\t蓝鲸星图\twebsite\n');
  await page.setInputFiles('#lexicon-input', bad);
  const alert = await page.waitForSelector('[role="alert"]');
  assert.match(await alert.textContent(), /broken\.tsv: lexicon line 2: id "website" is not key=value\. The lexicon is unchanged\./);
  assert.equal(await summary(page), builtin);
  assert.deepEqual(await page.$$eval('mark.entity', (ms) => ms.map((m) => m.textContent)), marks);
  const wrongKind = tempFile('names.xlsx', 'PK\u0003\u0004');
  await page.setInputFiles('#lexicon-input', wrongKind);
  await page.waitForFunction(() => /names\.xlsx: a lexicon file is named \.tsv, \.csv or \.json/.test(document.querySelector('[role="alert"]')?.textContent));
  await context.close();
});

test('a long document is painted with lexicon and rules first; the model adds its suggestions after, and the page answers keys meanwhile', async () => {
  // About 800 KB of text: far above the size the model handles in the same step, and
  // seconds of tagging in the page.
  const paragraph = '王立群表示：“芯片和软件是智能汽车的核心。”他说，沐曦将提供AI芯片，商汤绝影负责自动驾驶软件，李明和陈静也出席了发布会。';
  const text = Array.from({ length: 5000 }, (_, i) => `第${i + 1}段。${paragraph}`).join('\n\n');
  const file = tempFile('long.txt', text);
  const { page, context } = await openApp(browser, server.origin);
  // Record what the first frame with highlights held: the DOM as Yew's first render of
  // the opened document left it, before any later task could run.
  await page.evaluate(() => {
    window.__first = null;
    new MutationObserver((_, observer) => {
      const marks = document.querySelectorAll('mark.entity');
      if (marks.length && !window.__first) {
        window.__first = { marks: marks.length, model: document.querySelectorAll('mark.entity.model').length, state: document.querySelector('.model-status').dataset.state };
        observer.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.setInputFiles('#file-input', file);
  // While the model works through the text, a key still gets its answer: the help opens,
  // and the model was still running when it did.
  await page.waitForFunction(() => window.__first);
  await page.evaluate(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('.dialog.help')) {
        window.__helpOpenedWhile = document.querySelector('.model-status').dataset.state;
        observer.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.focus('article.document');
  await page.keyboard.press('?');
  await page.waitForSelector('.dialog.help');
  await modelSettled(page);
  assert.equal(await page.evaluate(() => window.__helpOpenedWhile), 'running');
  await page.waitForSelector('mark.entity.model');
  const first = await page.evaluate(() => window.__first);
  assert.ok(first.marks > 0);
  assert.equal(first.model, 0, 'the first paint holds lexicon and rule highlights only');
  assert.equal(first.state, 'running');
  const person = page.locator('mark.entity.model[data-label="PERSON"]', { hasText: '王立群' }).first();
  assert.match(await person.getAttribute('aria-label'), /model: PERSON, confidence/);
  await context.close();
});

test('the lexicon import is reached by keyboard, and its label shows the focus', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await page.click('.lexicon-panel summary');
  await page.focus('.lexicon-panel summary');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'lexicon-input');
  const outline = await page.$eval('label[for="lexicon-input"]', (l) => getComputedStyle(l).outlineStyle);
  assert.equal(outline, 'solid');
  const other = await page.$eval('label[for="file-input"]', (l) => getComputedStyle(l).outlineStyle);
  assert.equal(other, 'none', 'only the focused input outlines its label');
  await context.close();
});

test('when the model arrives after the person has begun, its finds join as suggestions where the text is free, and one undo takes them back', async () => {
  let release;
  const held = new Promise((r) => { release = r; });
  const { page, context } = await openApp(browser, server.origin, {
    waitForModel: false,
    beforeLoad: (p) => p.route('**/tagger.bin', async (route) => { await held; await route.continue(); }),
  });
  await page.click('#sample-button');
  const first = page.locator('mark.entity').first();
  await first.waitFor();
  const firstId = await first.getAttribute('data-id');
  await first.focus();
  await page.keyboard.press('a');
  await page.waitForSelector(`mark[data-id="${firstId}"].accepted`);
  const before = await page.$$eval('mark.entity', (ms) => ms.map((m) => [m.dataset.id, m.className]));
  assert.equal(await page.$$eval('mark.entity.model', (m) => m.length), 0);

  release();
  await modelSettled(page);
  const person = page.locator('mark.entity.model.suggested[data-label="PERSON"]', { hasText: '王立群' });
  await person.waitFor();
  // Everything that was there is still there, as it was.
  const after = await page.$$eval('mark.entity', (ms) => ms.map((m) => [m.dataset.id, m.className]));
  for (const mark of before) assert.ok(after.some((m) => m[0] === mark[0] && m[1] === mark[1]), `${mark} changed`);
  assert.ok(after.length > before.length);

  // One undo takes the model's additions back; the next undoes the person's accept.
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => document.querySelectorAll('mark.entity.model').length === 0);
  assert.deepEqual(await page.$$eval('mark.entity', (ms) => ms.map((m) => [m.dataset.id, m.className])), before);
  await page.keyboard.press('Control+z');
  await page.waitForSelector(`mark[data-id="${firstId}"].suggested`);
  await context.close();
});
