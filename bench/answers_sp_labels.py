"""Build the "Service-Public labels" evaluation set (keyword-like queries) from public data.

Usage: python bench/answers_sp_labels.py /path/to/service-public  (the folder holding
``themes.json``, ``documents.jsonl`` and ``questions.jsonl``, see its README).

How the set is derived (nothing is written by hand, nothing is invented):

- the documents are the 889 Service-Public fiches of ``documents.jsonl`` (their titles removed);
- a query is the *label* that Service-Public's editors gave a fiche in their own theme tree
  (``themes.json``: thème > sous-thème > dossier > [sous-dossier >] fiche), e.g.
  "Immatriculer un véhicule neuf", "Passeport en urgence", "Aide personnalisée au logement
  (APL)"; the expected document is that fiche;
- only fiches that are not among the 535 questions of ``questions.jsonl`` (those are already a
  set) and whose label is not a question (not ending with "?"): short, keyword-like labels;
- when the same label names several fiches of the tree ("Première demande", "Renouvellement"),
  the label alone does not say which: the query is the label followed by its sous-dossier's
  and dossier's names, each unless the label holds it already ("Renouvellement Pour un majeur
  Passeport");
- split BEFORE any tuning, by the SHA-256 of the fiche id (even first byte: dev, odd: held-out),
  so that the split does not depend on the labels' text or on the engine.

A third file, ``sp_labels_cut_heldout.jsonl``, is the held-out half with words cut short, the
way residents stop typing: in each query, the longest word of 7 letters or more is cut to its
first 60 % (at least 5 letters): "Immatriculer un véhicule neuf" → "Immatri un véhicule neuf".
Mechanical, for measuring the completion of words cut short; never tuned on.

These are editors' words, not queries typed by residents: no public log of residents' queries
matching this corpus could be found. Writes ``parvis/answers/eval/sp_labels_dev.jsonl`` and
``sp_labels_heldout.jsonl``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parvis" / "answers" / "eval"


def _paths(node: dict, trail: list[dict], out: dict[str, list[list[dict]]]) -> None:
    for child in node.get("data") or []:
        if child["type"] == "fiche":
            out.setdefault(child["id"], []).append([*trail, child])
        else:
            _paths(child, [*trail, child], out)


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def build(folder: Path) -> tuple[list[dict], list[dict]]:
    documents = {json.loads(line)["id"] for line in (folder / "documents.jsonl").open()}
    questions = [json.loads(line) for line in (folder / "questions.jsonl").open()]
    asked = {key for q in questions for key in q["expected"]}
    paths: dict[str, list[list[dict]]] = {}
    _paths(json.loads((folder / "themes.json").read_text()), [], paths)
    label_count = Counter(_clean(p[-1]["name"]).lower() for ps in paths.values() for p in ps)
    dev, heldout = [], []
    for fiche in sorted(documents - asked):
        if fiche not in paths:
            continue
        path = paths[fiche][0]
        label = _clean(path[-1]["name"])
        if label.endswith("?"):
            continue
        query = label
        if label_count[label.lower()] > 1:  # the sous-dossier and dossier say which one
            levels = [n for n in reversed(path[:-1]) if n["type"] in ("sous_dossier", "dossier")]
            extra = [
                _clean(n["name"]) for n in levels if _clean(n["name"]).lower() not in label.lower()
            ]
            query = " ".join([label, *extra])
        item = {"question": query, "expected": [fiche]}
        (dev if hashlib.sha256(fiche.encode()).digest()[0] % 2 == 0 else heldout).append(item)
    return dev, heldout


def cut(query: str) -> str | None:
    """The query with its longest word (7 letters or more) cut to its first 60 %."""
    words = query.split()
    longest = max(range(len(words)), key=lambda i: (len(words[i].strip("(),:'")), -i))
    word = words[longest].strip("(),:'")
    if len(word) < 7 or not word.isalpha():
        return None
    words[longest] = words[longest].replace(word, word[: max(5, round(len(word) * 0.6))])
    return " ".join(words)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/service-public")
    dev, heldout = build(folder)
    shortened = [
        {"question": c, "expected": item["expected"]}
        for item in heldout
        if (c := cut(item["question"])) is not None
    ]
    for name, items in (
        ("sp_labels_dev.jsonl", dev),
        ("sp_labels_heldout.jsonl", heldout),
        ("sp_labels_cut_heldout.jsonl", shortened),
    ):
        with (OUT / name).open("w") as fh:
            for item in items:
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{name}: {len(items)} queries")


if __name__ == "__main__":
    main()
