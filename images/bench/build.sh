#!/usr/bin/env bash
# Builds the `swiftlet bench` workloads into images/bench/out/ (git-ignored):
#   tiny      exits 0 at once             (bench boot)
#   sleeper   nanosleeps argv[1] ms       (bench density)
#   syscalls  RDTSC syscall latencies     (bench syscall)
#   hello     writes one line, exits 0    (bench syscall: execve_hello)
# All static musl (musl-gcc -static): the same file runs on the host, in a Swiftlet
# guest and as the init of a QEMU initramfs. Rebuilds only what is out of date.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out"
if ! command -v musl-gcc >/dev/null 2>&1; then
    echo "images/bench/build.sh: musl-gcc not found (apt-get install musl-tools)" >&2
    exit 1
fi
mkdir -p "$out"
for name in tiny sleeper syscalls hello; do
    src="$here/$name.c"
    if [[ ! -e "$out/$name" || "$src" -nt "$out/$name" || "$here/build.sh" -nt "$out/$name" ]]; then
        musl-gcc -static -O2 -Wall -Wextra -g0 "$src" -o "$out/$name.tmp.$$"
        mv -f "$out/$name.tmp.$$" "$out/$name"
        echo "built images/bench/out/$name" >&2
    fi
done
