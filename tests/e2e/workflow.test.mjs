// End-to-end tests of the annotation workflow, by keyboard and by mouse: label, relabel,
// delete, accept and reject, nested spans, undo and redo, label editing, many documents,
// persistence across reloads, full storage, clearing and importing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openApp, sliceCodePoints, fixtures, tempFile, waitForStored } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const EMOJI = path.join(fixtures, 'emoji-article.html');

async function openEmoji(page) {
  await page.setInputFiles('#file-input', EMOJI);
  await page.waitForSelector('mark[data-label="COMPANY"]');
}

async function exportJson(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  return JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
}

/** Selects code points [start, end) of the document text, as a mouse drag would. */
async function selectChars(page, start, end) {
  await page.evaluate(([start, end]) => {
    const point = (cp) => {
      for (const el of document.querySelectorAll('article.document [data-start]')) {
        const s = Number(el.dataset.start), e = Number(el.dataset.end);
        const text = el.firstChild;
        if (text?.nodeType === Node.TEXT_NODE && s <= cp && cp <= e) {
          return [text, Array.from(text.data).slice(0, cp - s).join('').length];
        }
      }
      throw new Error(`no text node for ${cp}`);
    };
    const [a, ao] = point(start);
    const [b, bo] = point(end);
    getSelection().setBaseAndExtent(a, ao, b, bo);
  }, [start, end]);
  await page.dispatchEvent('main.reader', 'mouseup');
}

function charIndex(text, needle) {
  return Array.from(text).length - Array.from(text.slice(text.indexOf(needle))).length;
}

async function focusMark(page, text) {
  const mark = page.locator('article.document mark', { hasText: text }).first();
  await mark.focus();
  return mark;
}

test('select with the mouse and label from the menu; double-click selects a word', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  const text = (await exportJson(page)).document.text;
  const start = charIndex(text, '工程师');
  await selectChars(page, start, start + 3);
  await page.waitForSelector('.label-menu');
  await page.click('.label-menu button[data-label="PERSON"]');
  await page.waitForSelector('mark[data-label="PERSON"]');
  assert.equal(await page.textContent('mark[data-label="PERSON"]'), '工程师');
  assert.equal(await page.$('.label-menu'), null);
  // A real double-click on a Latin word selects it; the menu labels it.
  const signed = page.locator('article.document span', { hasText: 'signed' }).first();
  const box = await signed.boundingBox();
  const spanText = await signed.textContent();
  const offset = spanText.indexOf('signed') + 2;
  await page.mouse.dblclick(box.x + (box.width * offset) / spanText.length, box.y + box.height / 2);
  await page.waitForSelector('.label-menu');
  await page.click('.label-menu button[data-label="DATE"]');
  await page.waitForSelector('mark[data-label="DATE"]');
  assert.equal(await page.textContent('mark[data-label="DATE"]'), 'signed');
  const exported = await exportJson(page);
  const person = exported.entities.find((e) => e.label === 'PERSON');
  assert.deepEqual([person.start, person.end, person.source, person.status], [start, start + 3, 'manual', 'accepted']);
  for (const e of exported.entities) assert.equal(sliceCodePoints(exported.document.text, e.start, e.end), e.text);
  await context.close();
});

test('the keyboard does everything: relabel, accept, reject, delete, Tab, N, undo, redo, help', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  await focusMark(page, '商汤绝影');
  await page.keyboard.press('3'); // PERSON is the third label
  await page.waitForSelector('mark[data-label="PERSON"]');
  assert.equal(await page.textContent('mark[data-label="PERSON"]'), '商汤绝影');
  await focusMark(page, 'Tesla');
  await page.keyboard.press('a');
  await page.waitForSelector('mark.accepted:has-text("Tesla")');
  // Tab moves to the next entity, R rejects it.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '沐曦');
  await page.keyboard.press('r');
  await page.waitForSelector('mark.rejected:has-text("沐曦")');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Tesla');
  // N goes to the next unreviewed suggestion.
  await page.keyboard.press('n');
  const next = await page.evaluate(() => document.activeElement.className);
  assert.match(next, /suggested/);
  // Delete removes the focused entity; undo brings it back, redo removes it again.
  const victim = await page.evaluate(() => document.activeElement.textContent);
  const before = await page.$$eval('article.document mark', (m) => m.length);
  await page.keyboard.press('Delete');
  await page.waitForFunction((n) => document.querySelectorAll('article.document mark').length === n - 1, before);
  await page.keyboard.press('Control+z');
  await page.waitForFunction((n) => document.querySelectorAll('article.document mark').length === n, before);
  await page.keyboard.press('Control+Shift+z');
  await page.waitForFunction((n) => document.querySelectorAll('article.document mark').length === n - 1, before);
  const exported = await exportJson(page);
  assert.ok(!exported.entities.some((e) => e.text === victim && e.label === 'COMPANY'));
  assert.equal(exported.entities.find((e) => e.text === '商汤绝影').label, 'PERSON');
  assert.equal(exported.entities.find((e) => e.text === 'Tesla').status, 'accepted');
  assert.equal(exported.entities.find((e) => e.text === '沐曦').status, 'rejected');
  // ? shows every key; Escape closes it.
  await page.keyboard.press('?');
  await page.waitForSelector('.dialog.help');
  assert.match(await page.textContent('.dialog.help'), /Ctrl\+Z/);
  await page.keyboard.press('Escape');
  assert.equal(await page.$('.dialog.help'), null);
  await context.close();
});

