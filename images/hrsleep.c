// High-resolution sleeps and timeouts (area: hrtimer): each deadline is met within well
// under a 10 ms tick, a sleeping task does not burn the CPU, and a thread sleeping
// 1 ms in a loop does not starve a spinning one. Prints "ok ..." or "FAIL ..." lines,
// and "median overshoot N us" for the benchmark notes.
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

// <linux/futex.h> is not in musl's include path.
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAIT_BITSET_PRIVATE 137
#define FUTEX_BITSET_MATCH_ANY 0xffffffff

static int failures;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    if (!ok) failures++;
    fflush(stdout);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void sleep_ns(int64_t ns) {
    struct timespec t = { ns / 1000000000, ns % 1000000000 };
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {}
}

/* A timed call took `ns`: between `lo` and `hi` microseconds? */
static void check_elapsed(const char *what, int64_t ns, int64_t lo_us, int64_t hi_us) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: %lld us (want %lld..%lld)", what, (long long)(ns / 1000),
             (long long)lo_us, (long long)hi_us);
    check(ns >= lo_us * 1000 && ns <= hi_us * 1000, msg);
}

/* Runs `body` (which sets up and makes one timed call) up to 3 times until its duration,
 * stored in `d`, is within lo_us..hi_us: the host running the tests may be loaded and
 * late now and then, while a tick-granular timeout (10 ms) misses every time. */
#define TIMED(d, lo_us, hi_us, body) do { \
        for (int attempt_ = 0; attempt_ < 3; attempt_++) { \
            int64_t s_ = now_ns(); \
            body; \
            d = now_ns() - s_; \
            if (d >= (lo_us) * 1000 && d <= (hi_us) * 1000) break; \
        } \
    } while (0)

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void test_nanosleep_loop(void) {
    int64_t over[100];
    int64_t c0, t0, wall, cpu;
    struct rusage r0, r1;
    for (int attempt = 0; attempt < 3; attempt++) {          // see TIMED
        c0 = cpu_ns(); t0 = now_ns();
        getrusage(RUSAGE_SELF, &r0);
        for (int i = 0; i < 100; i++) {
            int64_t s = now_ns();
            struct timespec t = { 0, 1000000 };
            if (nanosleep(&t, NULL) != 0) { check(0, "nanosleep(1 ms) returned an error"); return; }
            over[i] = now_ns() - s - 1000000;
        }
        wall = now_ns() - t0; cpu = cpu_ns() - c0;
        getrusage(RUSAGE_SELF, &r1);
        if (wall <= 130000000) break;
    }
    int64_t ru = ((int64_t)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1000000 + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec)
                + (int64_t)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1000000 + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec)) * 1000;
    qsort(over, 100, sizeof over[0], cmp64);
    int neg = 0;
    for (int i = 0; i < 100; i++) if (over[i] < 0) neg++;
    check_elapsed("nanosleep(1 ms) x 100", wall, 100000, 130000);
    check(neg == 0, "nanosleep never returns early");
    char msg[160];
    snprintf(msg, sizeof msg, "sleeping uses little CPU: clock %lld us, rusage %lld us of %lld us",
             (long long)(cpu / 1000), (long long)(ru / 1000), (long long)(wall / 1000));
    check(cpu < wall / 4 && ru < wall / 4, msg);
    printf("median overshoot %lld us, max %lld us\n", (long long)(over[50] / 1000), (long long)(over[99] / 1000));
}

static atomic_int stop_sleeper;
static atomic_long sleeps;

static void *sleeper(void *arg) {
    (void)arg;
    while (!atomic_load(&stop_sleeper)) {
        struct timespec t = { 0, 1000000 };
        nanosleep(&t, NULL);
        atomic_fetch_add(&sleeps, 1);
    }
    return NULL;
}

/* Loops of work done in 200 ms of wall time. Not inlined: the solo and the shared run
 * must execute the same code (the loop's speed depends on its alignment). */
__attribute__((noinline)) static long spin_200ms(void) {
    volatile uint64_t x = 0;
    long n = 0;
    int64_t end = now_ns() + 200000000;
    while (now_ns() < end) {
        for (int i = 0; i < 1000; i++) x += i;
        n++;
    }
    return n;
}

/* The machine running the tests may be shared: the host can take the vCPU away during
 * either window, so the comparison is repeated (up to 3 times) and the best kept. */
