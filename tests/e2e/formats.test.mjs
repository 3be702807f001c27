// Dataset export and import from the page: the format menu, its options, the summary of
// what a format dropped, ZIPs for many files, and imports that continue the work.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serveDist, launch, openApp, sliceCodePoints, fixtures, tempFile } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function openEmoji(page) {
  await page.setInputFiles('#file-input', path.join(fixtures, 'emoji-article.html'));
  await page.waitForSelector('mark[data-label="COMPANY"]');
  await page.click('.export-panel summary');
}

async function download(page) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#export-download')]);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
}

/** UTF-16 slice, as JavaScript consumers read offsets. */
const slice16 = (text, start, end) => text.slice(start, end);

test('doccano export with suggestions, a label map and UTF-16 offsets, stated in the file', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  await page.selectOption('#export-format', 'doccano');
  await page.check('#export-suggestions');
  await page.check('#export-utf16');
  await page.fill('#export-label-map', 'COMPANY=ORG');
  await page.press('#export-label-map', 'Tab');
  const { name, bytes } = await download(page);
  assert.equal(name, 'emoji-article.doccano.jsonl');
  const rows = bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(rows.length, 1);
  const row = rows[0];
  assert.equal(row.offset_unit, 'utf16');
  assert.ok(row.label.length >= 8);
  assert.ok(row.label.every(([, , label]) => label !== 'COMPANY'), 'COMPANY is mapped to ORG');
  const orgs = row.label.filter(([, , label]) => label === 'ORG').map(([s, e]) => slice16(row.text, s, e));
  for (const company of ['商汤绝影', 'Tesla', '沐曦', 'MetaX', 'Unity中国', '宁德时代', '百度', 'Nvidia']) {
    assert.ok(orgs.includes(company), `${company} not in ${orgs}`);
  }
  assert.match(await page.textContent('.export-summary'), /Wrote \d+ entities from 1 document/);
  await context.close();
});

test('IOB2 says what it dropped; brat of two documents downloads as one ZIP', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  // An overlap IOB2 cannot hold: ORG over 商汤绝影与Tesla around two companies.
  await page.click('.accept-all[data-label="COMPANY"]');
  await page.evaluate(() => {
    const runs = [...document.querySelectorAll('article.document mark[data-label="COMPANY"]')];
    const text = (m) => document.createTreeWalker(m, NodeFilter.SHOW_TEXT).nextNode();
    const a = text(runs.find((m) => m.textContent === '商汤绝影'));
    const b = text(runs.find((m) => m.textContent === 'Tesla'));
    getSelection().setBaseAndExtent(a, 0, b, 5);
  });
  await page.dispatchEvent('main.reader', 'mouseup');
  await page.click('.label-menu button[data-label="ORG"]');
  await page.waitForSelector('mark[data-label="ORG"]');
  await page.selectOption('#export-format', 'iob2');
  const iob = await download(page);
  assert.match(iob.bytes.toString('utf8'), /^商 B-ORG$/m);
  assert.match(await page.textContent('.export-summary'), /cannot hold 2 entities/);

  const second = tempFile('second.txt', '比亚迪与宁德时代签约。');
  await page.setInputFiles('#file-input', second);
  await page.waitForFunction(() => document.querySelector('.doc-source')?.textContent === 'second.txt');
  await page.selectOption('#export-format', 'brat');
  await page.check('#export-all-docs');
  await page.check('#export-suggestions');
  const zip = await download(page);
  assert.equal(zip.name, 'dataset.brat.zip');
  assert.equal(zip.bytes.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
  const listing = zip.bytes.toString('latin1');
  for (const f of ['emoji-article.txt', 'emoji-article.ann', 'second.txt', 'second.ann']) assert.ok(listing.includes(f), f);
  await context.close();
});

test('a doccano file imports into a document ready to continue; a malformed one is refused with its line', async () => {
  const { page, context } = await openApp(browser, server.origin);
  const text = '🚀据悉，𠮷商汤绝影与Tesla合作。';
  const line = JSON.stringify({ text, label: [[5, 9, 'COMPANY'], [10, 15, 'COMPANY']] });
  await page.setInputFiles('#import-input', tempFile('batch.jsonl', line + '\n'));
  await page.waitForSelector('mark[data-label="COMPANY"]');
  const marks = await page.$$eval('mark[data-label]', (ms) => ms.map((m) => [m.textContent, Number(m.dataset.start)]));
  assert.deepEqual(marks, [['商汤绝影', 5], ['Tesla', 10]]);
  for (const [t, s] of marks) assert.equal(sliceCodePoints(text, s, s + Array.from(t).length), t);
  await page.setInputFiles('#import-input', tempFile('bad.jsonl', line + '\n{"text": 3}\n'));
  const alert = await page.waitForSelector('[role="alert"]');
  assert.match(await alert.textContent(), /nothing was imported: bad\.jsonl:2: text must be a string/);
  assert.equal(await page.$$eval('.doc-item', (d) => d.length), 0, 'still one document, no list');
  await context.close();
});

