"""Build ``parvis/answers/data/words_fr.txt.gz``: the French word forms spelling leaves alone.

Usage: python bench/answers_wordlist_build.py /usr/share/dict/french

The input is Debian's ``wfrench`` word list (one inflected form a line, GPL-2-or-later, see
``parvis/answers/data/README.md``). Each form is normalised the way questions are
(``parvis.answers.text.normalise``: accentless lower case; forms with an apostrophe or a
hyphen become several words and are skipped), one a line, sorted, gzipped. Nothing is added or
picked by hand.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parvis.answers.text import normalise  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "parvis" / "answers" / "data" / "words_fr.txt.gz"


def main() -> None:
    forms: set[str] = set()
    with open(sys.argv[1], encoding="utf-8") as handle:
        for line in handle:
            word = normalise(line.strip())
            if word and " " not in word and word.isalpha():
                forms.add(word)
    data = "".join(f"{w}\n" for w in sorted(forms)).encode()
    # mtime 0: the same input gives the same bytes
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        out.write(data)
    print(f"{len(forms)} forms -> {OUT}")


if __name__ == "__main__":
    main()
