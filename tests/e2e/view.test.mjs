// End-to-end tests of the document view: only the blocks near the viewport are rendered
// (and the page still behaves as if all were there), the keyboard caret, and double-click
// word selection by Intl.Segmenter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serveDist, launch, openApp, sliceCodePoints, fixtures, tempFile, longArticle, modelSettled } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

async function exportJson(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-button')]);
  return JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
}

function charIndex(text, needle) {
  return Array.from(text).length - Array.from(text.slice(text.indexOf(needle))).length;
}

/** The indexes of the blocks in the DOM, in order. */
const rendered = (page) => page.$$eval('article.document [data-block]', (bs) => bs.map((b) => Number(b.dataset.block)));

/** Waits until `n` animation frames have passed (the view updates on the next frame). */
const frames = (page, n = 3) => page.evaluate((n) => new Promise((resolve) => {
  const step = (k) => (k ? requestAnimationFrame(() => step(k - 1)) : resolve());
  step(n);
}), n);

/** Scrolls to the very end, until the last block is rendered. */
async function scrollToEnd(page, last) {
  await page.waitForFunction((last) => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return document.querySelector(`article.document [data-block="${last}"]`);
  }, last, { polling: 'raf' });
}

async function scrollToTop(page) {
  await page.waitForFunction(() => {
    window.scrollTo(0, 0);
    return document.querySelector('article.document [data-block="0"]');
  }, null, { polling: 'raf' });
}

/** Is the element's box inside the viewport? */
const inView = (page, selector) => page.$eval(selector, (e) => {
  const r = e.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
});

async function tabIntoText(page) {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate(() => document.activeElement?.matches('article.document'))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('Tab never reached the article text');
}

test('a long document renders only the blocks near the viewport, and scrolling keeps the reader\'s place', async () => {
  const { html, texts } = longArticle(400_000);
  const file = tempFile('long.html', html);
  const { page, context, errors } = await openApp(browser, server.origin);
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('mark[data-label="COMPANY"]', { timeout: 60_000 });
  await modelSettled(page);
  const total = texts.length;
  assert.equal(Number(await page.getAttribute('article.document > .spacer:last-child', 'data-gap-to')), total);
  await frames(page);
  const first = await rendered(page);
  assert.ok(first.length <= 60 && first[0] === 0, `${first.length} of ${total} blocks rendered at first`);

  // Down to the end: the last blocks are rendered, the first ones are gone, still few.
  await scrollToEnd(page, total - 1);
  await frames(page);
  const end = await rendered(page);
  assert.ok(end.length <= 60 && !end.includes(0), `at the end: ${end.length} blocks, from ${end[0]}`);
  assert.equal(await page.textContent(`[data-block="${total - 1}"]`), texts[total - 1]);

  // Upwards a viewport at a time: blocks above are rendered with heights their spacer only
  // estimated, and what the reader sees stays exactly where scrolling put it.
  // (The block followed is the first whose top is in the lower half of the viewport.)
  const middle = () => page.evaluate(() => {
    const block = [...document.querySelectorAll('article.document [data-block]')]
      .find((b) => b.getBoundingClientRect().top >= innerHeight / 2);
    return block && { block: block.dataset.block, top: block.getBoundingClientRect().top, first: Number(document.querySelector('[data-block]').dataset.block) };
  });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  await page.waitForFunction(() => [...document.querySelectorAll('article.document [data-block]')]
    .some((b) => b.getBoundingClientRect().top >= innerHeight / 2 && b.getBoundingClientRect().top < innerHeight), null, { polling: 'raf' });
  await frames(page);
  for (let step = 0; step < 6; step++) {
    const before = await middle();
    assert.ok(before, 'a block is in view');
    await page.evaluate(() => window.scrollBy(0, -700));
    // Wait for the window to move up (new blocks above), then look again.
    await page.waitForFunction((first) => Number(document.querySelector('[data-block]').dataset.block) < first, before.first, { polling: 'raf' });
    await frames(page);
    const top = await page.$eval(`[data-block="${before.block}"]`, (b) => b.getBoundingClientRect().top);
    assert.ok(Math.abs(top - (before.top + 700)) <= 1, `block ${before.block} moved ${top - before.top}px for a 700px scroll`);
    assert.ok((await rendered(page)).length <= 60);
  }

  // Back to the top: the first block again, and still few.
  await scrollToTop(page);
  await frames(page);
  const top = await rendered(page);
  assert.ok(top.length <= 60 && top[0] === 0 && !top.includes(total - 1), `back at the top: ${top.length} blocks`);
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(path.dirname(file), { recursive: true });
});

