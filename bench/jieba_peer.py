#!/usr/bin/env python3
"""The peer for crates/core/benches/recognize.rs: jieba's part-of-speech tagger (jieba.posseg,
which marks people nr, places ns and organisations nt) on exactly the benchmark's text, natively.

    pip install jieba            # from PyPI
    python3 bench/jieba_peer.py  # after `cargo build -p huaxian-cli --profile fast`

The text is assets/sample-article.html as Huaxian ingests it (taken from `huaxian annotate`),
repeated COPIES times and joined with newlines, as the Rust benchmark builds it. Prints
characters per second (best and median of RUNS runs, the dictionary already loaded).

    python3 bench/jieba_peer.py --text FILE [--json]

times the same on the UTF-8 text in FILE instead (bench/recognize.mjs passes the text its
browser benchmark used); --json prints one JSON object with median (and fastest) milliseconds instead.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import jieba
import jieba.posseg

COPIES = 40  # as in crates/core/benches/recognize.rs
RUNS = 7

parser = argparse.ArgumentParser()
parser.add_argument("--text", help="a UTF-8 text file to time instead of the sample article")
parser.add_argument("--json", action="store_true", help="print median milliseconds as JSON")
args = parser.parse_args()

if args.text:
    with open(args.text, encoding="utf-8") as f:
        text = f.read()
    what = args.text
else:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
    huaxian = os.path.join(target, "fast", "huaxian")
    if not os.path.exists(huaxian):
        sys.exit(f"build the command line first: cargo build -p huaxian-cli --profile fast (looked for {huaxian})")
    export = json.loads(subprocess.check_output([huaxian, "annotate", os.path.join(root, "assets", "sample-article.html")]))
    text = "\n".join([export["document"]["text"]] * COPIES)
    what = f"{COPIES} copies of assets/sample-article.html"
n = len(text)

jieba.setLogLevel(60)
jieba.initialize()
jieba.posseg.lcut("预热")  # load the tagger's tables outside the timing

def times(fn):
    out = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn(text)
        out.append(time.perf_counter() - start)
    return out

peers = [("posseg", "jieba.posseg.lcut (HMM on)", jieba.posseg.lcut), ("lcut", "jieba.lcut (segmentation only)", jieba.lcut)]
if args.json:
    result = {"chars": n, "runs": RUNS, "jieba": jieba.__version__}
    for key, _, fn in peers:
        t = times(fn)
        result[key] = {"ms": statistics.median(t) * 1e3, "min": min(t) * 1e3}
    print(json.dumps(result))
    sys.exit()

print(f"benchmark text: {n} characters ({what})")
for _, name, fn in peers:
    t = times(fn)
    best, median = n / min(t), n / statistics.median(t)
    print(f"{name}: best {best / 1e6:.3f} M chars/s, median {median / 1e6:.3f} M chars/s")
