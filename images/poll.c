/* Self-checking test of readiness and event descriptors: poll, ppoll, select,
 * pselect6, epoll (level, edge, oneshot, nesting), eventfd, timerfd, signalfd.
 * Prints "ok <name>" or "FAIL <name>: ..." per check; exits with the failure count. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}
static void sleep_ms(int ms) { struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L }; nanosleep(&ts, NULL); }
static volatile sig_atomic_t usr1_count;
static void on_usr1(int sig) { (void)sig; usr1_count++; }

/* A child that sleeps, then writes a byte to fd (and exits). */
static pid_t delayed_writer(int fd, int ms) {
    pid_t p = fork();
    if (p == 0) { sleep_ms(ms); write(fd, "x", 1); _exit(0); }
    return p;
}
static pid_t delayed_signal(pid_t target, int sig, int ms) {
    pid_t p = fork();
    if (p == 0) { sleep_ms(ms); kill(target, sig); _exit(0); }
    return p;
}
static void reap(pid_t p) { int st; waitpid(p, &st, 0); }

static void test_poll(void) {
    int fds[2];
    pipe(fds);
    struct pollfd p[3] = { { fds[0], POLLIN, 0 }, { fds[1], POLLOUT, 0 }, { -1, POLLIN, 7 } };
    int n = poll(p, 3, 0);
    CHECK("poll-empty-pipe", n == 1 && p[0].revents == 0 && (p[1].revents & POLLOUT) && p[2].revents == 0,
          "n=%d r0=%#x r1=%#x r2=%#x", n, p[0].revents, p[1].revents, p[2].revents);
    write(fds[1], "a", 1);
    n = poll(p, 2, 0);
    CHECK("poll-readable", n == 2 && (p[0].revents & POLLIN), "n=%d r0=%#x", n, p[0].revents);
    long long t0 = now_ms();
    struct pollfd q = { fds[1], POLLIN, 0 };
    n = poll(&q, 1, 50);
    long long dt = now_ms() - t0;
    CHECK("poll-timeout", n == 0 && dt >= 45 && dt < 1000, "n=%d dt=%lld", n, dt);
    close(fds[1]);
    struct pollfd h = { fds[0], POLLIN, 0 };
    n = poll(&h, 1, 0);
    CHECK("poll-hup", n == 1 && (h.revents & POLLHUP) && (h.revents & POLLIN), "n=%d r=%#x", n, h.revents);
    char c; read(fds[0], &c, 1);
    n = poll(&h, 1, 0);
    CHECK("poll-hup-drained", n == 1 && h.revents == POLLHUP, "n=%d r=%#x", n, h.revents);
    close(fds[0]);
    struct pollfd bad = { fds[0], POLLIN, 0 };
    n = poll(&bad, 1, 0);
    CHECK("poll-nval", n == 1 && bad.revents == POLLNVAL, "n=%d r=%#x", n, bad.revents);
    pipe(fds);
    close(fds[0]);
    struct pollfd w = { fds[1], POLLOUT, 0 };
    n = poll(&w, 1, 0);
    CHECK("poll-pipe-no-reader-err", n == 1 && (w.revents & POLLERR), "n=%d r=%#x", n, w.revents);
    close(fds[1]);
    n = syscall(SYS_poll, (struct pollfd *)8, 1, 0);
    CHECK("poll-efault", n == -1 && errno == EFAULT, "n=%d errno=%d", n, errno);
    n = syscall(SYS_poll, NULL, 1u << 30, 0);
    CHECK("poll-einval", n == -1 && errno == EINVAL, "n=%d errno=%d", n, errno);
    int f = open("/proc/self/exe", O_RDONLY);
    struct pollfd rf = { f, POLLIN | POLLOUT, 0 };
    n = poll(&rf, 1, 0);
    CHECK("poll-regular-file", n == 1 && rf.revents == (POLLIN | POLLOUT), "n=%d r=%#x", n, rf.revents);
    close(f);

    /* A forked writer wakes a poller blocked without timeout. */
    pipe(fds);
    pid_t child = delayed_writer(fds[1], 50);
    struct pollfd b = { fds[0], POLLIN, 0 };
    t0 = now_ms();
    n = poll(&b, 1, -1);
    dt = now_ms() - t0;
    CHECK("poll-forked-writer", n == 1 && (b.revents & POLLIN) && dt >= 30, "n=%d r=%#x dt=%lld", n, b.revents, dt);
    reap(child);
    close(fds[0]); close(fds[1]);

    /* A signal with a handler interrupts poll: EINTR, not restarted. */
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    pipe(fds);
    usr1_count = 0;
    child = delayed_signal(getpid(), SIGUSR1, 50);
    b.revents = 0;
    n = poll(&b, 1, 5000);
    CHECK("poll-eintr", n == -1 && errno == EINTR && usr1_count == 1, "n=%d errno=%d count=%d", n, errno, usr1_count);
    reap(child);

    /* ppoll: zero timeout, and a mask that unblocks a pending signal. */
    struct timespec zero = { 0, 0 };
    n = ppoll(&b, 1, &zero, NULL);
    CHECK("ppoll-zero", n == 0, "n=%d errno=%d", n, errno);
    sigset_t block, empty, old;
    sigemptyset(&block); sigaddset(&block, SIGUSR1); sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, &old);
    usr1_count = 0;
    kill(getpid(), SIGUSR1);
    struct timespec ts = { 5, 0 };
    n = ppoll(&b, 1, &ts, &empty);
    sigset_t after; sigprocmask(SIG_BLOCK, NULL, &after);
    CHECK("ppoll-sigmask", n == -1 && errno == EINTR && usr1_count == 1 && sigismember(&after, SIGUSR1),
          "n=%d errno=%d count=%d", n, errno, usr1_count);
    sigprocmask(SIG_SETMASK, &old, NULL);
    write(fds[1], "z", 1);
    ts.tv_sec = 5; ts.tv_nsec = 0;
    n = ppoll(&b, 1, &ts, NULL);
    CHECK("ppoll-ready", n == 1 && (b.revents & POLLIN), "n=%d r=%#x", n, b.revents);
    struct timespec badts = { 0, 2000000000L };
    n = ppoll(&b, 1, &badts, NULL);
    CHECK("ppoll-einval-timespec", n == -1 && errno == EINVAL, "n=%d errno=%d", n, errno);
    n = syscall(SYS_ppoll, &b, 1, &ts, &empty, 4);
    CHECK("ppoll-einval-sigsetsize", n == -1 && errno == EINVAL, "n=%d errno=%d", n, errno);
    close(fds[0]); close(fds[1]);
}

