"""Real consumers of Huaxian's dataset exports.

The CLI (HUAXIAN_BIN) exports our own fixtures (tests/fixtures/formats/ and the sample
article: emoji, 𠮷, ZWJ sequences, CRLF, NBSP, overlapping entities) to every format;
then spaCy loads the .spacy DocBin and the JSON lines with spacy.blank("zh"), and plain
Python checks text[start:end] for every offset of every format that has offsets, in code
points and, where asked for, in UTF-16 units.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Example

ROOT = Path(__file__).resolve().parents[2]
BIN = os.environ.get("HUAXIAN_BIN", "huaxian")
INPUTS = [
    ROOT / "assets/sample-article.html",
    ROOT / "tests/fixtures/formats/astral-emoji.html",
    ROOT / "tests/fixtures/formats/crlf-nbsp.txt",
    ROOT / "tests/fixtures/formats/crlf-zwj.huaxian.json",
    ROOT / "crates/core/tests/formats/overlaps.huaxian.json",
]
FORMATS = ["huaxian-jsonl", "doccano", "label-studio", "spacy-jsonl", "spacy", "prodigy", "brat", "iob2", "w3c"]
UNIT_FORMATS = ["huaxian-jsonl", "doccano", "label-studio", "spacy-jsonl", "prodigy"]


def export(out: Path, fmt: str, *extra: str) -> subprocess.CompletedProcess:
    out.mkdir(parents=True, exist_ok=True)
    args = [BIN, "export", "--suggestions", "--format", fmt, "--out", f"{out}/", *extra, *map(str, INPUTS)]
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    base = tmp_path_factory.mktemp("exports")
    stderr = {}
    for fmt in FORMATS:
        stderr[fmt] = export(base / fmt, fmt).stderr
    for fmt in UNIT_FORMATS:
        export(base / f"{fmt}-utf16", fmt, "--offsets", "utf16")
    return base, stderr


def jsonl(path: Path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def one(folder: Path, suffix: str) -> Path:
    [path] = [p for p in folder.iterdir() if p.name.endswith(suffix)]
    return path


def docs(exported):
    """The native export: the texts every other format must agree with. It keeps rejected
    entities (decisions to continue from); the dataset formats leave them out."""
    out = jsonl(one(exported[0] / "huaxian-jsonl", ".jsonl"))
    for d in out:
        d["entities"] = [e for e in d["entities"] if e["status"] != "rejected"]
    return out


def at(text: str, start: int, end: int, unit: str) -> str:
    if unit == "codepoint":
        return text[start:end]
    assert unit == "utf16", unit
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def test_fixtures_are_hard_enough(exported):
    texts = "".join(d["document"]["text"] for d in docs(exported))
    for hard in ["𠮷", "🚀", "\u200d", "\r\n", "\u00a0"]:
        assert hard in texts, repr(hard)
    assert sum(len(d["entities"]) for d in docs(exported)) > 40


# spaCy ---------------------------------------------------------------------------------


def test_spacy_docbin_loads_with_the_same_text_and_entities(exported):
    nlp = spacy.blank("zh")
    loaded = list(DocBin().from_disk(one(exported[0] / "spacy", ".spacy")).get_docs(nlp.vocab))
    lines = jsonl(one(exported[0] / "spacy-jsonl", ".spacy.jsonl"))
    assert len(loaded) == len(lines) == len(INPUTS)
    for doc, line in zip(loaded, lines):
        assert doc.text == line["text"]
        ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        assert ents == [tuple(x) for x in line["annotations"]["entities"]]
        for start, end, label in line["annotations"]["entities"]:
            span = doc.char_span(start, end, label=label)
            assert span is not None, (line["meta"]["source"], start, end, label)
            assert span.text == line["text"][start:end]


def test_spacy_jsonl_every_entity_maps_to_a_span_in_blank_zh(exported):
    nlp = spacy.blank("zh")
    lines = jsonl(one(exported[0] / "spacy-jsonl", ".spacy.jsonl"))
    checked = 0
    for line in lines:
        assert line["meta"]["offset_unit"] == "codepoint"
        doc = nlp.make_doc(line["text"])
        annotations = line["annotations"]
        for start, end, label in annotations["entities"] + annotations["spans"]["sc"]:
            span = doc.char_span(start, end, label=label)
            assert span is not None, (line["meta"]["source"], start, end, label, line["text"][start:end])
            assert span.text == line["text"][start:end]
            checked += 1
        example = Example.from_dict(doc, annotations)
        assert [(e.start_char, e.end_char, e.label_) for e in example.reference.ents] == [tuple(x) for x in annotations["entities"]]
        assert len(example.reference.spans["sc"]) == len(annotations["spans"]["sc"])
    assert checked > 40


def test_overlaps_dropped_from_spacy_entities_are_said_on_stderr(exported):
    stderr = exported[1]
    for fmt in ["spacy", "spacy-jsonl", "iob2"]:
        assert "warning: overlaps.html: dropped e2 ORG [5, 7) 商汤" in stderr[fmt], stderr[fmt]
    for fmt in ["doccano", "brat", "label-studio", "prodigy", "w3c"]:
        assert "warning" not in stderr[fmt]


# Offsets, format by format ----------------------------------------------------------


@pytest.mark.parametrize("folder", ["huaxian-jsonl", "huaxian-jsonl-utf16"])
def test_huaxian_offsets(exported, folder):
    for d in jsonl(one(exported[0] / folder, ".jsonl")):
        text = d["document"]["text"]
        for e in d["entities"]:
            assert at(text, e["start"], e["end"], d["offset_unit"]) == e["text"]


@pytest.mark.parametrize("folder", ["doccano", "doccano-utf16"])
def test_doccano_offsets(exported, folder):
    lines = jsonl(one(exported[0] / folder, ".jsonl"))
    expected = [[(e["text"], e["label"]) for e in d["entities"]] for d in docs(exported)]
    for line, want in zip(lines, expected):
        got = [(at(line["text"], s, e, line["offset_unit"]), label) for s, e, label in line["label"]]
        assert got == want


@pytest.mark.parametrize("folder", ["label-studio", "label-studio-utf16"])
def test_label_studio_offsets_and_config(exported, folder):
    tasks = json.loads(one(exported[0] / folder, ".label-studio.json").read_text(encoding="utf-8"))
    n = 0
    for task in tasks:
        text, unit = task["data"]["text"], task["data"]["offset_unit"]
        for group in task.get("annotations", []) + task.get("predictions", []):
            for r in group["result"]:
                v = r["value"]
                assert at(text, v["start"], v["end"], unit) == v["text"]
                n += 1
        # Suggestions are predictions, decisions are annotations.
        assert all(r["origin"] == "prediction" for g in task.get("predictions", []) for r in g["result"])
    assert n > 40
    config = one(exported[0] / folder, ".xml").read_text(encoding="utf-8")
    assert '<Labels name="label" toName="text">' in config and '<Text name="text" value="$text"/>' in config


@pytest.mark.parametrize("folder", ["spacy-jsonl", "spacy-jsonl-utf16"])
def test_spacy_jsonl_offsets(exported, folder):
    for line, d in zip(jsonl(one(exported[0] / folder, ".jsonl")), docs(exported)):
        unit = line["meta"]["offset_unit"]
        quoted = sorted((at(line["text"], s, e, unit), label) for s, e, label in line["annotations"]["spans"]["sc"])
        assert quoted == sorted((e["text"], e["label"]) for e in d["entities"])


@pytest.mark.parametrize("folder", ["prodigy", "prodigy-utf16"])
def test_prodigy_offsets(exported, folder):
    for task in jsonl(one(exported[0] / folder, ".jsonl")):
        text, unit = task["text"], task["meta"]["offset_unit"]
        tokens = task["tokens"]
        for t in tokens:
            assert at(text, t["start"], t["end"], unit) == t["text"]
        for s in task["spans"]:
            assert at(text, s["start"], s["end"], unit) == s["text"]
            assert tokens[s["token_start"]]["start"] == s["start"]
            assert tokens[s["token_end"]]["end"] == s["end"]


def test_brat_offsets(exported):
    folder = exported[0] / "brat"
    anns = sorted(folder.glob("*.ann"))
    assert len(anns) == len(INPUTS)
    for ann in anns:
        text = ann.with_suffix(".txt").read_bytes().decode("utf-8")  # no newline translation
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _, spec, quoted = line.split("\t")
                _, start, end = spec.split(" ")
                span = text[int(start) : int(end)]
                assert quoted == span.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def test_w3c_offsets(exported):
    by_id = {d["document"]["id"]: d["document"]["text"] for d in docs(exported)}
    page = json.loads(one(exported[0] / "w3c", ".jsonld").read_text(encoding="utf-8"))
    assert page["type"] == "AnnotationPage"
    for a in page["items"]:
        text = by_id[a["target"]["source"].removeprefix("urn:sha256:")]
        quote, position = a["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        s, e = position["start"], position["end"]
        assert text[s:e] == quote["exact"]
        assert text[:s].endswith(quote["prefix"]) and text[e:].startswith(quote["suffix"])


def test_iob2_tokens_spell_the_text(exported):
    conll = one(exported[0] / "iob2", ".conll").read_text(encoding="utf-8")
    documents = conll.split("-DOCSTART- O\n")[1:]
    assert len(documents) == len(INPUTS)
    for block, d in zip(documents, docs(exported)):
        tokens = [line.split(" ") for line in block.splitlines() if line]
        assert all(len(t) == 2 and (t[1] == "O" or t[1][:2] in ("B-", "I-")) for t in tokens)
        assert "".join(t[0] for t in tokens) == "".join(d["document"]["text"].split())
