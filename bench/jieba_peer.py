#!/usr/bin/env python3
"""The peer for crates/core/benches/recognize.rs: jieba's part-of-speech tagger (jieba.posseg,
which marks people nr, places ns and organisations nt) on exactly the benchmark's text, natively.

    pip install jieba            # from PyPI
    python3 bench/jieba_peer.py  # after `cargo build -p huaxian-cli --profile fast`

The text is assets/sample-article.html as Huaxian ingests it (taken from `huaxian annotate`),
repeated COPIES times and joined with newlines, as the Rust benchmark builds it. Prints
characters per second (best and median of RUNS runs, the dictionary already loaded).
"""
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

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
huaxian = os.path.join(target, "fast", "huaxian")
if not os.path.exists(huaxian):
    sys.exit(f"build the command line first: cargo build -p huaxian-cli --profile fast (looked for {huaxian})")
export = json.loads(subprocess.check_output([huaxian, "annotate", os.path.join(root, "assets", "sample-article.html")]))
text = "\n".join([export["document"]["text"]] * COPIES)
n = len(text)

jieba.setLogLevel(60)
jieba.initialize()
jieba.posseg.lcut("预热")  # load the tagger's tables outside the timing

def rate(fn):
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn(text)
        times.append(time.perf_counter() - start)
    return n / min(times), n / statistics.median(times)

print(f"benchmark text: {n} characters ({COPIES} copies of assets/sample-article.html)")
for name, fn in [("jieba.posseg.lcut (HMM on)", jieba.posseg.lcut), ("jieba.lcut (segmentation only)", jieba.lcut)]:
    best, median = rate(fn)
    print(f"{name}: best {best / 1e6:.3f} M chars/s, median {median / 1e6:.3f} M chars/s")