static void test_select(void) {
    int fds[2];
    pipe(fds);
    fd_set r, w;
    FD_ZERO(&r); FD_ZERO(&w);
    FD_SET(fds[0], &r); FD_SET(fds[1], &w);
    struct timeval tv = { 0, 0 };
    int n = select(fds[1] + 1, &r, &w, NULL, &tv);
    CHECK("select-writable", n == 1 && !FD_ISSET(fds[0], &r) && FD_ISSET(fds[1], &w), "n=%d", n);
    write(fds[1], "a", 1);
    FD_ZERO(&r); FD_SET(fds[0], &r);
    n = select(fds[0] + 1, &r, NULL, NULL, NULL);
    CHECK("select-readable", n == 1 && FD_ISSET(fds[0], &r), "n=%d", n);
    char c; read(fds[0], &c, 1);
    FD_ZERO(&r); FD_SET(fds[0], &r);
    struct timeval t2 = { 0, 300000 };
    pid_t child = delayed_writer(fds[1], 50);
    long long t0 = now_ms();
    n = syscall(SYS_select, fds[0] + 1, &r, NULL, NULL, &t2);
    long long dt = now_ms() - t0;
    CHECK("select-timeout-updated", n == 1 && FD_ISSET(fds[0], &r) && t2.tv_sec == 0 && t2.tv_usec < 300000 && t2.tv_usec > 0 && dt >= 30,
          "n=%d left=%ld.%06ld dt=%lld", n, (long)t2.tv_sec, (long)t2.tv_usec, dt);
    reap(child);
    FD_ZERO(&r); FD_SET(fds[0], &r);
    struct timeval t3 = { 0, 50000 };
    read(fds[0], &c, 1);
    t0 = now_ms();
    n = select(fds[0] + 1, &r, NULL, NULL, &t3);
    dt = now_ms() - t0;
    CHECK("select-expires", n == 0 && !FD_ISSET(fds[0], &r) && dt >= 45, "n=%d dt=%lld", n, dt);
    FD_ZERO(&r); FD_SET(100, &r);
    tv.tv_sec = 0; tv.tv_usec = 0;
    n = select(101, &r, NULL, NULL, &tv);
    CHECK("select-ebadf", n == -1 && errno == EBADF, "n=%d errno=%d", n, errno);
    n = select(-1, NULL, NULL, NULL, &tv);
    CHECK("select-einval", n == -1 && errno == EINVAL, "n=%d errno=%d", n, errno);
    struct timeval neg = { -1, 0 };
    n = select(0, NULL, NULL, NULL, &neg);
    CHECK("select-negative-timeout", n == -1 && errno == EINVAL, "n=%d errno=%d", n, errno);
    /* pselect with a mask unblocking a pending signal. */
    sigset_t block, empty, old;
    sigemptyset(&block); sigaddset(&block, SIGUSR1); sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, &old);
    usr1_count = 0;
    kill(getpid(), SIGUSR1);
    FD_ZERO(&r); FD_SET(fds[0], &r);
    struct timespec ts = { 5, 0 };
    n = pselect(fds[0] + 1, &r, NULL, NULL, &ts, &empty);
    CHECK("pselect-sigmask", n == -1 && errno == EINTR && usr1_count == 1, "n=%d errno=%d count=%d", n, errno, usr1_count);
    sigprocmask(SIG_SETMASK, &old, NULL);
    write(fds[1], "b", 1);
    FD_ZERO(&r); FD_SET(fds[0], &r);
    ts.tv_sec = 1;
    n = pselect(fds[0] + 1, &r, NULL, NULL, &ts, NULL);
    CHECK("pselect-ready", n == 1 && FD_ISSET(fds[0], &r), "n=%d", n);
    /* fd 1000 (below FD_SETSIZE) works. */
    int hi = dup2(fds[0], 1000);
    fd_set big; FD_ZERO(&big); FD_SET(1000, &big);
    tv.tv_sec = 0; tv.tv_usec = 0;
    n = select(1001, &big, NULL, NULL, &tv);
    CHECK("select-fd-1000", hi == 1000 && n == 1 && FD_ISSET(1000, &big), "hi=%d n=%d errno=%d", hi, n, errno);
    close(1000);
    close(fds[0]); close(fds[1]);
}

