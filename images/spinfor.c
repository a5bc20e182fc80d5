/* Spins in user mode, making no syscalls, for argv[1] seconds (default 2), then exits 0.
 * Used to check that the timer interrupts a program that never enters the kernel. */
#include <stdlib.h>
#include <time.h>
#include <stdint.h>

static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    /* Calibrate the TSC once with clock_gettime, then spin on RDTSC alone. */
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    uint64_t t0 = rdtsc();
    do { clock_gettime(CLOCK_MONOTONIC, &b); } while ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) < 20000000L);
    double perSecond = (double)(rdtsc() - t0) / 0.02;
    uint64_t end = rdtsc() + (uint64_t)(perSecond * seconds);
    volatile uint64_t n = 0;
    while (rdtsc() < end) n++;
    return 0;
}
