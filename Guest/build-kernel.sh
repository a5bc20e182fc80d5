#!/bin/sh
# Builds the Swiftlet guest kernel (Embedded Swift + a little C and assembly).
# Called by the GuestKernelPlugin during `swift build`; runnable by hand:
#   Guest/build-kernel.sh OUTDIR GENERATED.swift [swiftc clang ld.lld]
set -eu
OUT="$1"; GEN="$2"
SWIFTC="${3:-swiftc}"; CLANG="${4:-clang}"; LLD="${5:-ld.lld}"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$OUT" "$(dirname "$GEN")"

# SwiftPM only knows the guest files that existed when it planned the build; touching
# this input makes it run the script on every build (see GuestKernelPlugin.swift).
trap 'touch "$OUT/rerun.stamp"' EXIT

write_generated() {
    line="let builtGuestKernelPath = \"$OUT/kernel.elf\""
    # Rewrite only on change, so the VMM is not recompiled on every build.
    if [ ! -f "$GEN" ] || [ "$(cat "$GEN")" != "$line" ]; then
        echo "$line" > "$GEN.tmp" && mv "$GEN.tmp" "$GEN"
    fi
}

# Runs on every `swift build` (a prebuild command): rebuild only if a guest source is
# newer than the kernel, or the kernel is missing.
# The reference time is when the last successful build *started* (kernel.sources): a file
# edited while a build was running is newer than that and triggers the next build, even
# though the kernel it did not go into was written after the edit.
if [ -f "$OUT/kernel.elf" ] && [ -f "$OUT/kernel.sources" ] && [ -z "$(find "$HERE" -type f -newer "$OUT/kernel.sources" ! -path '*/BuildPlugin/*' | head -n 1)" ]; then
    write_generated
    exit 0
fi
touch "$OUT/kernel.sources.tmp"

TARGET=x86_64-unknown-none-elf
# Kernel code never touches SSE/x87: on PVM hosts anything before the native switch,
# and everything on the emulated ring-0 path, runs in KVM's emulator, which has neither.
CFLAGS="--target=$TARGET -ffreestanding -nostdlibinc -fno-builtin -mno-red-zone -mno-sse -mno-mmx -fno-stack-protector -fPIE -O2 -ffunction-sections -fdata-sections -Wall"

"$CLANG" $CFLAGS -I"$HERE/Platform" -c "$HERE/Platform/rt.c" -o "$OUT/rt.o"

# The vDSO: a tiny shared object the kernel copies into every process (AT_SYSINFO_EHDR).
"$CLANG" --target=x86_64-unknown-linux-gnu -fPIC -O2 -mno-sse -mno-red-zone -fno-stack-protector \
    -nostdlib -shared -fuse-ld=lld -Wl,-T,"$HERE/VDSO/vdso.lds" -Wl,--version-script="$HERE/VDSO/vdso.map" \
    -Wl,-soname=linux-vdso.so.1 -Wl,--hash-style=both -Wl,-z,max-page-size=4096 \
    "$HERE/VDSO/vdso.c" -o "$OUT/vdso.so"
"$CLANG" --target=$TARGET -fPIE -DVDSO_PATH="\"$OUT/vdso.so\"" -c "$HERE/VDSO/vdso_blob.S" -o "$OUT/vdso_blob.o"
"$CLANG" --target=$TARGET -fPIE -c "$HERE/Platform/entry.S" -o "$OUT/entry.o"

SOURCES=$(find "$HERE/ABI" "$HERE/Kernel" "$HERE/Platform" -name '*.swift' | sort)
"$SWIFTC" -target $TARGET -enable-experimental-feature Embedded -wmo -parse-as-library -Osize \
    -D SWIFTLET_GUEST \
    -I "$HERE/Platform" -Xcc -mno-red-zone -Xcc -mno-sse -Xcc -mno-mmx \
    -Xfrontend -disable-stack-protector -Xfrontend -function-sections \
    -module-name Kernel -c $SOURCES -o "$OUT/kernel.o"

UNICODE="$(dirname "$SWIFTC")/../lib/swift/embedded/$TARGET/libswiftUnicodeDataTables.a"
EXTRA=""
[ -f "$UNICODE" ] && EXTRA="$UNICODE"
"$LLD" -m elf_x86_64 -nostdlib -static --gc-sections -z max-page-size=4096 -z norelro \
    -T "$HERE/kernel.ld" -o "$OUT/kernel.elf.tmp" "$OUT/entry.o" "$OUT/kernel.o" "$OUT/rt.o" "$OUT/vdso_blob.o" $EXTRA
mv "$OUT/kernel.elf.tmp" "$OUT/kernel.elf"
mv "$OUT/kernel.sources.tmp" "$OUT/kernel.sources"
write_generated