test('Shift+arrows extend a selection from the focused entity, and a number key labels it', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  await focusMark(page, 'Tesla');
  await page.keyboard.press('ArrowRight'); // caret after Tesla
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight'); // 、沐曦
  await page.keyboard.press('4'); // LOC
  await page.waitForSelector('mark[data-label="LOC"]');
  const loc = await page.$eval('mark[data-label="LOC"]', (m) => m.textContent);
  assert.equal(loc, '、沐曦');
  // It holds 沐曦, which stays visible and focusable inside it.
  assert.equal(await page.$$eval('mark[data-label="LOC"] mark[data-label="COMPANY"]', (m) => m.length), 1);
  await context.close();
});

test('nested spans stay visible and clickable, and export both', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  const text = (await exportJson(page)).document.text;
  const start = charIndex(text, '商汤绝影与Tesla');
  await selectChars(page, start, start + 10);
  await page.click('.label-menu button[data-label="ORG"]');
  const outer = page.locator('mark[data-label="ORG"]');
  await outer.waitFor();
  assert.equal(await outer.textContent(), '商汤绝影与Tesla');
  assert.equal(await outer.locator('mark[data-label="COMPANY"]').count(), 2);
  // Click the inner entity, then the outer one's own text: each gets focus and details.
  await page.click('mark[data-label="ORG"] mark:has-text("商汤绝影")');
  await page.waitForFunction(() => document.querySelector('.entity-details')?.textContent.includes('商汤绝影 — COMPANY'));
  await page.click('mark[data-label="ORG"] > span');
  await page.waitForFunction(() => document.querySelector('.entity-details')?.textContent.includes('商汤绝影与Tesla — ORG'));
  const styles = await page.$eval('mark[data-label="ORG"]', (m) => getComputedStyle(m).borderBottomWidth);
  assert.equal(styles, '4px');
  const exported = await exportJson(page);
  const labels = exported.entities.filter((e) => e.start >= start && e.end <= start + 10).map((e) => [e.text, e.label]);
  assert.deepEqual(labels, [['商汤绝影与Tesla', 'ORG'], ['商汤绝影', 'COMPANY'], ['Tesla', 'COMPANY']]);
  await context.close();
});

test('accept all and reject all work per label and per source, with a live counter, and undo', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  const total = Number(await page.textContent('.unreviewed-count'));
  assert.ok(total >= 8);
  await page.click('.accept-all[data-label="COMPANY"]');
  await page.waitForFunction(() => document.querySelector('.unreviewed-count').textContent === '0');
  assert.equal(await page.$$eval('mark[data-label="COMPANY"].suggested', (m) => m.length), 0);
  await page.click('#undo-button');
  await page.waitForFunction((n) => document.querySelector('.unreviewed-count').textContent === String(n), total);
  // One button per source (lexicon, rules, model): reject everything, source by source.
  while (await page.$('.reject-source')) await page.click('.reject-source');
  await page.waitForFunction(() => document.querySelector('.unreviewed-count').textContent === '0');
  assert.equal(await page.$$eval('mark.rejected', (m) => m.length), total);
  await context.close();
});