test('the side panel, N and Tab reach entities in blocks that are not rendered; edits there export right', async () => {
  const { html, texts } = longArticle(400_000, { last: '最后一段：京东。' });
  const file = tempFile('long.html', html);
  const { page, context, errors } = await openApp(browser, server.origin);
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('mark[data-label="COMPANY"]', { timeout: 60_000 });
  await modelSettled(page);
  const last = texts.length - 1;
  await frames(page);
  assert.equal(await page.$(`[data-block="${last}"]`), null, 'the last block is not rendered at first');

  // The side panel's entity list goes to 京东, in the last block.
  await page.fill('.entity-filter', '京东');
  await page.click('.entity-link:has-text("京东")');
  await page.waitForFunction(() => document.activeElement?.matches('mark') && document.activeElement.textContent === '京东');
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-block]').dataset.block), String(last));
  await frames(page);
  assert.ok(await inView(page, 'mark:focus'), 'the entity is scrolled into view');
  assert.ok((await rendered(page)).length <= 60);
  // An edit there: key 4 relabels it LOC.
  await page.keyboard.press('4');
  await page.waitForSelector(`[data-block="${last}"] mark[data-label="LOC"]`);
  let exported = await exportJson(page);
  const jd = exported.entities.find((e) => e.text === '京东');
  assert.equal(jd.label, 'LOC');
  assert.equal(jd.start, charIndex(exported.document.text, '最后一段：京东') + 5);
  assert.equal(sliceCodePoints(exported.document.text, jd.start, jd.end), '京东');

  // 京东 is the last entity: N wraps round to the first suggestion, in block 0, which is
  // not rendered down here.
  assert.equal(await page.$('[data-block="0"]'), null);
  await page.focus(`[data-block="${last}"] mark`);
  await page.keyboard.press('n');
  await page.waitForFunction(() => document.activeElement?.closest('[data-block]')?.dataset.block === '0');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '商汤绝影');
  await frames(page);
  assert.ok(await inView(page, 'mark:focus'));

  // Tab from the last entity of block 0, scrolled far away, goes to the first of block 1,
  // which is not rendered until then. The focused block stays rendered meanwhile.
  await page.$$eval('[data-block="0"] mark', (ms) => ms.at(-1).focus());
  const lastOfFirst = await page.evaluate(() => document.activeElement.dataset.id);
  await scrollToEnd(page, last);
  await frames(page);
  const away = await rendered(page);
  assert.ok(away.includes(0) && !away.includes(1), `block 0 stays (focused), block 1 is gone: ${away.slice(0, 3)}`);
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.closest('[data-block]')?.dataset.block === '1');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '特斯拉');
  await frames(page);
  assert.ok(await inView(page, 'mark:focus'));
  await page.keyboard.press('Shift+Tab');
  await page.waitForFunction((id) => document.activeElement?.dataset.id === id, lastOfFirst);

  // A selection made by keyboard survives its block scrolling out of the window: from
  // 特斯拉 (first entity of block 1), → puts the caret after it, Shift+→ twice selects 在临.
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.textContent === '特斯拉');
  const teslaEnd = Number(await page.evaluate(() => document.activeElement.dataset.end));
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await page.evaluate(() => getSelection().toString()), '在临');
  await scrollToEnd(page, last);
  await frames(page);
  assert.ok(!(await rendered(page)).includes(5));
  assert.equal(await page.evaluate(() => getSelection().toString()), '在临');
  await page.keyboard.press('3'); // PERSON
  await page.waitForSelector('[data-block="1"] mark[data-label="PERSON"]');
  exported = await exportJson(page);
  const person = exported.entities.find((e) => e.label === 'PERSON' && e.source === 'manual');
  assert.deepEqual([person.start, person.end, person.text], [teslaEnd, teslaEnd + 2, '在临']);
  assert.equal(sliceCodePoints(exported.document.text, person.start, person.end), '在临');
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(path.dirname(file), { recursive: true });
});

