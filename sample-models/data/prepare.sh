#!/usr/bin/env bash
# Fetches the King James Bible (public domain, 1611) from Debian's package registry and writes it
# as plain UTF-8 (pure ASCII) text, one verse per line, to sample-models/data/kjv.txt — the
# English corpus of the sample models and of `taipan eval --text` — and the same verses with their
# chapter:verse numbers kept ("1:2 And the earth was ...") to kjv-verses.txt beside it: the
# training text of the round-3 recipe, in which digits are predictable (see ../README.md).
#
#   sample-models/data/prepare.sh [OUT]        (default OUT: kjv.txt beside this script;
#                                               the second file: OUT with .txt -> -verses.txt)
#
# Needs: apt-get (Debian/Ubuntu with package lists; no root: `apt-get download` only fetches),
# dpkg-deb, sha256sum, and libreadline8 (the `bible` reader is a dynamically linked program).
# Nothing is installed: both packages are unpacked into a temp folder.
#
# Why two packages: bible-kjv-text holds the text in the compressed format of the Bible Retrieval
# System (bible.data); bible-kjv holds its reader, `bible`, which dumps Gen 1:1 .. Rev 22:21.
# `-f` prints one verse per line preceded by its reference ("Ge1:1 In the beginning ..."); the
# reference is removed so the corpus is plain prose.
#
# Pinned to version 4.38 (Debian 12 "bookworm"); the .deb and output checksums are checked, so a
# run either reproduces the exact file or fails saying why.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/kjv.txt}"
version=4.38
text_sha=d61b6aad4c51ba9e2800b825325fa6a09e99a0d02a9bb6dc4724fcc4995a1b7a   # bible-kjv-text_4.38_all.deb
out_sha=b5c4940bcfeee072c0935b5200d0f9d88a00a0199cb0961d16133458fcdfae5d     # kjv.txt
verses_sha=80e1e1d221c01f893a6883f1ba679127660cad3834898436c78551ffbd2f432c  # kjv-verses.txt

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
if ! apt-get download "bible-kjv-text=$version" "bible-kjv=$version" >apt.log 2>&1; then
  cat apt.log >&2
  echo "prepare.sh: apt-get download failed (run 'apt-get update' first, or use a Debian 12 machine)" >&2
  exit 1
fi
got="$(sha256sum bible-kjv-text_${version}_all.deb | cut -d' ' -f1)"
if [ "$got" != "$text_sha" ]; then
  echo "prepare.sh: bible-kjv-text_${version}_all.deb has sha256 $got, expected $text_sha" >&2
  exit 1
fi
dpkg-deb -x bible-kjv-text_${version}_all.deb x
dpkg-deb -x bible-kjv_${version}_*.deb x   # the reader is built per architecture
# -p: where bible.data is; the range dumps the whole book; sed drops the "Ge1:1 " reference
x/usr/bin/bible -f -p "$tmp/x/usr/lib" Gen1:1-Rev22:21 > ref.txt
sed -E 's/^[^ ]+ //' ref.txt > kjv.txt
# kjv-verses.txt: only the book's abbreviation goes ("Ge1:1 " -> "1:1 ", "1Co13:4 " -> "13:4 ")
sed -E 's/^[0-9]?[A-Za-z]+([0-9]+:[0-9]+) /\1 /' ref.txt > kjv-verses.txt
lines="$(wc -l < kjv.txt)"
if [ "$lines" -ne 31102 ]; then
  echo "prepare.sh: expected 31102 verses, got $lines" >&2
  exit 1
fi
sha="$(sha256sum kjv.txt | cut -d' ' -f1)"
if [ "$sha" != "$out_sha" ]; then
  echo "prepare.sh: kjv.txt has sha256 $sha, expected $out_sha (different bible-kjv build?)" >&2
  exit 1
fi
vsha="$(sha256sum kjv-verses.txt | cut -d' ' -f1)"
if [ "$vsha" != "$verses_sha" ]; then
  echo "prepare.sh: kjv-verses.txt has sha256 $vsha, expected $verses_sha" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
vout="${out%.txt}-verses.txt"
mv kjv.txt "$out.tmp" && mv "$out.tmp" "$out"
mv kjv-verses.txt "$vout.tmp" && mv "$vout.tmp" "$vout"
echo "wrote $out ($(wc -c < "$out") bytes, $lines verses, sha256 $sha)"
echo "wrote $vout ($(wc -c < "$vout") bytes, sha256 $vsha)"
