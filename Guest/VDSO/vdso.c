/* The Swiftlet vDSO: clock_gettime, gettimeofday, time and getcpu without a syscall.
 * Programs find it through AT_SYSINFO_EHDR (musl and glibc both look). Time comes from
 * the TSC, scaled with the parameters the kernel writes into the data page (`vvar`)
 * when it copies this image into a process. Built with Guest/build-kernel.sh. */
#include <stdint.h>

struct vvar {
    uint64_t tsc_khz;        /* TSC frequency */
    uint64_t tsc_base;       /* TSC at boot (monotonic 0) */
    uint64_t realtime_base;  /* CLOCK_REALTIME at boot, ns */
};
extern const volatile struct vvar vvar_page __attribute__((visibility("hidden")));

struct kernel_timespec { int64_t tv_sec; int64_t tv_nsec; };
struct kernel_timeval { int64_t tv_sec; int64_t tv_usec; };

static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }

static inline long sys2(long n, long a, long b) {
    long r; __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory"); return r;
}

static uint64_t monotonic_ns(void) {
    uint64_t khz = vvar_page.tsc_khz, d = rdtsc() - vvar_page.tsc_base;
    return (d / khz) * 1000000u + (d % khz) * 1000000u / khz;   /* no overflow, no 128-bit divide */
}

int __vdso_clock_gettime(int clock, struct kernel_timespec *ts) {
    uint64_t ns;
    switch (clock) {
    case 0: case 5: ns = vvar_page.realtime_base + monotonic_ns(); break;   /* REALTIME(_COARSE) */
    case 1: case 4: case 6: case 7: ns = monotonic_ns(); break;             /* MONOTONIC, RAW, COARSE, BOOTTIME */
    default: return (int)sys2(228, clock, (long)ts);                          /* CPU-time clocks: ask the kernel */
    }
    ts->tv_sec = (int64_t)(ns / 1000000000u);
    ts->tv_nsec = (int64_t)(ns % 1000000000u);
    return 0;
}

int __vdso_gettimeofday(struct kernel_timeval *tv, void *tz) {
    if (tz) return (int)sys2(96, (long)tv, (long)tz);
    if (tv) {
        uint64_t ns = vvar_page.realtime_base + monotonic_ns();
        tv->tv_sec = (int64_t)(ns / 1000000000u);
        tv->tv_usec = (int64_t)(ns % 1000000000u / 1000u);
    }
    return 0;
}

long __vdso_time(long *t) {
    long s = (long)((vvar_page.realtime_base + monotonic_ns()) / 1000000000u);
    if (t) *t = s;
    return s;
}

/* One CPU, one NUMA node. */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache) {
    (void)cache;
    if (cpu) *cpu = 0;
    if (node) *node = 0;
    return 0;
}

int clock_gettime(int, struct kernel_timespec *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct kernel_timeval *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
