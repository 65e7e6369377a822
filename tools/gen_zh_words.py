#!/usr/bin/env python3
"""Generates src/chinese/words.tsv: word frequencies of modern Chinese.

jieba's dictionary was counted on text from before 2010, and the People's
Daily model (`gen_zh_ngrams.py`) on January 1998; neither knows the words
today's news is made of (巡察, 站位, 执行力, 短板). JioNLP, an
Apache-2.0-licensed PyPI package, ships the word counts of a corpus of
about five billion words of recent web text segmented by its own tagger
(jionlp/dictionary/word_distribution.zip). Only those aggregate counts go
into the table, never text.

Kept: the words of one to four Han characters (U+4E00-U+9FFF), simplified
as JioNLP counts them, the span the split-site repair looks words up in.
Each line is `word<TAB>count`, sorted by word, after a first line that
gives the total count of the kept words, so that the Rust side
(`src/chinese/words.rs`) need not sum them.

Run from the repository root: python3 tools/gen_zh_words.py
It downloads JioNLP with `pip download --no-deps jionlp==1.5.31` into a
temporary directory, or reads the given path to an extracted
word_distribution.json.
"""

import glob
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

OUT = "src/chinese/words.tsv"
VERSION = "1.5.31"
HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{1,4}$")


def distribution():
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            return f.read()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps",
             f"jionlp=={VERSION}", "-d", tmp],
            check=True,
        )
        (wheel,) = glob.glob(os.path.join(tmp, f"jionlp-{VERSION}-*.whl"))
        with zipfile.ZipFile(wheel) as whl:
            inner = whl.read("jionlp/dictionary/word_distribution.zip")
        with zipfile.ZipFile(io.BytesIO(inner)) as z:
            return z.read("word_distribution.json").decode("utf-8")


def main():
    counts = {}
    for line in distribution().splitlines():
        if line.strip():
            word, count = json.loads(line)
            if HAN_WORD.match(word):
                counts[word] = counts.get(word, 0) + int(count)
    with open(OUT, "w", encoding="utf-8", newline="\n") as out:
        out.write(f"{sum(counts.values())}\n")
        for word in sorted(counts):
            out.write(f"{word}\t{counts[word]}\n")
    print(f"{OUT}: {len(counts)} words")


if __name__ == "__main__":
    main()