/** Decodes a PNG (8-bit RGB or RGBA, as Chromium writes them) to RGBA pixels. */
function decodePng(buffer) {
  let at = 8;
  let width = 0, height = 0, channels = 0;
  const idat = [];
  while (at < buffer.length) {
    const length = buffer.readUInt32BE(at);
    const type = buffer.toString('ascii', at + 4, at + 8);
    const data = buffer.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, 'bit depth');
      channels = { 2: 3, 6: 4 }[data[9]];
      assert.ok(channels, `colour type ${data[9]}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(width * height * 4);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0;
      const b = prev[x];
      const c = x >= channels ? prev[x - channels] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][filter];
      line[x] = (line[x] + predictor) & 255;
    }
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 3; k++) out[(y * width + x) * 4 + k] = line[x * channels + k];
      out[(y * width + x) * 4 + 3] = channels === 4 ? line[x * channels + 3] : 255;
    }
    prev = line;
  }
  return { width, height, data: out };
}

/** WCAG relative luminance of an sRGB pixel. */
function luminance(r, g, b) {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/**
 * Screenshots the caret with and without it drawn; returns the number of rows in the best
 * column where the caret's pixels contrast 3:1 or more with what is behind it.
 */
async function caretContrastRows(page) {
  const box = await page.locator('div.caret').boundingBox();
  assert.ok(box && box.height > 0, 'the caret is drawn');
  const clip = { x: Math.floor(box.x) - 2, y: Math.ceil(box.y), width: Math.ceil(box.width) + 4, height: Math.floor(box.height) };
  const shot = async () => decodePng(await page.screenshot({ clip }));
  const drawn = await shot();
  await page.$eval('div.caret', (c) => { c.style.visibility = 'hidden'; });
  const behind = await shot();
  await page.$eval('div.caret', (c) => { c.style.visibility = ''; });
  let best = 0;
  for (let x = 0; x < drawn.width; x++) {
    let rows = 0;
    for (let y = 0; y < drawn.height; y++) {
      const i = (y * drawn.width + x) * 4;
      const l1 = luminance(drawn.data[i], drawn.data[i + 1], drawn.data[i + 2]);
      const l2 = luminance(behind.data[i], behind.data[i + 1], behind.data[i + 2]);
      if ((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) >= 3) rows++;
    }
    best = Math.max(best, rows);
  }
  return { best, height: drawn.height };
}

/** The caret's left edge and the left edge of the character at code point `cp`. */
const caretAndChar = (page, cp) => page.evaluate((cp) => {
  for (const el of document.querySelectorAll('article.document [data-start]')) {
    const s = Number(el.dataset.start), e = Number(el.dataset.end);
    const text = el.firstChild;
    if (text?.nodeType === Node.TEXT_NODE && s <= cp && cp < e) {
      const before = Array.from(text.data).slice(0, cp - s).join('').length;
      const ch = Array.from(text.data)[cp - s];
      const range = document.createRange();
      range.setStart(text, before);
      range.setEnd(text, before + ch.length);
      const caret = document.querySelector('div.caret').getBoundingClientRect();
      return { caret: caret.left + 1, char: range.getBoundingClientRect().left, shown: getComputedStyle(document.querySelector('div.caret')).display !== 'none' };
    }
  }
  throw new Error(`no text at ${cp}`);
}, cp);

test('keyboard only: Tab puts a visible caret in the text, arrows, Home and End move it, Shift+arrows select, a number labels', async () => {
  const { page, context, errors } = await openApp(browser, server.origin);
  await page.setInputFiles('#file-input', path.join(fixtures, 'emoji-article.html'));
  await page.waitForSelector('mark[data-label="COMPANY"]');
  const text = (await exportJson(page)).document.text;
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('div.caret')).display), 'none');
  await tabIntoText(page);
  // The caret starts at the start of the text (the heading "表情与生僻字 🚀"), and is drawn.
  let at = await caretAndChar(page, 0);
  assert.ok(at.shown && Math.abs(at.caret - at.char) <= 1.5, JSON.stringify(at));
  // ↓ goes to the next line: the paragraph "🚀据悉，𠮷商汤绝影与Tesla、…".
  await page.keyboard.press('ArrowDown');
  const paragraph = charIndex(text, '🚀据悉');
  at = await caretAndChar(page, paragraph);
  assert.ok(Math.abs(at.caret - at.char) <= 1.5, `after ↓: ${JSON.stringify(at)}`);
  // → nine times: past 🚀 据 悉 ， 𠮷 (one character each, though 🚀 and 𠮷 are two UTF-16
  // units) and 商汤绝影, to just before 与.
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  const start = charIndex(text, '与Tesla');
  assert.equal(start, paragraph + 9);
  at = await caretAndChar(page, start);
  assert.ok(Math.abs(at.caret - at.char) <= 1.5, `after 9 →: ${JSON.stringify(at)}`);
  // The caret is visible in a screenshot: ink that contrasts at least 3:1 with what is
  // behind it, down most of its height.
  const contrast = await caretContrastRows(page);
  assert.ok(contrast.best >= contrast.height * 0.8, JSON.stringify(contrast));
  // Home goes to the start of the line (the paragraph's first), End along it; Home and
  // nine → bring the caret back.
  await page.keyboard.press('Home');
  at = await caretAndChar(page, paragraph);
  assert.ok(Math.abs(at.caret - at.char) <= 1.5, `after Home: ${JSON.stringify(at)}`);
  await page.keyboard.press('End');
  at = await caretAndChar(page, start);
  assert.ok(at.caret - at.char > 40, `after End the caret is past 与: ${JSON.stringify(at)}`);
  await page.keyboard.press('Home');
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  at = await caretAndChar(page, start);
  assert.ok(Math.abs(at.caret - at.char) <= 1.5, `after Home and 9 →: ${JSON.stringify(at)}`);
  // ← then → again, Shift+→ six times: 与Tesla.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  for (let i = 0; i < 6; i++) await page.keyboard.press('Shift+ArrowRight');
  assert.equal(await page.evaluate(() => getSelection().toString()), '与Tesla');
  await page.keyboard.press('3'); // PERSON, the third label
  await page.waitForSelector('mark[data-label="PERSON"]');
  assert.equal(await page.textContent('mark[data-label="PERSON"]'), '与Tesla');
  // The caret goes on from the end of the new entity; Tab from there goes to the next one.
  await page.waitForFunction(() => getSelection().isCollapsed && getComputedStyle(document.querySelector('div.caret')).display !== 'none');
  at = await caretAndChar(page, start + 6);
  assert.ok(Math.abs(at.caret - at.char) <= 3, `after labelling: ${JSON.stringify(at)}`);
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.activeElement?.textContent === '沐曦');
  const exported = await exportJson(page);
  const person = exported.entities.find((e) => e.label === 'PERSON');
  assert.deepEqual([person.start, person.end, person.source], [start, start + 6, 'manual']);
  assert.equal(sliceCodePoints(exported.document.text, person.start, person.end), '与Tesla');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a double-click selects the word Intl.Segmenter finds, not one character or the sentence; the menu labels it', async () => {
  const sentence = '🚀𠮷据悉，临港新片区正式发布人工智能产业行动方案。';
  const file = tempFile('words.txt', `${sentence}\n`);
  const { page, context, errors } = await openApp(browser, server.origin);
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('article.document [data-block="0"]');
  await modelSettled(page);
  // In the page: the words Intl.Segmenter finds in the block; take each multi-character
  // Chinese word and double-click the centre of its last character (where the browser's
  // own hit-testing tends to land on the next word).
  const words = await page.evaluate(() => {
    const block = document.querySelector('article.document [data-block="0"]');
    const text = block.textContent;
    const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
    return [...segmenter.segment(text)]
      .filter((s) => s.isWordLike && Array.from(s.segment).length >= 2 && /^\p{Script=Han}+$/u.test(s.segment))
      .map((s) => ({ word: s.segment, start: Array.from(text.slice(0, s.index)).length }));
  });
  assert.ok(words.length >= 3, JSON.stringify(words));
  const blockStart = Number(await page.getAttribute('[data-block="0"]', 'data-start'));
  for (const { word, start } of words) {
    await page.keyboard.press('Escape'); // closes the menu of the word before
    const lastChar = blockStart + start + Array.from(word).length - 1;
    const point = await page.evaluate((cp) => {
      for (const el of document.querySelectorAll('article.document [data-start]')) {
        const s = Number(el.dataset.start), e = Number(el.dataset.end);
        const text = el.firstChild;
        if (text?.nodeType === Node.TEXT_NODE && s <= cp && cp < e) {
          const before = Array.from(text.data).slice(0, cp - s).join('').length;
          const range = document.createRange();
          range.setStart(text, before);
          range.setEnd(text, before + Array.from(text.data)[cp - s].length);
          const r = range.getBoundingClientRect();
          return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        }
      }
      throw new Error(`no text at ${cp}`);
    }, lastChar);
    await page.mouse.dblclick(point.x, point.y);
    await page.waitForSelector('.label-menu');
    const selected = await page.evaluate(() => getSelection().toString());
    assert.equal(selected, word, `double-click on the last character of ${word}`);
    assert.notEqual(selected, sentence);
  }
  // Label the last one from the menu: the export has its code-point offsets, after 🚀 and 𠮷.
  const { word, start } = words.at(-1);
  await page.click('.label-menu button[data-label="ORG"]');
  await page.waitForSelector(`mark[data-label="ORG"][data-start="${blockStart + start}"]`);
  const exported = await exportJson(page);
  const org = exported.entities.find((e) => e.label === 'ORG' && e.source === 'manual');
  assert.deepEqual([org.start, org.end, org.text], [blockStart + start, blockStart + start + Array.from(word).length, word]);
  assert.equal(sliceCodePoints(exported.document.text, org.start, org.end), word);
  assert.equal(org.start, charIndex(exported.document.text, word));
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(path.dirname(file), { recursive: true });
});