static void test_epoll(void) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK("epoll-create1-cloexec", ep >= 0 && (fcntl(ep, F_GETFD) & FD_CLOEXEC), "ep=%d errno=%d", ep, errno);
    int e = syscall(SYS_epoll_create, 0);
    CHECK("epoll-create-einval", e == -1 && errno == EINVAL, "e=%d errno=%d", e, errno);
    e = epoll_create1(1);
    CHECK("epoll-create1-einval", e == -1 && errno == EINVAL, "e=%d errno=%d", e, errno);
    int ep2 = epoll_create(1);
    CHECK("epoll-create", ep2 >= 0 && !(fcntl(ep2, F_GETFD) & FD_CLOEXEC), "ep2=%d", ep2);

    int fds[2];
    pipe(fds);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ULL };
    int r = epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
    CHECK("epoll-ctl-add", r == 0, "r=%d errno=%d", r, errno);
    r = epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
    CHECK("epoll-ctl-eexist", r == -1 && errno == EEXIST, "r=%d errno=%d", r, errno);
    r = epoll_ctl(ep, EPOLL_CTL_MOD, fds[1], &ev);
    CHECK("epoll-ctl-mod-enoent", r == -1 && errno == ENOENT, "r=%d errno=%d", r, errno);
    r = epoll_ctl(ep, EPOLL_CTL_DEL, fds[1], NULL);
    CHECK("epoll-ctl-del-enoent", r == -1 && errno == ENOENT, "r=%d errno=%d", r, errno);
    r = epoll_ctl(fds[0], EPOLL_CTL_ADD, fds[1], &ev);
    CHECK("epoll-ctl-not-epoll", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    r = epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev);
    CHECK("epoll-ctl-self", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    r = epoll_ctl(ep, EPOLL_CTL_ADD, 999, &ev);
    CHECK("epoll-ctl-ebadf", r == -1 && errno == EBADF, "r=%d errno=%d", r, errno);
    r = epoll_ctl(ep, 99, fds[0], &ev);
    CHECK("epoll-ctl-bad-op", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    int f = open("/proc/self/exe", O_RDONLY);
    r = epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev);
    CHECK("epoll-ctl-regular-eperm", r == -1 && errno == EPERM, "r=%d errno=%d", r, errno);
    close(f);

    struct epoll_event out[4];
    int n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-wait-empty", n == 0, "n=%d", n);
    n = epoll_wait(ep, out, 0, 0);
    CHECK("epoll-wait-einval", n == -1 && errno == EINVAL, "n=%d errno=%d", n, errno);
    n = epoll_wait(fds[0], out, 1, 0);
    CHECK("epoll-wait-not-epoll", n == -1 && errno == EINVAL, "n=%d errno=%d", n, errno);
    long long t0 = now_ms();
    n = epoll_wait(ep, out, 4, 50);
    long long dt = now_ms() - t0;
    CHECK("epoll-wait-timeout", n == 0 && dt >= 45, "n=%d dt=%lld", n, dt);

    /* Level-triggered: reported while readable, with the data verbatim. */
    write(fds[1], "a", 1);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-level", n == 1 && out[0].events == EPOLLIN && out[0].data.u64 == 0x1122334455667788ULL,
          "n=%d ev=%#x data=%llx", n, out[0].events, (unsigned long long)out[0].data.u64);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-level-again", n == 1, "n=%d", n);

    /* Edge-triggered: once per new write. */
    ev.events = EPOLLIN | EPOLLET; ev.data.u64 = 42;
    r = epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], &ev);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-edge-first", r == 0 && n == 1 && out[0].data.u64 == 42, "r=%d n=%d", r, n);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-edge-quiet", n == 0, "n=%d", n);
    write(fds[1], "b", 1);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-edge-new-data", n == 1, "n=%d", n);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-edge-quiet-again", n == 0, "n=%d", n);
    char buf[16]; read(fds[0], buf, sizeof buf);

    /* A forked writer wakes epoll_wait(-1) in edge mode. */
    pid_t child = delayed_writer(fds[1], 50);
    n = epoll_wait(ep, out, 4, -1);
    CHECK("epoll-edge-forked-writer", n == 1 && (out[0].events & EPOLLIN), "n=%d", n);
    reap(child);
    read(fds[0], buf, sizeof buf);

    /* One-shot: one report, then nothing until re-armed with MOD. */
    ev.events = EPOLLIN | EPOLLONESHOT; ev.data.u64 = 7;
    epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], &ev);
    write(fds[1], "c", 1);
    n = epoll_wait(ep, out, 4, 0);
    int n2 = epoll_wait(ep, out + 1, 3, 0);
    CHECK("epoll-oneshot", n == 1 && out[0].data.u64 == 7 && n2 == 0, "n=%d n2=%d", n, n2);
    epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], &ev);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-oneshot-rearm", n == 1, "n=%d", n);

    /* Write end and hangup. */
    ev.events = EPOLLOUT; ev.data.u64 = 9;
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[1], &ev);
    ev.events = EPOLLIN; ev.data.u64 = 8;
    epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], &ev);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-two-ready", n == 2, "n=%d", n);
    r = epoll_ctl(ep, EPOLL_CTL_DEL, fds[1], NULL);
    close(fds[1]);
    read(fds[0], buf, sizeof buf);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-hup", r == 0 && n == 1 && out[0].events == EPOLLHUP && out[0].data.u64 == 8, "r=%d n=%d ev=%#x", r, n, out[0].events);
    /* Closing the last descriptor removes the watch. */
    close(fds[0]);
    n = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-close-removes", n == 0, "n=%d", n);

    /* Nesting: ep2 inside ep reports when ep2 has events; a cycle is ELOOP. */
    pipe(fds);
    ev.events = EPOLLIN; ev.data.u64 = 1;
    epoll_ctl(ep2, EPOLL_CTL_ADD, fds[0], &ev);
    ev.data.u64 = 2;
    r = epoll_ctl(ep, EPOLL_CTL_ADD, ep2, &ev);
    n = epoll_wait(ep, out, 4, 0);
    write(fds[1], "d", 1);
    n2 = epoll_wait(ep, out, 4, 0);
    CHECK("epoll-nested", r == 0 && n == 0 && n2 == 1 && out[0].data.u64 == 2, "r=%d n=%d n2=%d", r, n, n2);
    ev.data.u64 = 3;
    r = epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev);
    CHECK("epoll-eloop", r == -1 && errno == ELOOP, "r=%d errno=%d", r, errno);
    struct pollfd pp = { ep, POLLIN, 0 };
    n = poll(&pp, 1, 0);
    CHECK("epoll-pollable", n == 1 && (pp.revents & POLLIN), "n=%d r=%#x", n, pp.revents);

    /* epoll_pwait: a signal interrupts with EINTR. */
    read(fds[0], buf, sizeof buf);
    usr1_count = 0;
    child = delayed_signal(getpid(), SIGUSR1, 50);
    sigset_t empty; sigemptyset(&empty);
    n = epoll_pwait(ep2, out, 4, 5000, &empty);
    CHECK("epoll-pwait-eintr", n == -1 && errno == EINTR && usr1_count == 1, "n=%d errno=%d count=%d", n, errno, usr1_count);
    reap(child);
    close(fds[0]); close(fds[1]);
    close(ep); close(ep2);
}

