"""pdftotext and pypdf on the benchmark PDF, timed like `kura bench extract`; prints one JSON line each, with the
word overlap (multiset Jaccard of whitespace-separated words) of each engine's text, Kura's included, against
pdftotext's."""
import collections
import json
import subprocess
import sys
import time

import pypdf

pdf, pages, runs, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def words(text):
    return collections.Counter(text.split())


def overlap(a, b):
    union = sum((a | b).values())
    return round(sum((a & b).values()) / union, 4) if union else 1.0


def timed(extract):
    seconds, text = [], ""
    for _ in range(runs):
        start = time.perf_counter()
        text = extract()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return seconds, text


def row(engine, seconds, text, reference):
    return {
        "engine": engine, "pages": pages, "runs": runs, "seconds_median": seconds[len(seconds) // 2], "seconds_best": seconds[0],
        "pages_per_s_median": pages / seconds[len(seconds) // 2], "pages_per_s_best": pages / seconds[0], "pages_per_s_worst": pages / seconds[-1],
        "overlap_with_pdftotext": overlap(words(text), reference),
    }


def pdftotext():
    return subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True, capture_output=True).stdout.decode()


data = open(pdf, "rb").read()


def with_pypdf():
    import io
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


seconds, reference_text = timed(pdftotext)
reference = words(reference_text)
kura_text = open(f"{work}/kura/{pdf.rsplit('/', 1)[-1]}.txt").read()
print(json.dumps(row("pdftotext (poppler-utils 22.12)", seconds, reference_text, reference)))
seconds, text = timed(with_pypdf)
print(json.dumps(row(f"pypdf {pypdf.__version__}", seconds, text, reference)))
print(json.dumps({"kura_overlap_with_pdftotext": overlap(words(kura_text), reference)}))
