/* Syscall latency probe for `swiftlet bench syscall`. The same static binary runs on
 * the host, in a Swiftlet guest and in a QEMU Linux guest, so differences come from
 * the kernel underneath, not from the program.
 *
 * Timing: RDTSC around a batch of calls, the TSC rate calibrated against
 * CLOCK_MONOTONIC at start (the host turns cycles into ns; no floating point here).
 * Usage: syscalls [ROUNDS [HELLO]]   (default 5 rounds per call, each about 2 ms, or
 * about 20 ms for the process operations: fork, execve, threads, two-process pipes)
 * HELLO is the static hello world that execve_hello runs (images/bench/hello); without
 * it that row reports "unsupported execve_hello 2" (ENOENT).
 * As /init (QEMU initramfs) it mounts devtmpfs on /dev first and powers off at the end.
 * Output, one record a line:
 *   tsc_hz HZ
 *   vdso 0|1                      AT_SYSINFO_EHDR present (libc clock_gettime uses it)
 *   round NAME ITERATIONS CYCLES  one timed batch
 *   unsupported NAME ERRNO        the first call failed (ENOSYS = not implemented)
 *   done
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
/* musl-gcc does not see linux/futex.h; the two constants are stable ABI. */
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int fd_null = -1, fd_zero = -1, pipefd[2] = {-1, -1};
static int futex_word;
static char byte;

/* One call each; returns 0 or an errno. */
static int t_getpid(void) { return syscall(SYS_getpid) < 0 ? errno : 0; }
static int t_getppid(void) { return syscall(SYS_getppid) < 0 ? errno : 0; }
static int t_clock_libc(void) { struct timespec ts; return clock_gettime(CLOCK_MONOTONIC, &ts) ? errno : 0; }
static int t_clock_raw(void) { struct timespec ts; return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) ? errno : 0; }
static int t_read_null(void) { return read(fd_null, &byte, 1) < 0 ? errno : 0; }
static int t_write_null(void) { return write(fd_null, &byte, 1) != 1 ? (errno ? errno : EIO) : 0; }
static int t_read_zero(void) { return read(fd_zero, &byte, 1) != 1 ? (errno ? errno : EIO) : 0; }
static int t_write_zero(void) { return write(fd_zero, &byte, 1) != 1 ? (errno ? errno : EIO) : 0; }
static int t_open_close(void) {
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    close(fd);
    return 0;
}
static int t_stat(void) { struct stat st; return stat("/dev/null", &st) ? errno : 0; }
static int t_mmap(void) {
    void *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return errno;
    return munmap(p, 4096) ? errno : 0;
}
static int t_yield(void) { return sched_yield() ? errno : 0; }
static int t_futex(void) {
    return syscall(SYS_futex, &futex_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0) < 0 ? errno : 0;
}
/* Write one byte into a pipe and read it back (one process: the guest has no fork). */
static int t_pipe(void) {
    if (write(pipefd[1], &byte, 1) != 1) return errno ? errno : EIO;
    return read(pipefd[0], &byte, 1) != 1 ? (errno ? errno : EIO) : 0;
}

/* First touch of a fresh anonymous page: a demand page fault, end to end. A 32 MiB
 * window is recycled with MADV_DONTNEED (one call per 8192 faults). */
#define PF_PAGES 8192
static char *pf_base;
static long pf_next;
static int t_pagefault(void) {
    if (!pf_base) {
        pf_base = mmap(0, (size_t)PF_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (pf_base == MAP_FAILED) { pf_base = 0; return errno; }
    }
    if (pf_next == PF_PAGES) {
        if (madvise(pf_base, (size_t)PF_PAGES * 4096, MADV_DONTNEED)) return errno;
        pf_next = 0;
    }
    ((volatile char *)pf_base)[pf_next++ * 4096] = 1;
    return 0;
}

static void pf_release(void) {
    if (pf_base) munmap(pf_base, (size_t)PF_PAGES * 4096);
    pf_base = 0;
    pf_next = 0;
}

/* ---- Process operations (issue #5 "Measure"). Each returns 0 or an errno. ---- */

/* A one-byte round trip between two processes: the parent writes into `ping`, the
 * child echoes it back through `pong`; two context switches and four pipe calls. */
static int ping[2] = {-1, -1}, pong[2] = {-1, -1};
static pid_t echo_child = -1;
static int pp_setup(void) {
    if (pipe(ping) || pipe(pong)) return errno;
    echo_child = fork();
    if (echo_child < 0) return errno;
    if (echo_child == 0) {
        close(ping[1]);
        close(pong[0]);
        char c;
        while (read(ping[0], &c, 1) == 1)
            if (write(pong[1], &c, 1) != 1) _exit(1);
        _exit(0);
    }
    close(ping[0]);
    close(pong[1]);
    return 0;
}
static int t_pingpong(void) {
    if (write(ping[1], &byte, 1) != 1) return errno ? errno : EIO;
    return read(pong[0], &byte, 1) != 1 ? (errno ? errno : EIO) : 0;
}
static void pp_teardown(void) {
    close(ping[1]); /* the child sees EOF and exits */
    if (echo_child > 0) waitpid(echo_child, 0, 0);
    close(pong[0]);
    echo_child = -1;
}

static void *thread_body(void *arg) { return arg; }
static int t_thread(void) {
    pthread_t t;
    int e = pthread_create(&t, 0, thread_body, &byte);
    if (e) return e;
    void *ret = 0;
    if ((e = pthread_join(t, &ret))) return e;
    return ret == &byte ? 0 : EIO;
}

/* Waits for `pid` and maps its status: 0 for exit 0, ENOENT for 127 (exec failed). */
static int reap(pid_t pid) {
    int st;
    if (waitpid(pid, &st, 0) != pid) return errno;
    if (!WIFEXITED(st)) return EIO;
    return WEXITSTATUS(st) == 0 ? 0 : WEXITSTATUS(st) == 127 ? ENOENT : EIO;
}
static int t_fork(void) {
    pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) _exit(0);
    return reap(pid);
}

