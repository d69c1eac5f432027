#!/usr/bin/env python3
"""Page weight of the region pages of a built site (docs/performance.md, budgets in SPEC):
the HTML plus the images a visitor's browser loads, on a desktop (each <img src>) and on a
phone (the phone source of each <picture>, else the <img src>). Lazy images count: a visitor
who scrolls loads them all. Prints the median and the largest page for both, raw and gzipped.

    scripts/page-weight.py OUT_DIR
"""
import gzip
import os
import re
import statistics
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "output"
regions = os.path.join(out, "regions")
PIC = re.compile(r"<picture>(.*?)</picture>", re.S)
SRCSET = re.compile(r'<source[^>]*\ssrcset="([^"]+)"')
SRC = re.compile(r'<img[^>]*\ssrc="([^"]+)"')


def size(path, gz):
    data = open(path, "rb").read()
    return len(gzip.compress(data, 6)) if gz else len(data)


def weight(page, phone, gz):
    html = open(page, encoding="utf-8").read()
    files = []
    for m in PIC.finditer(html):
        s = SRCSET.search(m.group(1)) if phone else None
        files.append(s.group(1) if s else SRC.search(m.group(1)).group(1))
    files += SRC.findall(PIC.sub("", html))
    total = size(page, gz)
    for f in files:
        f = f.replace("&#x2F;", "/")
        total += size(os.path.normpath(os.path.join(regions, f)), gz)
    return total


pages = sorted(
    os.path.join(regions, p) for p in os.listdir(regions) if p.endswith(".html") and p != "index.html"
)
for phone in (False, True):
    for gz in (False, True):
        w = [(weight(p, phone, gz), p) for p in pages]
        med = statistics.median(x for x, _ in w)
        top = max(w)
        print(
            f"{'phone  ' if phone else 'desktop'} {'gzip' if gz else 'raw '}: "
            f"median {med / 1000:.1f} KB, largest {top[0] / 1000:.1f} KB "
            f"({os.path.basename(top[1])}), {len(w)} pages"
        )
