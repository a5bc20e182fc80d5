/* Timers and CPU accounting: alarm, setitimer, POSIX timers (SI_TIMER siginfo),
 * times, getrusage, CPU-time clocks, affinity and priority calls.
 * Prints "ok NAME" or "FAIL NAME: ..." per check; exits with the failure count. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static volatile int alrm, usr1, vt, prof;
static volatile int got_code, got_val, got_tid, got_overrun;

static void on_alrm(int s) { (void)s; alrm++; }
static void on_vt(int s) { (void)s; vt++; }
static void on_prof(int s) { (void)s; prof++; }
static void on_timer(int s, siginfo_t *si, void *uc) {
    (void)s; (void)uc;
    usr1++;
    got_code = si->si_code;
    got_val = si->si_value.sival_int;
    got_tid = si->si_timerid;
    got_overrun = si->si_overrun;
}

static long long now_ns(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void spin_ms(int ms) {
    long long end = now_ns(CLOCK_MONOTONIC) + ms * 1000000LL;
    while (now_ns(CLOCK_MONOTONIC) < end) { }
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGALRM, on_alrm);

    /* alarm: returns the previous remaining seconds, fires SIGALRM */
    CHECK("alarm-first", alarm(5) == 0, "nonzero");
    unsigned left = alarm(0);
    CHECK("alarm-previous", left == 5 || left == 4, "left %u", left);
    alrm = 0;
    long long t0 = now_ns(CLOCK_MONOTONIC);
    alarm(1);
    while (!alrm && now_ns(CLOCK_MONOTONIC) - t0 < 3000000000LL) pause();
    long long dt = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK("alarm-fires", alrm == 1 && dt >= 990000000LL && dt < 1300000000LL, "alrm %d after %lld ns", alrm, dt);

    /* setitimer ITIMER_REAL with an interval: several expiries */
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, old;
    alrm = 0;
    CHECK("setitimer-real", setitimer(ITIMER_REAL, &it, NULL) == 0, "errno %d", errno);
    t0 = now_ns(CLOCK_MONOTONIC);
    while (alrm < 5 && now_ns(CLOCK_MONOTONIC) - t0 < 2000000000LL) pause();
    dt = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK("setitimer-periodic", alrm >= 5 && dt >= 90000000LL, "alrm %d in %lld ns", alrm, dt);
    struct itimerval cur;
    getitimer(ITIMER_REAL, &cur);
    CHECK("getitimer-interval", cur.it_interval.tv_usec == 20000 && cur.it_interval.tv_sec == 0,
          "interval %ld.%06ld", (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &zero, &old);
    CHECK("setitimer-old", old.it_interval.tv_usec == 20000 && old.it_value.tv_usec <= 20000, "old %ld", (long)old.it_value.tv_usec);
    getitimer(ITIMER_REAL, &cur);
    CHECK("setitimer-disarm", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "still armed");
    struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
    errno = 0;
    CHECK("setitimer-einval-usec", setitimer(ITIMER_REAL, &bad, NULL) == -1 && errno == EINVAL, "errno %d", errno);
    errno = 0;
    CHECK("setitimer-einval-which", setitimer(7, &it, NULL) == -1 && errno == EINVAL, "errno %d", errno);

    /* ITIMER_VIRTUAL and ITIMER_PROF count CPU time (tick-granular) */
    signal(SIGVTALRM, on_vt);
    signal(SIGPROF, on_prof);
    struct itimerval v = { { 0, 0 }, { 0, 50000 } };
    setitimer(ITIMER_VIRTUAL, &v, NULL);
    setitimer(ITIMER_PROF, &v, NULL);
    t0 = now_ns(CLOCK_MONOTONIC);
    while ((!vt || !prof) && now_ns(CLOCK_MONOTONIC) - t0 < 2000000000LL) { }
    CHECK("itimer-virtual", vt == 1, "vt %d", vt);
    CHECK("itimer-prof", prof == 1, "prof %d", prof);

    /* CPU-time clocks follow CPU use, not wall time */
    long long c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), w0 = now_ns(CLOCK_MONOTONIC);
    usleep(200000);
    long long c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID), w1 = now_ns(CLOCK_MONOTONIC);
    CHECK("cputime-sleep", c1 - c0 < 60000000LL && w1 - w0 >= 200000000LL, "cpu %lld ns over %lld ns asleep", c1 - c0, w1 - w0);
    spin_ms(200);
    long long c2 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    CHECK("cputime-spin", c2 - c1 >= 150000000LL && c2 - c1 <= 260000000LL, "cpu %lld ns over a 200 ms spin", c2 - c1);
    long long th = now_ns(CLOCK_THREAD_CPUTIME_ID);
    CHECK("thread-cputime", th > 0 && th <= c2 + 20000000LL, "thread %lld process %lld", th, c2);

    /* times and getrusage agree with the spin */
    struct tms tm;
    clock_t r = times(&tm);
    CHECK("times", r != (clock_t)-1 && tm.tms_utime + tm.tms_stime >= 20, "utime %ld stime %ld", (long)tm.tms_utime, (long)tm.tms_stime);
    struct rusage ru;
    CHECK("getrusage-self", getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec >= 200000
          && ru.ru_maxrss > 0, "utime %ld.%06ld maxrss %ld", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec, ru.ru_maxrss);
    CHECK("getrusage-thread", getrusage(RUSAGE_THREAD, &ru) == 0, "errno %d", errno);
    errno = 0;
    CHECK("getrusage-einval", getrusage(5, &ru) == -1 && errno == EINVAL, "errno %d", errno);

    /* children's times after wait */
    pid_t pid = fork();
    if (pid == 0) { spin_ms(150); _exit(0); }
    struct rusage cru;
    int st;
    wait4(pid, &st, 0, &cru);
    CHECK("wait4-rusage", cru.ru_utime.tv_sec * 1000000 + cru.ru_utime.tv_usec + cru.ru_stime.tv_usec >= 100000,
          "child utime %ld.%06ld", (long)cru.ru_utime.tv_sec, (long)cru.ru_utime.tv_usec);
    getrusage(RUSAGE_CHILDREN, &ru);
    CHECK("getrusage-children", ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec >= 100000,
          "children utime %ld.%06ld", (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
    times(&tm);
    CHECK("times-children", tm.tms_cutime + tm.tms_cstime >= 10, "cutime %ld", (long)tm.tms_cutime);

    /* POSIX timers: SIGEV_SIGNAL with si_value, periodic, overrun, gettime, delete */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGUSR1;
    sev.sigev_value.sival_int = 4242;
    timer_t tid;
    CHECK("timer_create", timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0, "errno %d", errno);
    struct itimerspec its = { { 0, 0 }, { 0, 30000000 } };
    usr1 = 0;
    t0 = now_ns(CLOCK_MONOTONIC);
    timer_settime(tid, 0, &its, NULL);
    struct itimerspec g;
    timer_gettime(tid, &g);
    CHECK("timer_gettime", g.it_value.tv_sec == 0 && g.it_value.tv_nsec > 0 && g.it_value.tv_nsec <= 30000000,
          "value %ld", g.it_value.tv_nsec);
    while (!usr1 && now_ns(CLOCK_MONOTONIC) - t0 < 2000000000LL) pause();
    dt = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK("timer-fires", usr1 == 1 && dt >= 29000000LL && dt < 200000000LL, "usr1 %d after %lld ns", usr1, dt);
    CHECK("timer-si_code", got_code == SI_TIMER, "si_code %d", got_code);
    CHECK("timer-si_value", got_val == 4242, "si_value %d", got_val);
    timer_gettime(tid, &g);
    CHECK("timer-oneshot-disarmed", g.it_value.tv_sec == 0 && g.it_value.tv_nsec == 0, "value %ld", g.it_value.tv_nsec);

    /* periodic, with the signal blocked: overruns accumulate */
    sigset_t set, oldset;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &oldset);
    usr1 = 0;
    struct itimerspec per = { { 0, 10000000 }, { 0, 10000000 } };
    timer_settime(tid, 0, &per, NULL);
    usleep(150000);
    sigprocmask(SIG_SETMASK, &oldset, NULL);
    CHECK("timer-overrun-one-signal", usr1 == 1, "usr1 %d", usr1);
    CHECK("timer-overrun", got_overrun >= 5, "si_overrun %d", got_overrun);
    int ov = timer_getoverrun(tid);
    CHECK("timer_getoverrun", ov >= 5, "overrun %d", ov);
    CHECK("timer_delete", timer_delete(tid) == 0, "errno %d", errno);
    errno = 0;
    CHECK("timer_delete-einval", syscall(SYS_timer_delete, (long)(intptr_t)tid) == -1 && errno == EINVAL, "errno %d", errno);
    errno = 0;
    CHECK("timer_create-einval", timer_create(12345, &sev, &tid) == -1 && errno == EINVAL, "errno %d", errno);

    /* absolute CLOCK_REALTIME timer */
    CHECK("timer_create-realtime", timer_create(CLOCK_REALTIME, &sev, &tid) == 0, "errno %d", errno);
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    rt.tv_nsec += 50000000;
    if (rt.tv_nsec >= 1000000000) { rt.tv_sec++; rt.tv_nsec -= 1000000000; }
    struct itimerspec abs = { { 0, 0 }, rt };
    usr1 = 0;
    t0 = now_ns(CLOCK_MONOTONIC);
    timer_settime(tid, TIMER_ABSTIME, &abs, NULL);
    while (!usr1 && now_ns(CLOCK_MONOTONIC) - t0 < 2000000000LL) pause();
    dt = now_ns(CLOCK_MONOTONIC) - t0;
    CHECK("timer-realtime-abs", usr1 == 1 && dt >= 40000000LL && dt < 200000000LL, "usr1 %d after %lld", usr1, dt);
    timer_delete(tid);

    /* SIGEV_NONE: counts down, no signal */
    sev.sigev_notify = SIGEV_NONE;
    timer_create(CLOCK_MONOTONIC, &sev, &tid);
    usr1 = 0;
    its.it_value.tv_nsec = 20000000;
    timer_settime(tid, 0, &its, NULL);
    usleep(50000);
    timer_gettime(tid, &g);
    CHECK("timer-sigev-none", usr1 == 0 && g.it_value.tv_nsec == 0, "usr1 %d", usr1);
    timer_delete(tid);

    /* SIGEV_THREAD_ID to ourselves */
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
    sev.sigev_value.sival_int = 77;
    CHECK("timer-thread-id-create", timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0, "errno %d", errno);
    usr1 = 0;
    timer_settime(tid, 0, &its, NULL);
    t0 = now_ns(CLOCK_MONOTONIC);
    while (!usr1 && now_ns(CLOCK_MONOTONIC) - t0 < 2000000000LL) pause();
    CHECK("timer-thread-id", usr1 == 1 && got_val == 77, "usr1 %d value %d", usr1, got_val);
    timer_delete(tid);
    sev.sigev_notify_thread_id = 99999;
    errno = 0;
    CHECK("timer-thread-id-einval", timer_create(CLOCK_MONOTONIC, &sev, &tid) == -1 && errno == EINVAL, "errno %d", errno);

    /* affinity, scheduler, priority */
    cpu_set_t cs;
    CPU_ZERO(&cs);
    CHECK("sched_getaffinity", sched_getaffinity(0, sizeof cs, &cs) == 0 && CPU_ISSET(0, &cs) && CPU_COUNT(&cs) == 1,
          "count %d", CPU_COUNT(&cs));
    CHECK("sched_setaffinity", sched_setaffinity(0, sizeof cs, &cs) == 0, "errno %d", errno);
    CPU_ZERO(&cs);
    CPU_SET(1, &cs);
    errno = 0;
    CHECK("sched_setaffinity-einval", sched_setaffinity(0, sizeof cs, &cs) == -1 && errno == EINVAL, "errno %d", errno);
    errno = 0;
    CHECK("sched_getaffinity-esrch", sched_getaffinity(99999, sizeof cs, &cs) == -1 && errno == ESRCH, "errno %d", errno);
    /* musl leaves these to ENOSYS on purpose: ask the kernel directly */
    CHECK("sched_getscheduler", syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER, "errno %d", errno);
    struct sched_param sp; memset(&sp, 0, sizeof sp); sp.sched_priority = 1;
    CHECK("sched_getparam", syscall(SYS_sched_getparam, 0, &sp) == 0 && sp.sched_priority == 0, "prio %d", sp.sched_priority);
    CHECK("sched_get_priority_max", sched_get_priority_max(SCHED_FIFO) == 99, "wrong");
    errno = 0;
    CHECK("getpriority", getpriority(PRIO_PROCESS, 0) == 0 && errno == 0, "errno %d", errno);
    CHECK("setpriority", setpriority(PRIO_PROCESS, 0, 5) == 0 && getpriority(PRIO_PROCESS, 0) == 5, "errno %d", errno);
    setpriority(PRIO_PROCESS, 0, 100);
    CHECK("setpriority-clamp", getpriority(PRIO_PROCESS, 0) == 19, "nice %d", getpriority(PRIO_PROCESS, 0));
    errno = 0;
    CHECK("getpriority-einval", getpriority(9, 0) == -1 && errno == EINVAL, "errno %d", errno);

    printf("%d failures\n", failures);
    return failures;
}
