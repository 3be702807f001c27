// Shared set-up for the end-to-end tests: serve dist/ on loopback, start Debian's
// Chromium through playwright-core, and record every request the page makes.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const dist = path.join(root, 'dist');
export const fixtures = path.join(here, 'fixtures');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves dist/ on 127.0.0.1 at a free port. */
export async function serveDist() {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error(`no built app in ${dist}: run the build (scripts/test does) first`);
  }
  return serveFolders([['/', dist]]);
}

/**
 * Serves folders on 127.0.0.1 at a free port: `routes` maps URL prefixes to folders, the
 * first match wins; a folder's URL gives its index.html. Nothing outside them is served.
 */
export async function serveFolders(routes) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const [prefix, dir] = routes.find(([p]) => url.pathname.startsWith(p)) ?? [];
    if (!dir) { res.writeHead(404).end('not found'); return; }
    let file = path.join(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) };
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/**
 * Opens the app in a fresh context. Returns the page, every URL it requested, every
 * dialog it opened and every console error, so tests can assert on them.
 */
export async function openApp(browser, origin, { waitForModel = true, beforeLoad } = {}) {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  if (beforeLoad) await beforeLoad(page);
  const requests = [];
  const dialogs = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(origin + '/');
  await page.waitForSelector('#sample-button');
  // The tagger joins after the first paint; most tests want a settled page.
  if (waitForModel) await page.waitForSelector('.model-status[data-state="ready"]');
  return { context, page, requests, dialogs, errors };
}

/**
 * Waits until the model has added its suggestions to every open document. A long
 * document is painted with lexicon and rules first and the model's pass follows, giving
 * entities new ids: a test that focuses or edits entities waits for this first.
 */
export async function modelSettled(page, timeout = 60_000) {
  await page.waitForSelector('.model-status[data-state="ready"]', { timeout });
}

/** `text[start:end]` as Python computes it: in code points. */
export function sliceCodePoints(text, start, end) {
  return Array.from(text).slice(start, end).join('');
}

/** Requests that left the page's origin (data: and blob: URLs stay on the machine). */
export function foreignRequests(requests, origin) {
  return requests.filter((u) => !u.startsWith(origin + '/') && !u.startsWith('data:') && !u.startsWith('blob:'));
}

export function tempFile(name, contents) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huaxian-e2e-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, contents);
  return file;
}

/**
 * A long generated Chinese article: paragraphs of company names and filler until the text
 * reaches `bytes` bytes (about 20,000 entities per MB). `last` is appended as a final
 * paragraph. Returns the HTML, the paragraphs' texts and the number of company mentions.
 */
export function longArticle(bytes, { last } = {}) {
  const companies = ['商汤绝影', '特斯拉', '沐曦', 'Unity中国', '宁德时代', '百度', '比亚迪', '华为', '腾讯', '阿里巴巴'];
  const filler = '在临港新片区的产业发展大会上，与会代表围绕人工智能、芯片和新能源汽车展开讨论，并表示将继续加大投入力度。';
  const texts = [];
  let size = 0;
  let mentions = 0;
  for (let i = 0; size < bytes; i++) {
    let p = '';
    for (let j = 0; j < 13; j++) {
      p += `${companies[(i + j) % companies.length]}${filler.slice(0, 4 + ((i * 7 + j) % 20))}`;
      mentions++;
    }
    texts.push(p);
    size += Buffer.byteLength(p);
  }
  if (last) texts.push(last);
  const html = `<html><body>${texts.map((p) => `<p>${p}</p>`).join('\n')}</body></html>`;
  return { html, texts, bytes: size, mentions, companies };
}

/**
 * Waits until the page's IndexedDB (database `huaxian`) holds, under `key` of `store`, a
 * value that passes `test` (by default: any value). The page saves after it paints, so a
 * test that reloads waits for the save it relies on rather than for a fixed time.
 */
export async function waitForStored(page, store, key, test = (v) => v !== undefined, timeout = 10_000) {
  const read = ({ store, key }) => new Promise((resolve, reject) => {
    const open = indexedDB.open('huaxian');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const get = db.transaction(store, 'readonly').objectStore(store).get(key);
      get.onsuccess = () => { db.close(); resolve(get.result); };
      get.onerror = () => { db.close(); reject(get.error); };
    };
  });
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await page.evaluate(read, { store, key });
    if (test(value)) return value;
    if (Date.now() > deadline) throw new Error(`IndexedDB ${store}/${key} never passed the test; last value: ${String(value).slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
