/* Self-checking test of the walking skeleton's syscalls (issue 2), with Linux
 * semantics and errno values. Prints one line per check, "ok <name>" or
 * "FAIL <name>: <detail>", then "<n> failures", and exits with the number of
 * failures (capped at 125 so it never looks like a signal exit).
 *
 * Where a libc may route a call through a different syscall (musl's open()
 * uses SYS_open, glibc's uses SYS_openat), the checks also make the raw
 * syscall with syscall(2), so every syscall named in the issue is exercised
 * whichever libc the program is built with.
 *
 * Options, for running natively on a Linux host where some facts differ:
 *   --host   skip the checks that only hold in a Swiftlet guest (pid 1, ppid 0)
 *   --tty    expect stdout to be a terminal (default: a pipe or a file)
 */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>

int failures;
int on_host;
int expect_tty;
const char *program_name;

void ok(const char *name) { printf("ok %s\n", name); }

void failf(const char *name, const char *fmt, ...) {
    va_list ap;
    printf("FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    failures++;
}

double now(clockid_t clock) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) return -1;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    program_name = argv[0];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--host") == 0) on_host = 1;
        else if (strcmp(argv[i], "--tty") == 0) expect_tty = 1;
    }
    /* Line-buffered, so a crash part-way still shows how far the run got. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    test_files();
    test_directories();
    test_descriptors();
    test_devices();
    test_terminal();
    test_memory();
    test_identity();
    test_time();
    test_limits_and_misc();
    remove_scratch();

    printf("%d failures\n", failures);
    return failures > 125 ? 125 : failures;
}
