/* Idle workload for `swiftlet bench density`: prints "ready" (the benchmark counts a
 * microVM as started when this line arrives), then sleeps for argv[1] milliseconds
 * (default 2000) with nanosleep, so that the VMM's resident memory can be read while
 * the guest does nothing. */
#include <stdlib.h>
#include <unistd.h>
#include <time.h>
#include <errno.h>

int main(int argc, char **argv) {
    long ms = argc > 1 ? strtol(argv[1], 0, 10) : 2000;
    if (ms < 0) ms = 0;
    (void)!write(1, "ready\n", 6);
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    return 0;
}
