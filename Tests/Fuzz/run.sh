#!/bin/sh
# Builds the virtio libFuzzer target and runs it for at most SECONDS (default 60).
#   Tests/Fuzz/run.sh [SECONDS]
# The committed seeds in Tests/Fuzz/corpus are read, never written; new inputs go to
# .build/fuzz/corpus. A crash leaves .build/fuzz/crash-* and exits non-zero: turn it
# into a unit test in Tests/VirtioTests (FuzzRegressionTests).
set -eu
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/.build/fuzz
mkdir -p "$out/corpus"
cd "$root"
flags="-sanitize=fuzzer,address -parse-as-library -wmo -O -g -I $out"
build() {
    name=$1; shift
    swiftc $flags -module-name "$name" -emit-module -emit-module-path "$out/$name.swiftmodule" -c "$@" -o "$out/$name.o"
}
build GuestMemory VMM/GuestMemory/*.swift
build GuestABI Guest/ABI/*.swift
build Virtio Devices/Virtio/*.swift
build Block Devices/Block/*.swift
build Console Devices/Console/*.swift
build VirtioTesting Devices/Testing/*.swift
swiftc $flags -module-name FuzzVirtio Tests/Fuzz/FuzzVirtio.swift \
    "$out/GuestMemory.o" "$out/GuestABI.o" "$out/Virtio.o" "$out/Block.o" "$out/Console.o" "$out/VirtioTesting.o" \
    -o "$out/fuzz-virtio"
exec "$out/fuzz-virtio" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -artifact_prefix="$out/" -print_final_stats=1 "$out/corpus" "$root/Tests/Fuzz/corpus"