static const char *hello_path;
static int t_execve(void) {
    if (!hello_path) return ENOENT;
    pid_t pid = fork();
    if (pid < 0) return errno;
    if (pid == 0) {
        char *argv[] = {(char *)hello_path, 0}, *envp[] = {0};
        dup2(fd_null, 1);
        execve(hello_path, argv, envp);
        _exit(127);
    }
    return reap(pid);
}

/* Map 1 MiB, write one byte in each of its 256 pages (256 demand faults), unmap. */
static int t_mmap_touch(void) {
    char *p = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return errno;
    for (int i = 0; i < 256; i++) ((volatile char *)p)[i * 4096] = 1;
    return munmap(p, 1 << 20) ? errno : 0;
}

/* setup (optional) runs before the first call and returns 0 or an errno; teardown
 * (optional) after the last round. `slow` rounds last ~20 ms instead of ~2 ms. */
struct test { const char *name; int (*fn)(void); int (*setup)(void); void (*teardown)(void); int slow; };
static const struct test tests[] = {
    {"getpid", t_getpid, 0, 0, 0},
    {"getppid", t_getppid, 0, 0, 0},
    {"clock_gettime", t_clock_libc, 0, 0, 0},
    {"clock_gettime_syscall", t_clock_raw, 0, 0, 0},
    {"read_devnull", t_read_null, 0, 0, 0},
    {"write_devnull", t_write_null, 0, 0, 0},
    {"read_devzero", t_read_zero, 0, 0, 0},
    {"write_devzero", t_write_zero, 0, 0, 0},
    {"open_close", t_open_close, 0, 0, 0},
    {"stat", t_stat, 0, 0, 0},
    {"mmap_munmap", t_mmap, 0, 0, 0},
    {"sched_yield", t_yield, 0, 0, 0},
    {"futex_wake", t_futex, 0, 0, 0},
    {"pipe_roundtrip", t_pipe, 0, 0, 0},
    /* Unmapped afterwards: 32 MiB of touched pages would make every later fork dearer. */
    {"page_fault", t_pagefault, 0, pf_release, 0},
    {"pipe_pingpong", t_pingpong, pp_setup, pp_teardown, 1},
    {"thread_create_join", t_thread, 0, 0, 1},
    {"fork_exit_wait", t_fork, 0, 0, 1},
    {"execve_hello", t_execve, 0, 0, 1},
    {"mmap_touch_munmap_1m", t_mmap_touch, 0, 0, 1},
};

int main(int argc, char **argv) {
    /* As the /init of a QEMU initramfs: give ourselves /dev, and power off at the end. */
    int as_init = argc > 0 && strcmp(argv[0], "/init") == 0;
    if (as_init) {
        mkdir("/dev", 0755);
        mount("devtmpfs", "/dev", "devtmpfs", 0, 0);
    }
    long rounds = argc > 1 ? strtol(argv[1], 0, 10) : 5;
    if (rounds < 1) rounds = 1;
    if (rounds > 10000) rounds = 10000;
    if (argc > 2 && argv[2][0]) hello_path = argv[2];
    setvbuf(stdout, 0, _IOLBF, 0);

    /* Calibrate: TSC ticks across >= 20 ms of CLOCK_MONOTONIC. */
    uint64_t t0 = mono_ns(), c0 = rdtsc(), t1, c1;
    do { t1 = mono_ns(); c1 = rdtsc(); } while (t1 - t0 < 20000000u);
    uint64_t hz = (uint64_t)((unsigned __int128)(c1 - c0) * 1000000000u / (t1 - t0));
    printf("tsc_hz %llu\n", (unsigned long long)hz);
    printf("vdso %d\n", getauxval(AT_SYSINFO_EHDR) != 0);

    fd_null = open("/dev/null", O_RDWR);
    fd_zero = open("/dev/zero", O_RDWR);
    int pipe_err = pipe(pipefd) ? errno : 0;

    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        const struct test *t = &tests[i];
        uint64_t target = t->slow ? hz / 50 : hz / 500; /* ~20 ms or ~2 ms of cycles per round */
        uint64_t min_iters = t->slow ? 4 : 16;
        errno = 0;
        int err = (t->fn == t_pipe && pipe_err) ? pipe_err : t->setup ? t->setup() : 0;
        if (!err) err = t->fn();
        if (err) {
            printf("unsupported %s %d\n", t->name, err);
            if (t->teardown) t->teardown();
            continue;
        }
        /* Size the batch from at least 16 calls and a tenth of a round (less noisy for
         * the slow operations than 16 calls alone), then time each round. */
        uint64_t a = rdtsc(), n = 0, el;
        do { t->fn(); n++; el = rdtsc() - a; } while ((n < 16 || el < target / 10) && el < target);
        uint64_t per = el / n + 1;
        uint64_t iters = target / per;
        if (iters < min_iters) iters = min_iters;
        if (iters > 1000000) iters = 1000000;
        for (long r = 0; r < rounds; r++) {
            uint64_t s = rdtsc();
            for (uint64_t k = 0; k < iters; k++) t->fn();
            uint64_t e = rdtsc();
            printf("round %s %llu %llu\n", t->name, (unsigned long long)iters, (unsigned long long)(e - s));
        }
        if (t->teardown) t->teardown();
    }
    printf("done\n");
    if (as_init) { fflush(stdout); reboot(RB_POWER_OFF); }
    return 0;
}
