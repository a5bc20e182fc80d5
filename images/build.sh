#!/usr/bin/env bash
# Builds the test programs in images/ into images/out/ (git-ignored).
#
#   images/build.sh           build what is missing or older than its sources
#   images/build.sh --force   rebuild everything
#
# Needs gcc and musl-tools (musl-gcc). Every program is statically linked:
# the skeleton guest cannot run dynamically linked ones yet.
#
# Variants:
#   *-musl        musl-gcc -static
#   *-glibc       gcc -static
#   *-musl-pie    static-PIE against musl. Debian 12's musl-gcc cannot do this:
#                 its specs file always passes -dynamic-linker and Scrt1.o, so
#                 `musl-gcc -static-pie` yields a PIE with PT_INTERP
#                 /lib/ld-musl-x86_64.so.1 (a dynamic program). We link it by
#                 hand with musl's rcrt1.o instead (see link_musl_pie).
#   *-glibc-pie   gcc -static-pie
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out"
force=0
[[ "${1:-}" == "--force" ]] && force=1

for tool in gcc musl-gcc; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "images/build.sh: $tool not found (install gcc and musl-tools, or run .ci/setup)" >&2
        exit 1
    fi
done

mkdir -p "$out"
CFLAGS=(-O2 -Wall -Wextra -g0)
MUSL=/usr/lib/x86_64-linux-musl
built=0

# needs_build OUTPUT SOURCES...: true when OUTPUT is missing or older than a
# source or this script.
needs_build() {
    local target="$1"
    shift
    [[ $force == 1 || ! -e "$target" ]] && return 0
    local src
    for src in "$@" "$here/build.sh"; do
        [[ "$src" -nt "$target" ]] && return 0
    done
    return 1
}

link_musl_pie() { # OUTPUT SOURCES...
    local target="$1"
    shift
    gcc -static-pie -fPIE "${CFLAGS[@]}" \
        -nostdinc -isystem /usr/include/x86_64-linux-musl -isystem "$(gcc -print-file-name=include)" \
        -nostdlib "$MUSL/rcrt1.o" "$MUSL/crti.o" "$(gcc -print-file-name=crtbeginS.o)" \
        "$@" -L"$MUSL" -lc "$(gcc -print-libgcc-file-name)" \
        "$(gcc -print-file-name=crtendS.o)" "$MUSL/crtn.o" -o "$target"
}

# build NAME VARIANT SOURCES...
build() {
    local name="$1" variant="$2"
    shift 2
    local target="$out/$name"
    needs_build "$target" "$@" || return 0
    local tmp="$target.tmp.$$"
    case "$variant" in
        musl) musl-gcc -static "${CFLAGS[@]}" "$@" -o "$tmp" ;;
        glibc) gcc -static "${CFLAGS[@]}" "$@" -o "$tmp" ;;
        musl-pie) link_musl_pie "$tmp" "$@" ;;
        glibc-pie) gcc -static-pie -fPIE "${CFLAGS[@]}" "$@" -o "$tmp" ;;
        *) echo "images/build.sh: unknown variant $variant" >&2; exit 1 ;;
    esac
    # A static program must have no program interpreter.
    if LC_ALL=C readelf -lW "$tmp" | grep -q 'INTERP'; then
        echo "images/build.sh: $name ($variant) came out dynamically linked" >&2
        rm -f "$tmp"
        exit 1
    fi
    mv -f "$tmp" "$target"
    echo "built images/out/$name ($variant)"
    built=$((built + 1))
}

cd "$here"
for variant in musl glibc musl-pie glibc-pie; do
    build "hello-$variant" "$variant" hello.c
    build "showargs-$variant" "$variant" showargs.c
done
for variant in musl glibc; do
    build "fpu-$variant" "$variant" fpu.c
    build "syscalls-$variant" "$variant" syscalls/*.c
    build "process-$variant" "$variant" process.c
    build "misc-$variant" "$variant" misc.c
    build "vdso-$variant" "$variant" vdso.c
    build "unixsock-$variant" "$variant" unixsock.c   # AF_UNIX sockets (Guest/Kernel/Net)
    build "sockpoll-$variant" "$variant" sockpoll.c   # poll/epoll readiness of sockets
    build "poll-$variant" "$variant" poll.c    # poll area: readiness and event fds
    build "timers-$variant" "$variant" timers.c          # area: timers
    build "procmaps-$variant" "$variant" procmaps.c      # area: timers
    build "threads-$variant" "$variant" threads.c -pthread  # area: timers
    build "cow-$variant" "$variant" cow.c                # area: timers
    # area: bench/stress (issue #5 stress tests)
    build "stress-threads-$variant" "$variant" stress-threads.c -pthread
    build "stress-pipe-$variant" "$variant" stress-pipe.c
    build "jobctl-$variant" "$variant" jobctl.c -pthread   # area: jobctl
    build "limits-$variant" "$variant" limits.c          # area: limits
    build "shm-$variant" "$variant" shm.c                # area: shm
    build "oom-$variant" "$variant" oom.c                # area: shm
    build "stopwake-$variant" "$variant" stopwake.c -pthread   # area: jobctl2
    build "hostile-$variant" "$variant" hostile.c        # area: audit
    build "hrsleep-$variant" "$variant" hrsleep.c -pthread   # area: hrtimer
    build "proctask-$variant" "$variant" proctask.c -pthread   # area: proctask
done
build nullderef musl nullderef.c
build ud2 musl ud2.c
build divzero musl divzero.c
build twostreams musl twostreams.c
build spin musl spin.c
build spinfor musl spinfor.c
build vdtool musl vdtool.c
build diskyield musl diskyield.c -pthread   # area: diskyield
build pvmreturn musl pvmreturn.c   # area: PVM fast return probe (experiment)

# area: go. A static Go program (Debian's golang-go; no cgo, no modules, offline), its
# build cache inside images/out so nothing lands in $HOME.
build_go() { # NAME DIR
    local name="$1" dir="$here/$2" target="$out/$1"
    needs_build "$target" "$dir"/*.go || return 0
    if ! command -v go >/dev/null 2>&1; then
        echo "images/build.sh: go not found (install golang-go): skipping $name" >&2
        return 0
    fi
    local tmp="$target.tmp.$$"
    (cd "$dir" && GO111MODULE=off GOFLAGS= GOPROXY=off GOCACHE="$out/go-cache" GOPATH="$out/go-path" \
        CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o "$tmp" .)
    if LC_ALL=C readelf -lW "$tmp" | grep -q 'INTERP'; then
        echo "images/build.sh: $name (go) came out dynamically linked" >&2
        rm -f "$tmp"
        exit 1
    fi
    mv -f "$tmp" "$target"
    echo "built images/out/$name (go)"
    built=$((built + 1))
}
build_go gotest go/gotest

if [[ $built == 0 ]]; then
    echo "images/out is up to date"
fi