static void test_eventfd(void) {
    int fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
    CHECK("eventfd-create", fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) && (fcntl(fd, F_GETFL) & O_NONBLOCK), "fd=%d", fd);
    uint64_t v = 4;
    ssize_t k = write(fd, &v, 8);
    v = 0;
    ssize_t k2 = read(fd, &v, 8);
    CHECK("eventfd-sum", k == 8 && k2 == 8 && v == 7, "k=%zd k2=%zd v=%llu", k, k2, (unsigned long long)v);
    k = read(fd, &v, 8);
    CHECK("eventfd-eagain", k == -1 && errno == EAGAIN, "k=%zd errno=%d", k, errno);
    k = read(fd, &v, 4);
    CHECK("eventfd-short-read", k == -1 && errno == EINVAL, "k=%zd errno=%d", k, errno);
    k = write(fd, &v, 4);
    CHECK("eventfd-short-write", k == -1 && errno == EINVAL, "k=%zd errno=%d", k, errno);
    v = UINT64_MAX;
    k = write(fd, &v, 8);
    CHECK("eventfd-write-max", k == -1 && errno == EINVAL, "k=%zd errno=%d", k, errno);
    v = UINT64_MAX - 1;
    k = write(fd, &v, 8);
    v = 1;
    k2 = write(fd, &v, 8);
    struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
    int n = poll(&p, 1, 0);
    CHECK("eventfd-full", k == 8 && k2 == -1 && errno == EAGAIN && n == 1 && p.revents == POLLIN, "k=%zd k2=%zd n=%d r=%#x", k, k2, n, p.revents);
    close(fd);

    fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    uint64_t a = 0, b = 0, c = 0, d = 0;
    read(fd, &a, 8); read(fd, &b, 8); read(fd, &c, 8);
    k = read(fd, &d, 8);
    CHECK("eventfd-semaphore", a == 1 && b == 1 && c == 1 && k == -1 && errno == EAGAIN, "a=%llu b=%llu c=%llu k=%zd",
          (unsigned long long)a, (unsigned long long)b, (unsigned long long)c, k);
    close(fd);
    fd = eventfd(0, 0x1234);
    CHECK("eventfd-bad-flags", fd == -1 && errno == EINVAL, "fd=%d errno=%d", fd, errno);

    /* Blocking read woken by a forked writer; epoll sees it. */
    fd = eventfd(0, 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 5 };
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    pid_t child = fork();
    if (child == 0) { sleep_ms(50); uint64_t one = 5; write(fd, &one, 8); _exit(0); }
    struct epoll_event out;
    n = epoll_wait(ep, &out, 1, 5000);
    v = 0;
    k = read(fd, &v, 8);
    CHECK("eventfd-forked-writer", n == 1 && out.data.u64 == 5 && k == 8 && v == 5, "n=%d k=%zd v=%llu", n, k, (unsigned long long)v);
    reap(child);
    close(ep); close(fd);
}

