/* Identity, time, limits and the stored signal state: uname, pid/tid/uid,
 * getrandom, clocks, nanosleep, prlimit64/getrlimit, sysinfo, rt_sigaction,
 * rt_sigprocmask, sigaltstack, set_tid_address, set_robust_list, ENOSYS. */
#include "check.h"

#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <unistd.h>

void test_identity(void) {
    struct utsname u;
    check_ret("uname", uname(&u), 0);
    check("uname-sysname", strcmp(u.sysname, "Linux") == 0, "sysname '%s'", u.sysname);
    check("uname-machine", strcmp(u.machine, "x86_64") == 0, "machine '%s'", u.machine);
    check("uname-release", u.release[0] != 0, "empty release");
    long pid = syscall(SYS_getpid), tid = syscall(SYS_gettid);
    if (!on_host) {
        check("getpid-is-1", pid == 1, "getpid=%ld", pid);
        check("getppid-is-0", syscall(SYS_getppid) == 0, "getppid=%ld", (long)syscall(SYS_getppid));
    }
    check("gettid", tid == pid, "gettid=%ld getpid=%ld", tid, pid);
    int dummy;
    check_ret("set_tid_address", syscall(SYS_set_tid_address, &dummy), tid);
    long head[3] = {0, 0, 0};
    check_ret("set_robust_list", syscall(SYS_set_robust_list, head, sizeof head), 0);
    check("getuid-geteuid", getuid() == geteuid(), "uid=%d euid=%d", (int)getuid(), (int)geteuid());
    check("getgid-getegid", getgid() == getegid(), "gid=%d egid=%d", (int)getgid(), (int)getegid());

    unsigned char r1[32], r2[32], zero[32] = {0};
    memset(r1, 0, 32);
    memset(r2, 0, 32);
    check_ret("getrandom", syscall(SYS_getrandom, r1, 32, 0), 32);
    check_ret("getrandom-nonblock", syscall(SYS_getrandom, r2, 32, 1 /* GRND_NONBLOCK */), 32);
    check("getrandom-random", memcmp(r1, zero, 32) != 0 && memcmp(r1, r2, 32) != 0, "bytes zero or repeated");
}

void test_time(void) {
    double m1 = now(CLOCK_MONOTONIC);
    check("clock-monotonic", m1 >= 0, "errno=%d", errno);
    double rt = now(CLOCK_REALTIME);
    /* 2020-01-01 < now < 2100-01-01: the guest clock comes from the host. */
    check("clock-realtime", rt > 1577836800.0 && rt < 4102444800.0, "realtime=%.0f", rt);
    check("clock-boottime", now(CLOCK_BOOTTIME) >= 0, "errno=%d", errno);
    check("clock-process-cputime", now(CLOCK_PROCESS_CPUTIME_ID) >= 0, "errno=%d", errno);
    struct timespec ts;
    check_errno("clock-bad-id", syscall(SYS_clock_gettime, 999, &ts), EINVAL);
    struct timeval tv;
    check_ret("gettimeofday", gettimeofday(&tv, NULL), 0);
    double tod = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
    check("gettimeofday-matches-realtime", tod - rt > -1.0 && tod - rt < 5.0, "tod=%.3f realtime=%.3f", tod, rt);

    struct timespec req = {0, 10 * 1000 * 1000};
    double before = now(CLOCK_MONOTONIC);
    check_ret("nanosleep", nanosleep(&req, NULL), 0);
    double slept = now(CLOCK_MONOTONIC) - before;
    check("nanosleep-10ms", slept >= 0.010 && slept < 5.0, "slept %.6f s", slept);
    check("clock-monotonic-increases", now(CLOCK_MONOTONIC) > m1, "did not increase");
    struct timespec bad = {0, 2000000000L};
    check_errno("nanosleep-bad-nsec", nanosleep(&bad, NULL), EINVAL);
    check_ret("sched_yield", sched_yield(), 0);
}

static void on_usr1(int sig) { (void)sig; }

void test_limits_and_misc(void) {
    struct rlimit rl = {0, 0}, rl2 = {0, 0};
    check_ret("prlimit64-stack", syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, &rl), 0);
    check("prlimit64-stack-value", rl.rlim_cur > 0, "cur=%llu", (unsigned long long)rl.rlim_cur);
    check_ret("getrlimit-stack", syscall(SYS_getrlimit, RLIMIT_STACK, &rl2), 0);
    check("getrlimit-agrees", rl2.rlim_cur == rl.rlim_cur, "%llu vs %llu",
          (unsigned long long)rl2.rlim_cur, (unsigned long long)rl.rlim_cur);
    check_ret("getrlimit-nofile", getrlimit(RLIMIT_NOFILE, &rl), 0);
    check("getrlimit-nofile-value", rl.rlim_cur >= 3, "cur=%llu", (unsigned long long)rl.rlim_cur);

    struct sysinfo si;
    memset(&si, 0, sizeof si);
    check_ret("sysinfo", sysinfo(&si), 0);
    check("sysinfo-memory", si.totalram > 0 && si.mem_unit > 0 && si.freeram <= si.totalram,
          "total=%lu free=%lu unit=%u", si.totalram, si.freeram, si.mem_unit);
    check("sysinfo-procs", si.procs >= 1, "procs=%u", si.procs);

    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    check_ret("rt_sigaction-set", sigaction(SIGUSR1, &sa, NULL), 0);
    check_ret("rt_sigaction-get", sigaction(SIGUSR1, NULL, &old), 0);
    check("rt_sigaction-stored", old.sa_handler == on_usr1, "handler not stored");
    check_errno("rt_sigaction-sigkill", sigaction(SIGKILL, &sa, NULL), EINVAL);
    sigset_t set, got;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    check_ret("rt_sigprocmask-block", sigprocmask(SIG_BLOCK, &set, NULL), 0);
    check_ret("rt_sigprocmask-query", sigprocmask(SIG_BLOCK, NULL, &got), 0);
    check("rt_sigprocmask-stored", sigismember(&got, SIGUSR2) == 1, "SIGUSR2 not blocked");
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    stack_t ss = {0}, oss = {0};
    ss.ss_sp = malloc(65536);
    ss.ss_size = 65536;
    check_ret("sigaltstack-set", sigaltstack(&ss, NULL), 0);
    check_ret("sigaltstack-get", sigaltstack(NULL, &oss), 0);
    check("sigaltstack-stored", oss.ss_sp == ss.ss_sp && oss.ss_size == ss.ss_size,
          "sp=%p size=%zu", oss.ss_sp, oss.ss_size);

    check_errno("unknown-syscall-1000", syscall(1000), ENOSYS);
    check_errno("unknown-syscall-511", syscall(511), ENOSYS);
}
