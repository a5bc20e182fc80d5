#!/bin/sh
# Placeholder; replaced by the real guest build.
set -e
OUT="$1"; GEN="$2"
mkdir -p "$OUT"
echo "let builtGuestKernelPath = \"$OUT/kernel.elf\"" > "$GEN"
