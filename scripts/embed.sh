#!/bin/sh
# embed.sh — turn a text file into a C array, so the default configuration
# is compiled into the binary: embed.sh FILE SYMBOL > OUT.c
set -eu
file=$1
sym=$2
printf '/* Generated from %s by scripts/embed.sh; do not edit. */\n' "$file"
printf '#include <stddef.h>\n\nconst char %s[] = {\n' "$sym"
od -An -v -tx1 "$file" | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1, /g' -e 's/^/\t/' -e 's/, $/,/'
printf '\t0x00\n};\nconst size_t %s_len = sizeof(%s) - 1;\n' "$sym" "$sym"
