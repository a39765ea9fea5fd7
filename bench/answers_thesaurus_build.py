"""Build ``parvis/answers/data/thesaurus_fr.tsv.gz`` from the French thesaurus of LibreOffice.

Source: ``thes_fr.dat`` (MyThes format), French thesaurus of the LibreOffice dictionaries by
Kevin Hendricks, Frédéric Labbé and Laurent Godard, LGPL-2.1-or-later, as packaged by Debian
(``mythes-fr``, installs ``/usr/share/mythes/thes_fr.dat``; ``apt-get download mythes-fr``
then ``dpkg-deb -x``). A general French thesaurus, not a word list picked for one corpus.

Usage: python bench/answers_thesaurus_build.py /usr/share/mythes/thes_fr.dat

Kept: one line per headword, ``headword<TAB>synonym|synonym|…`` in the thesaurus's own order
(closest meanings first, all senses joined), headword and synonyms accentless and lower-case
(as the engine's ``normalise`` writes them), synonyms of at most three words; headwords of one
word only (what a resident types as one word: "proprio", "bagnole", "boulot").
"""

from __future__ import annotations

import gzip
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "parvis" / "answers" / "data" / "thesaurus_fr.tsv.gz"


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("'", " ").replace("-", " ").split())


def read(path: Path) -> dict[str, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]  # first line: the encoding
    entries: dict[str, list[str]] = {}
    i = 0
    while i < len(lines):
        head, _, count = lines[i].partition("|")
        senses = int(count or 0)
        synonyms = entries.setdefault(fold(head), [])
        for line in lines[i + 1 : i + 1 + senses]:
            for word in line.split("|")[1:]:
                word = fold(word.split("(")[0])
                if word and len(word.split()) <= 3 and word not in synonyms:
                    synonyms.append(word)
        i += 1 + senses
    return {h: s for h, s in entries.items() if h and " " not in h and s}


def main() -> None:
    entries = read(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/mythes/thes_fr.dat"))
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        for head in sorted(entries):
            out.write(f"{head}\t{'|'.join(entries[head][:12])}\n")
    print(f"{len(entries)} headwords → {OUT} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
