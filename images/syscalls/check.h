/* Shared reporting helpers for the syscalls self-test (see main.c). */
#ifndef SYSCALLS_CHECK_H
#define SYSCALLS_CHECK_H

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

extern int failures;
extern int on_host;    /* --host: skip guest-only facts (pid 1, ppid 0) */
extern int expect_tty; /* --tty: stdout is a terminal */
extern const char *program_name;

/* The scratch directory under /tmp (created by test_files) and paths in it;
 * at() returns a new buffer on each call. */
extern char base[64];
const char *at(const char *name);
void remove_scratch(void);

void ok(const char *name);
void failf(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double now(clockid_t clock);

/* check(name, cond, fmt, ...): ok when cond holds, else FAIL with the detail. */
#define check(name, cond, ...) \
    do { if (cond) ok(name); else failf(name, __VA_ARGS__); } while (0)

/* The call must fail with -1 and exactly errno `want`. */
#define check_errno(name, expr, want)                                                  \
    do {                                                                               \
        errno = 0;                                                                     \
        long r_ = (long)(expr);                                                        \
        int e_ = errno;                                                                \
        if (r_ == -1 && e_ == (want)) ok(name);                                        \
        else failf(name, "got %ld errno=%d (%s), want -1 errno=%d (%s)", r_, e_,       \
                   strerror(e_), (int)(want), strerror(want));                         \
    } while (0)

/* The call must return exactly `want`. */
#define check_ret(name, expr, want)                                                    \
    do {                                                                               \
        errno = 0;                                                                     \
        long r_ = (long)(expr);                                                        \
        int e_ = errno;                                                                \
        if (r_ == (long)(want)) ok(name);                                              \
        else failf(name, "got %ld (errno=%d %s), want %ld", r_, e_, strerror(e_),     \
                   (long)(want));                                                      \
    } while (0)

void test_files(void);
void test_directories(void);
void test_descriptors(void);
void test_devices(void);
void test_terminal(void);
void test_memory(void);
void test_identity(void);
void test_time(void);
void test_limits_and_misc(void);

#endif
