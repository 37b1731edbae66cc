#!/usr/bin/env bash
# Render a .docx to PDF (LibreOffice) and to PNG pages (pdftoppm) so a person can look at it.
# Usage: scripts/render_pages.sh DOCX OUTDIR [DPI]
# Needs: apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils \
#        fonts-crosextra-carlito fonts-crosextra-caladea
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 DOCX OUTDIR [DPI]" >&2
    exit 2
fi
docx=$1
outdir=$2
dpi=${3:-60}
[[ -f $docx ]] || { echo "error: no such file: $docx" >&2; exit 2; }
command -v soffice >/dev/null || { echo "error: soffice not found (install libreoffice-writer-nogui)" >&2; exit 2; }
command -v pdftoppm >/dev/null || { echo "error: pdftoppm not found (install poppler-utils)" >&2; exit 2; }

mkdir -p "$outdir"
# A private LibreOffice profile: no clash with a running office or another conversion.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

soffice --headless --norestore "-env:UserInstallation=file://$profile" \
    --convert-to pdf --outdir "$outdir" "$docx" >/dev/null
pdf="$outdir/$(basename "${docx%.*}").pdf"
[[ -f $pdf ]] || { echo "error: LibreOffice produced no PDF for $docx" >&2; exit 1; }

rm -f "$outdir"/page-*.png
pdftoppm -png -r "$dpi" "$pdf" "$outdir/page"
echo "$pdf"
ls "$outdir"/page-*.png
