#!/usr/bin/env bash
# Remakes the committed test documents with Debian's tools (pandoc, groff, ghostscript) and Python.
# Run from this folder; the outputs are committed so the tests need none of these tools.
set -euo pipefail
pandoc source.md -o guide.docx
pandoc source.md -o guide.odt
pandoc source.md -o guide.epub
pandoc slides.md -o deck.pptx
python3 make_odp.py deck.odp
# A four-page manual with a running header and footer (man's .TH) and a word hyphenated at a line's end.
groff -man -Tps manual.man 2>/dev/null | ps2pdf - manual.pdf
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOwnerPassword=owner -sUserPassword=reader -sOutputFile=encrypted.pdf manual.pdf
# Drawing only, no text layer: what a scanned page looks like to a text extractor.
printf ".sp 1i\n\\\\D'l 2i 0'\n\\\\D'c 1i'\n" | groff -Tps | ps2pdf - scanned.pdf
