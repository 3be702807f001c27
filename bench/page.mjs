// Browser benchmark of the page on a long document: 1 MB of Chinese text with about
// 20,000 entities. Prints time to first highlight, time to scroll through, and time per
// edit, beside a peer in the same run: the same text and the same number of <mark>
// elements as a static page (what the browser alone needs to lay them out).
// Run: node bench/page.mjs   (after scripts/test or trunk build --release)
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { serveDist, launch, openApp, tempFile, dist } from '../tests/e2e/harness.mjs';

const companies = ['商汤绝影', '特斯拉', '沐曦', 'Unity中国', '宁德时代', '百度', '比亚迪', '华为', '腾讯', '阿里巴巴'];
const filler = '在临港新片区的产业发展大会上，与会代表围绕人工智能、芯片和新能源汽车展开讨论，并表示将继续加大投入力度。';
let paragraphs = [];
let bytes = 0;
let mentions = 0;
for (let i = 0; bytes < 1_000_000; i++) {
  let p = '';
  for (let j = 0; j < 13; j++) {
    p += `${companies[(i + j) % companies.length]}${filler.slice(0, 4 + ((i * 7 + j) % 20))}`;
    mentions++;
  }
  paragraphs.push(`<p>${p}</p>`);
  bytes += Buffer.byteLength(p);
}
const article = `<html><body>${paragraphs.join('\n')}</body></html>`;
const file = tempFile('long.html', article);

const server = await serveDist();
const browser = await launch();
const results = {};

// Huaxian: open → first highlight painted.
{
  const { page, context } = await openApp(browser, server.origin);
  const t0 = performance.now();
  await page.setInputFiles('#file-input', file);
  await page.waitForSelector('mark[data-label="COMPANY"]', { timeout: 120_000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  results.first_paint_ms = performance.now() - t0;
  results.entities = Number(await page.textContent('.unreviewed-count'));
  // Scroll to the end: pages of blocks are added as the reader goes.
  const t1 = performance.now();
  const total = await page.$$eval('article.document .block', () => 0);
  for (let i = 0; i < 400; i++) {
    const more = await page.$('.more');
    if (!more) break;
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
  }
  results.scroll_to_end_ms = performance.now() - t1;
  results.blocks_rendered = await page.$$eval('article.document .block', (b) => b.length);
  // Edits: accept the focused entity, ten times, each until the page shows it.
  const times = [];
  const ids = await page.$$eval('article.document mark.suggested', (ms) => ms.slice(-10).map((m) => m.dataset.id));
  for (const id of ids) {
    await page.focus(`mark[data-id="${id}"]`);
    // Measured inside the page: from the key press to the first frame that shows the edit.
    await page.evaluate((id) => {
      window.__edit = null;
      let t0 = 0;
      addEventListener('keydown', () => { t0 = performance.now(); }, { capture: true, once: true });
      const observer = new MutationObserver(() => {
        if (document.querySelector(`mark[data-id="${id}"].accepted`)) {
          observer.disconnect();
          requestAnimationFrame(() => { window.__edit = performance.now() - t0; });
        }
      });
      observer.observe(document.querySelector('article.document'), { subtree: true, attributes: true, childList: true });
    }, id);
    await page.keyboard.press('a');
    const done = await page.waitForFunction(() => window.__edit).then((h) => h.jsonValue());
    times.push(done);
  }
  times.sort((a, b) => a - b);
  results.edit_median_ms = times[Math.floor(times.length / 2)];
  await context.close();
}

// Peer: the same text with the same marks, as a static page the browser only lays out.
{
  const marked = paragraphs.map((p) => p.replace(new RegExp(companies.join('|'), 'g'), (m) => `<mark>${m}</mark>`)).join('\n');
  fs.writeFileSync(path.join(dist, 'bench-peer.html'), `<!doctype html><meta charset=utf-8><body>${marked}</body>`);
  const context = await browser.newContext();
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(server.origin + '/bench-peer.html');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  results.peer_static_page_ms = performance.now() - t0;
  await context.close();
  fs.rmSync(path.join(dist, 'bench-peer.html'));
}

await browser.close();
await server.close();
results.text_bytes = bytes;
results.ratio_first_paint_to_peer = results.first_paint_ms / results.peer_static_page_ms;
for (const [k, v] of Object.entries(results)) console.log(`${k}: ${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : v}`);