static void test_timerfd(void) {
    int bad = timerfd_create(12345, 0);
    CHECK("timerfd-bad-clock", bad == -1 && errno == EINVAL, "fd=%d errno=%d", bad, errno);
    bad = timerfd_create(CLOCK_MONOTONIC, 0x1234);
    CHECK("timerfd-bad-flags", bad == -1 && errno == EINVAL, "fd=%d errno=%d", bad, errno);
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    CHECK("timerfd-create", fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "fd=%d errno=%d", fd, errno);
    uint64_t v;
    ssize_t k = read(fd, &v, 8);
    CHECK("timerfd-disarmed-eagain", k == -1 && errno == EAGAIN, "k=%zd errno=%d", k, errno);
    struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } }, cur;
    int r = timerfd_settime(fd, 0, &its, NULL);
    timerfd_gettime(fd, &cur);
    CHECK("timerfd-gettime", r == 0 && cur.it_interval.tv_nsec == 20000000 && cur.it_value.tv_sec == 0 &&
          cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 20000000, "r=%d v=%ld", r, cur.it_value.tv_nsec);
    sleep_ms(110);
    v = 0;
    k = read(fd, &v, 8);
    CHECK("timerfd-periodic", k == 8 && v >= 4 && v <= 7, "k=%zd v=%llu", k, (unsigned long long)v);
    k = read(fd, &v, 4);
    CHECK("timerfd-short-read", k == -1 && errno == EINVAL, "k=%zd errno=%d", k, errno);
    /* poll wakes at the next expiration. */
    struct pollfd p = { fd, POLLIN, 0 };
    read(fd, &v, 8);
    int n = poll(&p, 1, 1000);
    CHECK("timerfd-poll", n == 1 && (p.revents & POLLIN), "n=%d r=%#x", n, p.revents);
    /* epoll, edge-triggered, sees periodic expirations (Linux re-arms a timerfd's
     * wake-up on read, so read between waits). */
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = 77 }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    int got = 0;
    for (int i = 0; i < 3; i++) { got += epoll_wait(ep, &out, 1, 1000); read(fd, &v, 8); }
    CHECK("timerfd-epoll-edge", got == 3 && out.data.u64 == 77, "got=%d", got);
    close(ep);
    /* Disarm, with the old value returned. */
    struct itimerspec zero = { { 0, 0 }, { 0, 0 } }, old;
    r = timerfd_settime(fd, 0, &zero, &old);
    timerfd_gettime(fd, &cur);
    CHECK("timerfd-disarm", r == 0 && old.it_interval.tv_nsec == 20000000 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
          "r=%d old=%ld cur=%ld", r, old.it_interval.tv_nsec, cur.it_value.tv_nsec);
    close(fd);
    /* Blocking one-shot, absolute on CLOCK_REALTIME. */
    fd = timerfd_create(CLOCK_REALTIME, 0);
    struct timespec nowts;
    clock_gettime(CLOCK_REALTIME, &nowts);
    struct itimerspec abs = { { 0, 0 }, nowts };
    abs.it_value.tv_nsec += 50000000;
    if (abs.it_value.tv_nsec >= 1000000000) { abs.it_value.tv_sec++; abs.it_value.tv_nsec -= 1000000000; }
    r = timerfd_settime(fd, TFD_TIMER_ABSTIME, &abs, NULL);
    long long t0 = now_ms();
    v = 0;
    k = read(fd, &v, 8);
    long long dt = now_ms() - t0;
    CHECK("timerfd-abstime-blocking", r == 0 && k == 8 && v == 1 && dt >= 30 && dt < 1000, "r=%d k=%zd v=%llu dt=%lld", r, k, (unsigned long long)v, dt);
    struct itimerspec badspec = { { 0, 0 }, { 0, 1000000000 } };
    r = timerfd_settime(fd, 0, &badspec, NULL);
    CHECK("timerfd-settime-einval", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    r = timerfd_settime(fd, 0x100, &its, NULL);
    CHECK("timerfd-settime-bad-flags", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    int e = eventfd(0, 0);
    r = timerfd_settime(e, 0, &its, NULL);
    CHECK("timerfd-settime-not-timerfd", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    r = timerfd_gettime(999, &cur);
    CHECK("timerfd-gettime-ebadf", r == -1 && errno == EBADF, "r=%d errno=%d", r, errno);
    close(e); close(fd);
    fd = timerfd_create(CLOCK_BOOTTIME, 0);
    CHECK("timerfd-boottime", fd >= 0, "fd=%d errno=%d", fd, errno);
    close(fd);
}

static void test_signalfd(void) {
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR2);
    sigprocmask(SIG_BLOCK, &mask, &old);
    int fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK("signalfd-create", fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC), "fd=%d errno=%d", fd, errno);
    struct signalfd_siginfo si;
    ssize_t k = read(fd, &si, sizeof si);
    CHECK("signalfd-eagain", k == -1 && errno == EAGAIN, "k=%zd errno=%d", k, errno);
    kill(getpid(), SIGUSR2);
    struct pollfd p = { fd, POLLIN, 0 };
    int n = poll(&p, 1, 0);
    CHECK("signalfd-poll", n == 1 && (p.revents & POLLIN), "n=%d r=%#x", n, p.revents);
    k = read(fd, &si, 64);
    CHECK("signalfd-short-read", k == -1 && errno == EINVAL, "k=%zd errno=%d", k, errno);
    memset(&si, 0, sizeof si);
    k = read(fd, &si, sizeof si);
    CHECK("signalfd-read", k == 128 && si.ssi_signo == SIGUSR2 && si.ssi_pid == (uint32_t)getpid() && si.ssi_code == SI_USER,
          "k=%zd signo=%u pid=%u code=%d", k, si.ssi_signo, si.ssi_pid, si.ssi_code);
    sigset_t pending; sigpending(&pending);
    CHECK("signalfd-consumed", !sigismember(&pending, SIGUSR2), "still pending");
    close(fd);

    /* Blocking read, with the signal sent by a child. */
    fd = signalfd(-1, &mask, 0);
    pid_t child = delayed_signal(getpid(), SIGUSR2, 50);
    memset(&si, 0, sizeof si);
    k = read(fd, &si, sizeof si);
    CHECK("signalfd-kill-from-child", k == 128 && si.ssi_signo == SIGUSR2 && si.ssi_pid == (uint32_t)child,
          "k=%zd signo=%u pid=%u child=%d", k, si.ssi_signo, si.ssi_pid, child);
    reap(child);
    /* Changing the mask of an existing signalfd; epoll sees it. */
    sigset_t both = mask;
    sigaddset(&both, SIGUSR1);
    sigprocmask(SIG_BLOCK, &both, NULL);
    int r = signalfd(fd, &both, 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 11 }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    kill(getpid(), SIGUSR1);
    n = epoll_wait(ep, &out, 1, 1000);
    k = read(fd, &si, sizeof si);
    CHECK("signalfd-update-mask", r == fd && n == 1 && out.data.u64 == 11 && k == 128 && si.ssi_signo == SIGUSR1,
          "r=%d n=%d k=%zd signo=%u", r, n, k, si.ssi_signo);
    close(ep);
    r = syscall(SYS_signalfd4, -1, &mask, 4, 0);
    CHECK("signalfd-bad-size", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    int e = eventfd(0, 0);
    r = signalfd(e, &mask, 0);
    CHECK("signalfd-not-signalfd", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    r = signalfd(-1, &mask, 0x40);
    CHECK("signalfd-bad-flags", r == -1 && errno == EINVAL, "r=%d errno=%d", r, errno);
    close(e); close(fd);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = { 0 };
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    test_poll();
    test_select();
    test_epoll();
    test_eventfd();
    test_timerfd();
    test_signalfd();
    printf("%d failures\n", failures);
    return failures;
}