test('the label set can be renamed, recoloured, reordered and extended; it travels with the export', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  await page.click('.label-editor summary');
  await page.fill('.label-row[data-label="COMPANY"] .label-name', 'CORP');
  await page.press('.label-row[data-label="COMPANY"] .label-name', 'Enter');
  await page.waitForSelector('mark[data-label="CORP"]');
  assert.equal(await page.$$eval('mark[data-label="COMPANY"]', (m) => m.length), 0);
  await page.$eval('.label-row[data-label="CORP"] .label-color', (i) => {
    i.value = '#00ff88';
    i.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await page.click('.label-row[data-label="CORP"] .label-down');
  await page.fill('.label-new', 'product');
  await page.click('.label-add button');
  await page.waitForSelector('.label-row[data-label="PRODUCT"]');
  const exported = await exportJson(page);
  assert.deepEqual(exported.labels.slice(0, 2).map((l) => l.name), ['ORG', 'CORP']);
  assert.equal(exported.labels.find((l) => l.name === 'CORP').color, '#00ff88');
  assert.ok(exported.labels.some((l) => l.name === 'PRODUCT'));
  assert.ok(exported.entities.every((e) => e.label !== 'COMPANY'));
  // Key 2 is now CORP.
  await focusMark(page, '百度');
  await page.keyboard.press('1');
  await page.waitForSelector('mark[data-label="ORG"]:has-text("百度")');
  await context.close();
});

test('many documents: open several, see their status, move between them', async () => {
  const { page, context } = await openApp(browser, server.origin);
  const second = tempFile('second.txt', '据悉，比亚迪与宁德时代在深圳签约。');
  await page.setInputFiles('#file-input', [EMOJI, second]);
  await page.waitForSelector('.doc-list');
  assert.equal(await page.$$eval('.doc-item', (d) => d.length), 2);
  assert.equal(await page.textContent('.doc-source'), 'emoji-article.html');
  await page.click('#next-doc');
  await page.waitForFunction(() => document.querySelector('.doc-source').textContent === 'second.txt');
  await page.click('#mark-done');
  await page.waitForSelector('.doc-item.current[data-status="done"]');
  await page.click('#prev-doc');
  await page.waitForFunction(() => document.querySelector('.doc-source').textContent === 'emoji-article.html');
  assert.equal(await page.getAttribute('.doc-item:nth-child(1)', 'data-status'), 'new');
  await page.locator('article.document mark').first().focus();
  await page.keyboard.press('Alt+ArrowDown');
  await page.waitForFunction(() => document.querySelector('.doc-source').textContent === 'second.txt');
  await context.close();
});

test('work survives a reload: documents, annotations, labels and history come back from IndexedDB', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  await page.click('#sample-button');
  await page.waitForFunction(() => document.querySelector('.doc-source')?.textContent === 'sample-article.html');
  await focusMark(page, '特斯拉');
  await page.keyboard.press('a');
  await page.waitForSelector('mark.accepted:has-text("特斯拉")');
  await page.click('.label-editor summary');
  await page.fill('.label-new', 'PRODUCT');
  await page.click('.label-add button');
  await page.waitForSelector('.label-row[data-label="PRODUCT"]');
  const before = await exportJson(page);
  // Moving to the other document is remembered too.
  await page.click('#prev-doc');
  await page.waitForFunction(() => document.querySelector('.doc-source')?.textContent === 'emoji-article.html');
  // The saves this test relies on: the sample's annotations with the new label, and the
  // workspace order with the first document open.
  await waitForStored(page, 'annotations', before.document.id, (v) => typeof v === 'string' && v.includes('PRODUCT'));
  await waitForStored(page, 'workspace', 'order', (v) => typeof v === 'string' && JSON.parse(v).current === 0);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('.doc-source')?.textContent === 'emoji-article.html');
  assert.equal(await page.$$eval('.doc-item', (d) => d.length), 2);
  await page.click('#next-doc');
  await page.waitForSelector('mark.accepted:has-text("特斯拉")');
  const after = await exportJson(page);
  assert.deepEqual(after.entities, before.entities);
  assert.deepEqual(after.labels, before.labels);
  // The history came back too: undo removes the label added before the reload.
  await page.click('#undo-button');
  await page.waitForFunction(() => !document.querySelector('.label-row[data-label="PRODUCT"]'));
  await context.close();
});

test('when storage is full the person is told at once and offered an export', async () => {
  const { page, context } = await openApp(browser, server.origin);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.origin, quotaSize: 1 });
  await page.click('#sample-button');
  const warning = await page.waitForSelector('.storage-warning');
  assert.match(await warning.textContent(), /storage is full.*Export/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.storage-export')]);
  assert.equal(download.suggestedFilename(), 'workspace.huaxian.jsonl');
  // Nothing was dropped from the page itself.
  assert.ok(await page.$('mark[data-label="COMPANY"]'));
  await context.close();
});

test('clearing asks first and offers an export; an exported file imports back to continue', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  await focusMark(page, 'Tesla');
  await page.keyboard.press('r');
  await page.waitForSelector('mark.rejected:has-text("Tesla")');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  const file = await download.path();
  const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
  await page.click('#clear-button');
  await page.waitForSelector('[role="alertdialog"]');
  const [all] = await Promise.all([page.waitForEvent('download'), page.click('#clear-export')]);
  assert.equal(all.suggestedFilename(), 'workspace.huaxian.jsonl');
  await page.click('#clear-cancel');
  assert.ok(await page.$('mark'), 'cancel keeps the work');
  await page.click('#clear-button');
  await page.click('#clear-confirm');
  await page.waitForSelector('.empty');
  await waitForStored(page, 'workspace', 'order', (v) => v === undefined);
  await page.reload();
  await page.waitForSelector('.empty');
  // Import the export: same text and entities, work continues.
  const named = tempFile('work.huaxian.json', fs.readFileSync(file));
  await page.setInputFiles('#import-input', named);
  await page.waitForSelector('mark.rejected:has-text("Tesla")');
  const again = await exportJson(page);
  assert.equal(again.document.text, exported.document.text);
  assert.deepEqual(again.entities, exported.entities);
  // A broken file changes nothing and names the problem.
  const broken = tempFile('broken.jsonl', JSON.stringify(exported) + '\nnot json\n');
  await page.setInputFiles('#import-input', broken);
  const alert = await page.waitForSelector('[role="alert"]');
  assert.match(await alert.textContent(), /nothing was imported: broken\.jsonl:2: /);
  assert.deepEqual((await exportJson(page)).entities, exported.entities);
  await context.close();
});