static void test_no_starvation(void) {
    spin_200ms();                                   // warm up (page faults, caches)
    long best_pct = -1, best_solo = 0, best_shared = 0, best_sleeps = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        long solo = spin_200ms();
        pthread_t th;
        atomic_store(&stop_sleeper, 0);
        atomic_store(&sleeps, 0);
        if (pthread_create(&th, NULL, sleeper, NULL) != 0) { check(0, "pthread_create"); return; }
        long shared = spin_200ms();
        atomic_store(&stop_sleeper, 1);
        pthread_join(th, NULL);
        long s = atomic_load(&sleeps);
        long pct = solo ? shared * 100 / solo : 0;
        if (pct > best_pct || (pct >= 80 && s > best_sleeps)) {
            best_pct = pct; best_solo = solo; best_shared = shared; best_sleeps = s;
        }
        if (best_pct >= 80 && best_sleeps >= 120) break;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "a thread sleeping 1 ms in a loop leaves the spinner %ld%% of its solo progress (%ld / %ld), %ld sleeps",
             best_pct, best_shared, best_solo, best_sleeps);
    check(best_pct >= 80, msg);
    snprintf(msg, sizeof msg, "the sleeper still wakes about every ms next to a spinner (%ld sleeps in 200 ms)", best_sleeps);
    check(best_sleeps >= 120 && best_sleeps <= 200, msg);
}

static void test_futex(void) {
    int word = 0;
    struct timespec t = { 0, 2000000 };
    int64_t d;
    long r;
    TIMED(d, 2000, 3000, r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &t, NULL, 0));
    check(r == -1 && errno == ETIMEDOUT, "futex wait 2 ms: ETIMEDOUT");
    check_elapsed("futex wait 2 ms", d, 2000, 3000);
    // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline.
    struct timespec abs;
    TIMED(d, 1900, 3000, {
        clock_gettime(CLOCK_MONOTONIC, &abs);
        abs.tv_nsec += 2000000;
        if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
        r = syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY);
    });
    check(r == -1 && errno == ETIMEDOUT, "futex wait_bitset absolute +2 ms: ETIMEDOUT");
    check_elapsed("futex wait_bitset absolute +2 ms", d, 1900, 3000);
}

static void test_poll_select_epoll(void) {
    int p[2];
    if (pipe(p) != 0) { check(0, "pipe"); return; }
    struct pollfd fd = { p[0], POLLIN, 0 };
    int64_t d;
    int r;
    TIMED(d, 3000, 4000, r = poll(&fd, 1, 3));
    check(r == 0, "poll 3 ms on an empty pipe returns 0");
    check_elapsed("poll 3 ms", d, 3000, 4000);

    struct timespec ts = { 0, 1500000 };
    TIMED(d, 1500, 2500, r = ppoll(&fd, 1, &ts, NULL));
    check(r == 0, "ppoll 1.5 ms returns 0");
    check_elapsed("ppoll 1.5 ms", d, 1500, 2500);

    fd_set rs;
    struct timeval tv;
    TIMED(d, 2000, 3000, {
        FD_ZERO(&rs);
        FD_SET(p[0], &rs);
        tv.tv_sec = 0; tv.tv_usec = 2000;
        r = select(p[0] + 1, &rs, NULL, NULL, &tv);
    });
    check(r == 0, "select 2 ms returns 0");
    check_elapsed("select 2 ms", d, 2000, 3000);

    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = p[0] };
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    TIMED(d, 2000, 3000, r = epoll_wait(ep, &ev, 1, 2));
    check(r == 0, "epoll_wait 2 ms returns 0");
    check_elapsed("epoll_wait 2 ms", d, 2000, 3000);
    close(ep);
    close(p[0]);
    close(p[1]);
}

