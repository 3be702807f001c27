// A 50 MB article (our sample's paragraphs, repeated): time to the first highlight in the
// page, and the command line's wall time and peak memory on the same file.
// Run: node bench/huge.mjs   (after scripts/test, and `cargo build -p huaxian-cli --profile fast`)
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { serveDist, launch, openApp, tempFile, root } from '../tests/e2e/harness.mjs';

const sample = fs.readFileSync(path.join(root, 'assets', 'sample-article.html'), 'utf8');
const paragraphs = sample.split('<article>')[1].split('<script>')[0];
const html = `<html><body>${paragraphs.repeat(Math.ceil(50_000_000 / Buffer.byteLength(paragraphs)))}</body></html>`;
const file = tempFile('huge.html', html);
console.log(`article_bytes: ${Buffer.byteLength(html)}`);

const server = await serveDist();
const browser = await launch();
const { page, context } = await openApp(browser, server.origin);
const t0 = performance.now();
await page.setInputFiles('#file-input', file);
await page.waitForSelector('mark[data-label="COMPANY"]', { timeout: 240_000 });
console.log(`page_open_to_first_highlight_ms: ${(performance.now() - t0).toFixed(0)}`);
await context.close();
await browser.close();
await server.close();

const target = process.env.CARGO_TARGET_DIR ?? path.join(process.env.HOME, '.cache/huaxian/target');
const cli = path.join(target, 'fast', 'huaxian');
if (!fs.existsSync('/usr/bin/time')) {
  console.log('cli: /usr/bin/time is missing (apt-get install time)');
} else if (fs.existsSync(cli)) {
  // time(1) reports on stderr, which execFileSync does not return: spawnSync does.
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', cli, 'annotate', '--format', 'jsonl', file], {
    stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`huaxian failed: ${run.stderr}`);
  const [seconds, kib] = run.stderr.trim().split('\n').pop().split(' ');
  console.log(`cli_wall_s: ${seconds}\ncli_peak_mb: ${(Number(kib) / 1024).toFixed(0)}`);
} else {
  console.log(`cli: build it first (${cli} missing)`);
}
fs.rmSync(path.dirname(file), { recursive: true });
