// The benchmark page (bench/recognize.html): Huaxian's recognizers compiled to WebAssembly
// (bench/wasm, built by bench/recognize.mjs) and jieba-wasm's part-of-speech tagger, timed
// on the same text in the same page. bench/recognize.mjs drives it through window.bench.
import initHuaxian, { Bench, load_lexicon, load_tagger, ingest_text } from './pkg/huaxian_bench_wasm.js';
import initJieba, { tag, cut } from './jieba/jieba_rs_wasm.js';

const status = document.getElementById('status');

/** Milliseconds of one call of `fn`, and what it returned. */
function once(fn) {
  const t0 = performance.now();
  const found = fn();
  return { ms: performance.now() - t0, found };
}

/**
 * Times each of `fns` (name → function) once per round: one warm-up round, then `runs`
 * timed rounds. Interleaving the contenders lets a burst of load from elsewhere on the
 * machine hit all of them alike rather than one. Per function: the median and fastest
 * time, the warm-up's, and what it found.
 */
function rounds(fns, runs, onRound) {
  const out = {};
  for (const [name, fn] of Object.entries(fns)) {
    const warm = once(fn);
    out[name] = { warmup_ms: warm.ms, found: warm.found, runs: [] };
  }
  for (let i = 0; i < runs; i++) {
    onRound?.(i);
    for (const [name, fn] of Object.entries(fns)) {
      const r = once(fn);
      if (r.found !== out[name].found) throw new Error(`${name} found ${out[name].found}, then ${r.found}`);
      out[name].runs.push(r.ms);
    }
  }
  for (const r of Object.values(out)) {
    const sorted = [...r.runs].sort((a, b) => a - b);
    r.ms = sorted[Math.floor(sorted.length / 2)];
    r.min = sorted[0];
  }
  return out;
}

// jieba's tags for names: nr people (nrt, nrfg), ns places, nt organisations.
const isName = (t) => t.startsWith('nr') || t === 'ns' || t === 'nt';

async function setup() {
  const out = {};
  let r = performance.now();
  await initHuaxian({ module_or_path: './pkg/huaxian_bench_wasm_bg.wasm' });
  out.huaxian_init_ms = performance.now() - r;
  r = performance.now();
  await initJieba({ module_or_path: './jieba/jieba_rs_wasm_bg.wasm' });
  out.jieba_init_ms = performance.now() - r;
  // Loading the models: Huaxian's lexicon and tagger asset are decoded when asked for;
  // jieba-rs builds its dictionary on the first call.
  out.huaxian_load_lexicon_ms = once(() => load_lexicon()).ms;
  out.huaxian_load_tagger_ms = once(() => load_tagger()).ms;
  out.jieba_first_tag_ms = once(() => tag('预热', true).length).ms;
  return out;
}

const ready = setup().then((info) => { status.textContent = 'ready'; return info; });

window.bench = {
  ready,
  /** The text of an article as Huaxian ingests it. */
  async ingest(url, name) {
    await ready;
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return ingest_text(bytes, name);
  },
  /** Times every recognizer and the peer on the text at `url`. */
  async run(url, runs) {
    await ready;
    const text = await (await fetch(url)).text();
    const chars = [...text].length;
    const t0 = performance.now();
    const bench = new Bench(text);
    const prepare_ms = performance.now() - t0;
    if (bench.chars() !== chars) throw new Error(`code points differ: ${bench.chars()} vs ${chars}`);
    const results = rounds({
      lexicon: () => bench.lexicon(),
      rules: () => bench.rules(),
      tagger: () => bench.tagger(),
      pipeline: () => bench.pipeline(),
      jieba_tag: () => tag(text, true).filter((w) => isName(w.tag)).length,
      jieba_cut: () => cut(text, true).length,
    }, runs, (i) => { status.textContent = `round ${i + 1} of ${runs}`; });
    bench.free();
    status.textContent = 'done';
    return { chars, bytes: new TextEncoder().encode(text).length, prepare_ms, results };
  },
};
