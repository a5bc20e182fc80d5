/* The vDSO is present and agrees with the kernel's clocks. Prints "vdso ok" or why not. */
#include <stdio.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
    if (getauxval(AT_SYSINFO_EHDR) == 0) { puts("no AT_SYSINFO_EHDR"); return 1; }
    for (int clock = 0; clock <= 1; clock++) {
        struct timespec a, k, b;
        clock_gettime(clock, &a);
        syscall(SYS_clock_gettime, clock, &k);
        clock_gettime(clock, &b);
        if (ns(a) > ns(k) + 1000000 || ns(k) > ns(b) + 1000000) {
            printf("clock %d disagrees: vdso %lld kernel %lld vdso %lld\n", clock, (long long)ns(a), (long long)ns(k), (long long)ns(b));
            return 1;
        }
    }
    struct timespec prev; clock_gettime(CLOCK_MONOTONIC, &prev);
    for (int i = 0; i < 100000; i++) {
        struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
        if (ns(t) < ns(prev)) { puts("monotonic went backwards"); return 1; }
        prev = t;
    }
    struct timeval tv; gettimeofday(&tv, 0);
    time_t now = time(0);
    if (now < 1600000000 || tv.tv_sec < now - 1 || tv.tv_sec > now + 1) { printf("time %ld tv %ld\n", (long)now, (long)tv.tv_sec); return 1; }
    puts("vdso ok");
    return 0;
}
