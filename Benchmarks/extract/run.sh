#!/usr/bin/env bash
# PDF text extraction on one thread: Kura's loader (Poppler through its C++ API) against pdftotext (poppler-utils)
# and pypdf (LlamaIndex's default PDF reader), on man pages printed to PDF with groff and ghostscript, back to back
# in one run: writes $RESULTS/extract-pdf.{jsonl,md}. pypdf installs into Benchmarks/.venv-extract.
set -euo pipefail
cd "$(dirname "$0")/../.."
results=${RESULTS:-Benchmarks/results}
work=${WORK:-.build/bench-extract}
runs=${RUNS:-5}
venv=Benchmarks/.venv-extract
for tool in groff ps2pdf pdftotext pdfinfo; do command -v $tool >/dev/null || { echo "needs $tool (apt-get install groff ghostscript poppler-utils)" >&2; exit 1; }; done
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pypdf' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check pypdf==7.1.1
fi
mkdir -p "$work" "$results"
pdf=$work/manpages.pdf
if [ ! -s "$pdf" ]; then
  # Well-known section 1 pages in one document: about 400 pages of prose, option lists and examples.
  pages=()
  for p in bash find grep sed tar ls cp ssh curl git make gawk ps systemctl journalctl; do f=$(man -w "$p" 2>/dev/null) && pages+=("$f"); done
  for f in "${pages[@]}"; do case $f in *.gz) zcat "$f" ;; *) cat "$f" ;; esac; done | groff -man -Tps 2>/dev/null | ps2pdf - "$pdf"
fi
npages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
cpu="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(nproc) vCPU"
out=$results/extract-pdf.jsonl
.build/release/kura bench extract "$pdf" --runs "$runs" --output "$work/kura" --json | tee "$out"
"$venv/bin/python" Benchmarks/extract/peers.py "$pdf" "$npages" "$runs" "$work" | tee -a "$out"
python3 - "$out" "$cpu" "$npages" >"$results/extract-pdf.md" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
rows = [r for r in lines if "engine" in r]
rows[0]["overlap_with_pdftotext"] = next(r["kura_overlap_with_pdftotext"] for r in lines if "kura_overlap_with_pdftotext" in r)
print(f"# PDF text extraction, one thread\n\n{sys.argv[3]} pages of man pages (bash, find, grep, sed, tar, ls, cp, ssh, curl, git, make, gawk, ps, systemctl, journalctl) printed to one PDF")
print(f"with groff and ps2pdf; each engine extracts the whole file {rows[0]['runs']} times from memory (pdftotext: one process a run).")
print(f"Command: `make bench-extract`. CPU: {sys.argv[2]}.\n")
kura = rows[0]["pages_per_s_median"]
print("| engine | pages/s median (worst-best) | Kura ÷ engine | word overlap with pdftotext |")
print("|---|---|---|---|")
for r in rows:
    print(f"| {r['engine']} | {r['pages_per_s_median']:.0f} ({r['pages_per_s_worst']:.0f}-{r['pages_per_s_best']:.0f}) | {kura / r['pages_per_s_median']:.2f} | {r.get('overlap_with_pdftotext', '-')} |")
PY
cat "$results/extract-pdf.md"