static void test_timerfd(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    if (fd < 0) { check(0, "timerfd_create"); return; }
    struct itimerspec it = { { 0, 1000000 }, { 0, 1000000 } };
    int64_t s = now_ns();
    timerfd_settime(fd, 0, &it, NULL);
    uint64_t total = 0;
    int reads = 0;
    while (total < 100) {
        uint64_t n;
        if (read(fd, &n, 8) != 8) { check(0, "timerfd read"); close(fd); return; }
        total += n;
        reads++;
    }
    int64_t d = now_ns() - s;
    check_elapsed("timerfd 1 ms interval, 100 expirations", d, 100000, 115000);
    char msg[120];
    snprintf(msg, sizeof msg, "timerfd expirations arrive one at a time (%d reads for %llu)", reads, (unsigned long long)total);
    check(reads >= 80, msg);
    // One-shot 2.5 ms through epoll.
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    struct itimerspec one = { { 0, 0 }, { 0, 2500000 } };
    int r;
    TIMED(d, 2500, 3500, {
        uint64_t n;
        timerfd_settime(fd, 0, &one, NULL);
        r = epoll_wait(ep, &ev, 1, 1000);
        if (read(fd, &n, 8) != 8) r = -1;
    });
    check(r == 1, "epoll_wait sees a one-shot timerfd");
    check_elapsed("timerfd one-shot 2.5 ms through epoll", d, 2500, 3500);
    close(ep);
    close(fd);
}

static void test_posix_timer_and_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGALRM);
    sigprocmask(SIG_BLOCK, &set, NULL);

    timer_t tid;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN;
    if (timer_create(CLOCK_MONOTONIC, &sev, &tid) != 0) { check(0, "timer_create"); return; }
    struct itimerspec it = { { 0, 0 }, { 0, 2000000 } };
    siginfo_t si;
    int sig;
    int64_t s, d;
    TIMED(d, 2000, 3000, { timer_settime(tid, 0, &it, NULL); sig = sigwaitinfo(&set, &si); });
    check(sig == SIGRTMIN && si.si_code == SI_TIMER, "POSIX timer 2 ms: SIGRTMIN with SI_TIMER");
    check_elapsed("POSIX timer 2 ms", d, 2000, 3000);

    // A periodic 1 ms POSIX timer: 50 signals in about 50 ms.
    struct itimerspec per = { { 0, 1000000 }, { 0, 1000000 } };
    s = now_ns();
    timer_settime(tid, 0, &per, NULL);
    int got = 0;
    while (got < 50) {
        if (sigwaitinfo(&set, &si) == SIGRTMIN) got += 1 + si.si_overrun;
    }
    d = now_ns() - s;
    struct itimerspec off = { { 0, 0 }, { 0, 0 } };
    timer_settime(tid, 0, &off, NULL);
    timer_delete(tid);
    check_elapsed("POSIX timer 1 ms interval, 50 expirations", d, 50000, 60000);

    struct itimerval iv = { { 0, 0 }, { 0, 1500 } };
    TIMED(d, 1500, 2500, { setitimer(ITIMER_REAL, &iv, NULL); sig = sigwaitinfo(&set, &si); });
    check(sig == SIGALRM, "setitimer ITIMER_REAL 1.5 ms: SIGALRM");
    check_elapsed("setitimer ITIMER_REAL 1.5 ms", d, 1500, 2500);

    struct timespec to = { 0, 2000000 };
    TIMED(d, 2000, 3000, sig = sigtimedwait(&set, &si, &to));
    check(sig == -1 && errno == EAGAIN, "sigtimedwait 2 ms: EAGAIN");
    check_elapsed("sigtimedwait 2 ms", d, 2000, 3000);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void test_clock_nanosleep_abs(void) {
    struct timespec t;
    int r = 0;
    int64_t late = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        int64_t target = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec + 1500000;
        t.tv_sec = target / 1000000000;
        t.tv_nsec = target % 1000000000;
        r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
        late = now_ns() - target;
        if (late >= 0 && late <= 1000000) break;
    }
    check(r == 0, "clock_nanosleep TIMER_ABSTIME +1.5 ms returns 0");
    check_elapsed("clock_nanosleep TIMER_ABSTIME lateness", late, 0, 1000);
    // Short sleeps too: 50 us.
    int64_t d;
    TIMED(d, 50, 1000, sleep_ns(50000));
    check_elapsed("nanosleep 50 us", d, 50, 1000);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "starve") == 0) {      // one test alone, for measuring
        test_no_starvation();
        printf("%d failures\n", failures);
        return failures ? 1 : 0;
    }
    test_nanosleep_loop();
    test_no_starvation();
    test_futex();
    test_poll_select_epoll();
    test_timerfd();
    test_posix_timer_and_signals();
    test_clock_nanosleep_abs();
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