test('a large export shows its progress while it runs and keeps the page answering', async () => {
  // 80 articles, about 5 MB together. The model is held back so that only the export
  // runs in the page.
  const { page, context } = await openApp(browser, server.origin, {
    waitForModel: false,
    beforeLoad: (p) => p.route('**/tagger.bin', () => {}),
  });
  const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'huaxian-many-'));
  const names = [];
  for (let i = 0; i < 80; i++) {
    const paragraph = `第${i}篇：商汤绝影与特斯拉在临港签约，沐曦获得3.6亿元融资，宁德时代增长15%。`;
    const name = path.join(dir, `article-${String(i).padStart(2, '0')}.txt`);
    fs.writeFileSync(name, Array.from({ length: 500 }, () => paragraph).join('\n'));
    names.push(name);
  }
  await page.setInputFiles('#file-input', names);
  await page.waitForFunction(() => document.querySelectorAll('.doc-item').length === 80, null, { timeout: 60_000 });
  await page.click('.export-panel summary');
  await page.selectOption('#export-format', 'brat');
  await page.check('#export-all-docs');
  await page.check('#export-suggestions');
  // Every state of the progress bar the page showed, and whether Download was disabled.
  await page.evaluate(() => {
    window.__progress = [];
    new MutationObserver(() => {
      const bar = document.querySelector('#export-progress');
      if (bar) {
        window.__progress.push({
          done: Number(bar.getAttribute('value')), total: Number(bar.getAttribute('max')),
          stage: document.querySelector('.export-stage').textContent.trim(),
          disabled: document.querySelector('#export-download').disabled,
        });
      }
    }).observe(document.querySelector('.export-panel'), { subtree: true, childList: true, attributes: true, characterData: true });
  });
  const zip = await download(page);
  assert.equal(zip.name, 'dataset.brat.zip');
  assert.match(await page.textContent('.export-summary'), /from 80 document\(s\) as brat/);
  assert.equal(await page.$('#export-progress'), null, 'the bar goes once the export is done');
  const seen = await page.evaluate(() => window.__progress);
  assert.ok(seen.length > 0, 'no progress was shown');
  assert.ok(seen.every((s) => s.disabled), 'Download is disabled while an export runs');
  assert.ok(seen.some((s) => /^Writing brat/.test(s.stage)), JSON.stringify(seen));
  // Steps in between were painted: the page was free between slices of the work.
  const between = seen.filter((s) => s.done > 0 && s.done < s.total && /^(Checking document|Compressing file) \d+ of \d+/.test(s.stage));
  assert.ok(between.length > 0, `no intermediate step was shown: ${JSON.stringify(seen)}`);
  // The ZIP holds a .txt and an .ann for every article.
  const zipFile = path.join(dir, 'out.zip');
  fs.writeFileSync(zipFile, zip.bytes);
  const { execFileSync } = await import('node:child_process');
  const count = Number(execFileSync('python3', ['-c', 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))', zipFile], { encoding: 'utf8' }));
  assert.equal(count, 160);
  await context.close();
  fs.rmSync(dir, { recursive: true });
});

test('every format of the export panel downloads from the page, and every importable one imports back to the same spans', async () => {
  const { page, context } = await openApp(browser, server.origin);
  await openEmoji(page);
  await page.check('#export-suggestions');
  const spansOf = (p) => p.$$eval('article.document mark[data-label]', (ms) => ms
    .map((m) => `${m.dataset.start}-${m.dataset.end} ${m.dataset.label} ${m.textContent}`).sort());
  const expected = await spansOf(page);
  assert.ok(expected.length >= 8, expected.join('\n'));
  const formats = await page.$$eval('#export-format option', (os) => os.map((o) => o.value));
  assert.deepEqual(formats, ['huaxian', 'huaxian-jsonl', 'doccano', 'label-studio', 'spacy-jsonl', 'spacy', 'prodigy', 'brat', 'iob2', 'w3c']);
  const exportOnly = new Set(['spacy', 'w3c']);
  for (const format of formats) {
    await page.selectOption('#export-format', format);
    const { name, bytes } = await download(page);
    assert.ok(bytes.length > 0, `${format}: empty download`);
    // A many-file export is one ZIP: unpack it as a person would before importing.
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), `huaxian-${format}-`));
    let files = [path.join(dir, name)];
    fs.writeFileSync(files[0], bytes);
    if (name.endsWith('.zip')) {
      const { execFileSync } = await import('node:child_process');
      const out = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); z.extractall(sys.argv[2]); print("\\n".join(z.namelist()))', files[0], dir], { encoding: 'utf8' });
      files = out.trim().split('\n').map((f) => path.join(dir, f));
    }
    if (exportOnly.has(format)) continue;
    const other = await openApp(browser, server.origin);
    await other.page.setInputFiles('#import-input', files.filter((f) => !f.endsWith('.xml')));
    await other.page.waitForSelector('article.document mark[data-label]');
    const what = `${format} (${files.map((f) => path.basename(f)).join(', ')})`;
    if (format === 'iob2') {
      // IOB2 keeps tokens, not the text between them: labels and names come back, the
      // offsets are those of the rebuilt text.
      const namesOf = (spans) => spans.map((s) => s.split(' ').slice(1).join(' ')).sort();
      assert.deepEqual(namesOf(await spansOf(other.page)), namesOf(expected), what);
    } else {
      assert.deepEqual(await spansOf(other.page), expected, what);
    }
    assert.equal(await other.page.$('[role="alert"]'), null, format);
    await other.context.close();
    fs.rmSync(dir, { recursive: true });
  }
  await context.close();
});
