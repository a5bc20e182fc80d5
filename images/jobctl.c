/* Job control (stop/continue, WUNTRACED/WCONTINUED, waitid WSTOPPED/WNOWAIT, SIGCHLD
 * CLD_STOPPED/CLD_CONTINUED, orphaned process groups), PR_SET_PDEATHSIG, queued
 * real-time signals (order, si_value, coalescing of standard signals, EAGAIN at the
 * queue limit) and timer_create(SIGEV_THREAD). Prints "ok NAME" or "FAIL NAME: ...";
 * the last line is "N failures" and the exit status the failure count. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } fflush(stdout); } while (0)

static void msleep(int ms) { struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L}; while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {} }

/* Reads one byte within `ms` milliseconds; -1 on timeout. */
static int read_byte(int fd, int ms) {
    struct pollfd p = {fd, POLLIN, 0};
    int r;
    do r = poll(&p, 1, ms); while (r < 0 && errno == EINTR);
    if (r <= 0) return -1;
    unsigned char c;
    ssize_t n;
    do n = read(fd, &c, 1); while (n < 0 && errno == EINTR);
    return n == 1 ? c : -1;
}

/* Bytes available without blocking (the pipe is drained). */
static int drain(int fd) {
    int n = 0;
    struct pollfd p = {fd, POLLIN, 0};
    char buf[256];
    while (poll(&p, 1, 0) == 1 && (p.revents & POLLIN)) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) break;
        n += (int)r;
    }
    return n;
}

static volatile sig_atomic_t chld_count, chld_code, chld_pid, chld_status;
static void on_chld(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    chld_count++; chld_code = si->si_code; chld_pid = si->si_pid; chld_status = si->si_status;
}

/* A child that writes a byte to `wfd` every millisecond, forever. */
static pid_t spawn_ticker(int wfd) {
    pid_t pid = fork();
    if (pid == 0) {
        for (;;) { if (write(wfd, "t", 1) < 0 && errno != EINTR) _exit(3); msleep(1); }
    }
    return pid;
}

static void test_stop_continue(void) {
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    int p[2];
    if (pipe(p) < 0) { CHECK("pipe", 0, "errno %d", errno); return; }
    pid_t c = spawn_ticker(p[1]);
    close(p[1]);
    CHECK("ticker runs", read_byte(p[0], 2000) == 't', "no tick");

    chld_count = 0;
    CHECK("kill SIGSTOP", kill(c, SIGSTOP) == 0, "errno %d", errno);
    int st = 0;
    pid_t r = waitpid(c, &st, WUNTRACED);
    CHECK("WUNTRACED reports stop", r == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP && (st & 0xff) == 0x7f,
          "r %d status %#x", r, st);
    CHECK("SIGCHLD CLD_STOPPED", chld_count == 1 && chld_code == CLD_STOPPED && chld_pid == c && chld_status == SIGSTOP,
          "count %d code %d pid %d status %d", (int)chld_count, (int)chld_code, (int)chld_pid, (int)chld_status);
    r = waitpid(c, &st, WUNTRACED | WNOHANG);
    CHECK("stop reported once", r == 0, "r %d status %#x", r, st);
    drain(p[0]);
    msleep(100);
    int n = drain(p[0]);
    CHECK("stopped child makes no progress", n == 0, "%d bytes while stopped", n);

    chld_count = 0;
    CHECK("kill SIGCONT", kill(c, SIGCONT) == 0, "errno %d", errno);
    r = waitpid(c, &st, WCONTINUED);
    CHECK("WCONTINUED reports continue", r == c && WIFCONTINUED(st) && st == 0xffff, "r %d status %#x", r, st);
    for (int i = 0; i < 1000 && chld_count == 0; i++) msleep(1);   /* Linux notifies once the child runs */
    CHECK("SIGCHLD CLD_CONTINUED", chld_count == 1 && chld_code == CLD_CONTINUED && chld_pid == c && chld_status == SIGCONT,
          "count %d code %d pid %d status %d", (int)chld_count, (int)chld_code, (int)chld_pid, (int)chld_status);
    CHECK("continued child progresses", read_byte(p[0], 2000) == 't', "no tick after SIGCONT");
    r = waitpid(c, &st, WCONTINUED | WNOHANG);
    CHECK("continue reported once", r == 0, "r %d", r);

    /* waitid: WSTOPPED with WNOWAIT leaves the stop reportable. */
    kill(c, SIGSTOP);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int w = waitid(P_PID, c, &si, WSTOPPED | WNOWAIT);
    CHECK("waitid WSTOPPED|WNOWAIT", w == 0 && si.si_signo == SIGCHLD && si.si_code == CLD_STOPPED && si.si_pid == c
          && si.si_status == SIGSTOP, "w %d errno %d code %d pid %d status %d", w, errno, si.si_code, si.si_pid, si.si_status);
    memset(&si, 0, sizeof si);
    w = waitid(P_PID, c, &si, WSTOPPED);
    CHECK("waitid WSTOPPED again after WNOWAIT", w == 0 && si.si_code == CLD_STOPPED && si.si_pid == c,
          "w %d code %d pid %d", w, si.si_code, si.si_pid);
    memset(&si, 0, sizeof si);
    w = waitid(P_PID, c, &si, WSTOPPED | WNOHANG);
    CHECK("waitid WSTOPPED consumed", w == 0 && si.si_pid == 0, "w %d pid %d", w, si.si_pid);
    w = waitid(P_PID, c, &si, WNOHANG);
    CHECK("waitid without WEXITED/WSTOPPED/WCONTINUED is EINVAL", w == -1 && errno == EINVAL, "w %d errno %d", w, errno);
    kill(c, SIGCONT);
    memset(&si, 0, sizeof si);
    w = waitid(P_PID, c, &si, WCONTINUED);
    CHECK("waitid WCONTINUED", w == 0 && si.si_code == CLD_CONTINUED && si.si_pid == c && si.si_status == SIGCONT,
          "w %d code %d pid %d status %d", w, si.si_code, si.si_pid, si.si_status);

    /* SA_NOCLDSTOP: no SIGCHLD for stops, wait still reports them. */
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    chld_count = 0;
    kill(c, SIGSTOP);
    r = waitpid(c, &st, WUNTRACED);
    CHECK("SA_NOCLDSTOP", r == c && WIFSTOPPED(st) && chld_count == 0, "r %d status %#x count %d", r, st, (int)chld_count);

    /* A stopped process still dies of SIGKILL. */
    chld_count = 0;
    kill(c, SIGKILL);
    r = waitpid(c, &st, 0);
    CHECK("SIGKILL kills a stopped child", r == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "r %d status %#x", r, st);
    CHECK("SIGCHLD CLD_KILLED", chld_count == 1 && chld_code == CLD_KILLED && chld_status == SIGKILL,
          "count %d code %d status %d", (int)chld_count, (int)chld_code, (int)chld_status);
    close(p[0]);
    signal(SIGCHLD, SIG_DFL);
}

static void *tick_thread(void *arg) {
    int fd = (int)(long)arg;
    for (;;) { if (write(fd, "t", 1) < 0 && errno != EINTR) _exit(3); msleep(1); }
    return NULL;
}

/* All threads stop: the ticking thread is not the one that takes the signal. */
static void test_threads_stop(void) {
    int p[2];
    if (pipe(p) < 0) return;
    pid_t c = fork();
    if (c == 0) {
        pthread_t th;
        pthread_create(&th, NULL, tick_thread, (void *)(long)p[1]);
        for (;;) pause();
    }
    close(p[1]);
    CHECK("threaded child ticks", read_byte(p[0], 2000) == 't', "no tick");
    kill(c, SIGSTOP);
    int st = 0;
    pid_t r = waitpid(c, &st, WUNTRACED);
    drain(p[0]);
    msleep(100);
    int n = drain(p[0]);
    CHECK("all threads of a stopped process stop", r == c && WIFSTOPPED(st) && n == 0, "r %d status %#x %d bytes", r, st, n);
    kill(c, SIGCONT);
    CHECK("all threads continue", read_byte(p[0], 2000) == 't', "no tick after SIGCONT");
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    close(p[0]);
}

static int hpipe = -1;
static void on_tstp(int sig) { (void)sig; (void)!write(hpipe, "H", 1); }
static void on_cont(int sig) { (void)sig; (void)!write(hpipe, "C", 1); }

static void test_handlers(void) {
    int p[2];
    (void)!pipe(p);
    pid_t c = fork();
    if (c == 0) {
        hpipe = p[1];
        signal(SIGTSTP, on_tstp);
        signal(SIGCONT, on_cont);
        (void)!write(p[1], "R", 1);
        for (;;) pause();
    }
    close(p[1]);
    int st = 0;
    CHECK("handler child ready", read_byte(p[0], 2000) == 'R', "no ready byte");
    kill(c, SIGTSTP);
    int b = read_byte(p[0], 2000);
    pid_t r = waitpid(c, &st, WUNTRACED | WNOHANG);
    CHECK("SIGTSTP handler runs instead of stopping", b == 'H' && r == 0, "byte %d wait %d status %#x", b, r, st);
    kill(c, SIGSTOP);
    r = waitpid(c, &st, WUNTRACED);
    CHECK("stopped before SIGCONT", r == c && WIFSTOPPED(st), "r %d status %#x", r, st);
    kill(c, SIGCONT);
    b = read_byte(p[0], 2000);
    r = waitpid(c, &st, WCONTINUED);
    CHECK("caught SIGCONT continues and runs the handler", b == 'C' && r == c && WIFCONTINUED(st), "byte %d r %d status %#x", b, r, st);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    close(p[0]);
}

/* Runs `fn` in a child ("middle") process and returns its exit status: its own
 * children can then sit in a process group that is not orphaned (parent in another
 * group of the same session), whoever our parent is. */
static int in_middle(int (*fn)(void)) {
    pid_t m = fork();
    if (m == 0) { fflush(stdout); _exit(fn()); }
    int st = 0;
    waitpid(m, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static int tstp_in_group(void) {
    int p[2], go[2];
    (void)!pipe(p);
    (void)!pipe(go);
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        sigset_t s; sigemptyset(&s); sigaddset(&s, SIGTSTP);
        sigprocmask(SIG_BLOCK, &s, NULL);
        (void)!write(p[1], "R", 1);
        char c;
        (void)!read(go[0], &c, 1);                 /* "go" */
        sigprocmask(SIG_UNBLOCK, &s, NULL);        /* the pending SIGTSTP was discarded */
        (void)!write(p[1], "U", 1);
        for (;;) pause();
    }
    setpgid(g, g);
    int st = 0, bad = 0;
    if (read_byte(p[0], 2000) != 'R') return 1;
    /* SIGCONT discards a pending stop signal. */
    kill(g, SIGTSTP);
    kill(g, SIGCONT);
    (void)!write(go[1], "g", 1);
    int b = read_byte(p[0], 2000);
    if (b != 'U') bad |= 2;
    if (waitpid(g, &st, WUNTRACED | WNOHANG) != 0) bad |= 4;
    /* Default SIGTSTP stops a process whose group is not orphaned. */
    kill(g, SIGTSTP);
    pid_t r = waitpid(g, &st, WUNTRACED);
    if (!(r == g && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP)) bad |= 8;
    kill(g, SIGKILL);
    waitpid(g, &st, 0);
    return bad;
}

static int orphan_pipe[2];
static int orphan_middle(void) {
    pid_t m = getpid();
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        (void)!write(orphan_pipe[1], "R", 1);
        while (getppid() == m) msleep(1);          /* the middle exits: orphaned group */
        raise(SIGTSTP);                             /* discarded */
        (void)!write(orphan_pipe[1], "A", 1);
        _exit(0);
    }
    return read_byte(orphan_pipe[0], 2000) == 'R' ? 0 : 1;
}

static void test_groups(void) {
    int r = in_middle(tstp_in_group);
    CHECK("SIGCONT discards a pending SIGTSTP; SIGTSTP stops (WSTOPSIG)", r == 0, "middle status %d", r);
    (void)!pipe(orphan_pipe);
    r = in_middle(orphan_middle);
    int b = read_byte(orphan_pipe[0], 3000);
    CHECK("SIGTSTP to an orphaned process group is discarded", r == 0 && b == 'A', "middle %d byte %d", r, b);
    close(orphan_pipe[0]); close(orphan_pipe[1]);
    while (waitpid(-1, NULL, WNOHANG) > 0) {}       /* the orphan may be ours (PID 1) */
}

static int death_pipe[2];
static pid_t death_middle_pid;
static void on_parent_death(int sig, siginfo_t *si, void *uc) {
    (void)uc; (void)si;
    char c = sig == SIGUSR1 && getppid() != death_middle_pid ? 'D' : 'x';
    (void)!write(death_pipe[1], &c, 1);
    _exit(0);
}

static int death_middle(void) {
    death_middle_pid = getpid();
    pid_t g = fork();
    if (g == 0) {
        struct sigaction sa = {0};
        sa.sa_sigaction = on_parent_death;
        sa.sa_flags = SA_SIGINFO;
        sigaction(SIGUSR1, &sa, NULL);
        if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0) _exit(5);
        (void)!write(death_pipe[1], "R", 1);
        for (;;) pause();
    }
    return read_byte(death_pipe[0], 2000) == 'R' ? 0 : 1;   /* then exit: the child gets SIGUSR1 */
}

static void test_pdeathsig(void) {
    int v = -1;
    int r = prctl(PR_GET_PDEATHSIG, &v);
    CHECK("PR_GET_PDEATHSIG initially 0", r == 0 && v == 0, "r %d v %d", r, v);
    r = prctl(PR_SET_PDEATHSIG, SIGUSR2);
    prctl(PR_GET_PDEATHSIG, &v);
    CHECK("PR_SET_PDEATHSIG/PR_GET_PDEATHSIG", r == 0 && v == SIGUSR2, "r %d v %d", r, v);
    r = prctl(PR_SET_PDEATHSIG, 65);
    CHECK("PR_SET_PDEATHSIG 65 is EINVAL", r == -1 && errno == EINVAL, "r %d errno %d", r, errno);
    pid_t c = fork();
    if (c == 0) { int x = -1; prctl(PR_GET_PDEATHSIG, &x); _exit(x); }
    int st = 0;
    waitpid(c, &st, 0);
    CHECK("fork clears the parent-death signal", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    prctl(PR_SET_PDEATHSIG, 0);

    (void)!pipe(death_pipe);
    r = in_middle(death_middle);
    int b = read_byte(death_pipe[0], 3000);
    CHECK("parent-death signal delivered after reparenting", r == 0 && b == 'D', "middle %d byte %d", r, b);
    close(death_pipe[0]); close(death_pipe[1]);
    while (waitpid(-1, NULL, WNOHANG) > 0) {}
}

static volatile int rt_values[8];
static volatile sig_atomic_t rt_count;
static void on_rt(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    if (rt_count < 8) rt_values[rt_count] = si->si_value.sival_int;
    rt_count++;
}

static void test_rt_queue(void) {
    int rt = SIGRTMIN;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, rt); sigaddset(&set, rt + 1); sigaddset(&set, SIGUSR1); sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct timespec zero = {0, 0};
    siginfo_t si;

    /* Three instances, each with its own si_value, taken in order. */
    int ok = 1;
    for (int i = 1; i <= 3; i++) ok &= sigqueue(getpid(), rt, (union sigval){.sival_int = i}) == 0;
    CHECK("sigqueue SIGRTMIN x3", ok, "errno %d", errno);
    int got[3] = {0}, codes[3] = {0}, sigs[3] = {0};
    for (int i = 0; i < 3; i++) {
        sigs[i] = sigtimedwait(&set, &si, &zero);
        got[i] = si.si_value.sival_int; codes[i] = si.si_code;
    }
    CHECK("queued SIGRTMIN instances in order with si_value", sigs[0] == rt && sigs[1] == rt && sigs[2] == rt
          && got[0] == 1 && got[1] == 2 && got[2] == 3 && codes[0] == SI_QUEUE && codes[2] == SI_QUEUE,
          "sigs %d %d %d values %d %d %d codes %d", sigs[0], sigs[1], sigs[2], got[0], got[1], got[2], codes[0]);
    int r = sigtimedwait(&set, &si, &zero);
    CHECK("queue empty afterwards (EAGAIN)", r == -1 && errno == EAGAIN, "r %d errno %d", r, errno);

    /* Lowest signal number first. */
    sigqueue(getpid(), rt + 1, (union sigval){.sival_int = 22});
    sigqueue(getpid(), rt, (union sigval){.sival_int = 11});
    int s1 = sigtimedwait(&set, &si, &zero), v1 = si.si_value.sival_int;
    int s2 = sigtimedwait(&set, &si, &zero), v2 = si.si_value.sival_int;
    CHECK("lowest real-time signal first", s1 == rt && v1 == 11 && s2 == rt + 1 && v2 == 22, "%d/%d %d/%d", s1, v1, s2, v2);

    /* Standard signals coalesce; the first instance's siginfo is kept. */
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 5});
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 6});
    kill(getpid(), SIGUSR1); kill(getpid(), SIGUSR1); kill(getpid(), SIGUSR1);
    s1 = sigtimedwait(&set, &si, &zero);
    int c1 = si.si_code;
    s2 = sigtimedwait(&set, &si, &zero);
    v2 = si.si_value.sival_int;
    r = sigtimedwait(&set, &si, &zero);
    CHECK("standard signals coalesce", s1 == SIGUSR1 && c1 == SI_USER && s2 == SIGUSR2 && v2 == 5 && r == -1 && errno == EAGAIN,
          "%d code %d, %d value %d, then %d errno %d", s1, c1, s2, v2, r, errno);

    /* signalfd reads one record per instance. */
    int fd = signalfd(-1, &set, SFD_NONBLOCK);
    sigqueue(getpid(), rt, (union sigval){.sival_int = 7});
    sigqueue(getpid(), rt, (union sigval){.sival_int = 8});
    struct signalfd_siginfo recs[4];
    ssize_t n = read(fd, recs, sizeof recs);
    CHECK("signalfd reads each queued instance", n == 2 * (ssize_t)sizeof recs[0] && (int)recs[0].ssi_signo == rt
          && recs[0].ssi_int == 7 && recs[1].ssi_int == 8 && recs[0].ssi_code == SI_QUEUE,
          "n %zd values %d %d", n, n > 0 ? (int)recs[0].ssi_int : -1, n > 128 ? (int)recs[1].ssi_int : -1);
    close(fd);

    /* Handlers: one per instance, in order. */
    struct sigaction sa = {0};
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(rt, &sa, NULL);
    rt_count = 0;
    for (int i = 1; i <= 3; i++) sigqueue(getpid(), rt, (union sigval){.sival_int = 10 * i});
    sigset_t only; sigemptyset(&only); sigaddset(&only, rt);
    sigprocmask(SIG_UNBLOCK, &only, NULL);
    CHECK("handler runs once per queued instance, in order", rt_count == 3 && rt_values[0] == 10 && rt_values[1] == 20
          && rt_values[2] == 30, "count %d values %d %d %d", (int)rt_count, rt_values[0], rt_values[1], rt_values[2]);

    /* sigsuspend consumes one instance: the restored mask blocks the second. */
    sigprocmask(SIG_BLOCK, &only, NULL);
    rt_count = 0;
    sigqueue(getpid(), rt, (union sigval){.sival_int = 1});
    sigqueue(getpid(), rt, (union sigval){.sival_int = 2});
    sigset_t empty; sigemptyset(&empty);
    r = sigsuspend(&empty);
    sigset_t pend; sigpending(&pend);
    CHECK("sigsuspend takes one instance", r == -1 && errno == EINTR && rt_count == 1 && rt_values[0] == 1
          && sigismember(&pend, rt), "r %d count %d pending %d", r, (int)rt_count, sigismember(&pend, rt));
    r = sigtimedwait(&only, &si, &zero);
    CHECK("the second instance stays queued", r == rt && si.si_value.sival_int == 2, "r %d value %d", r, si.si_value.sival_int);
    signal(rt, SIG_DFL);

    /* The queue is bounded: sigqueue fails with EAGAIN, nothing is lost below it. */
    int queued = 0, err = 0;
    while (queued < 200000) {
        if (sigqueue(getpid(), rt, (union sigval){.sival_int = queued}) != 0) { err = errno; break; }
        queued++;
    }
    int drained = 0, inorder = 1;
    while (sigtimedwait(&only, &si, &zero) == rt) { inorder &= si.si_value.sival_int == drained; drained++; }
    CHECK("sigqueue beyond the limit is EAGAIN", err == EAGAIN && queued > 32 && drained == queued && inorder,
          "queued %d errno %d drained %d inorder %d", queued, err, drained, inorder);
    printf("queue limit %d\n", queued);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static volatile int thread_timer_value;
static void on_thread_timer(union sigval v) { thread_timer_value = v.sival_int; }

static void test_sigev_thread(void) {
    int rt = SIGRTMIN;
    sigset_t set, old;
    sigemptyset(&set); sigaddset(&set, rt);
    sigprocmask(SIG_BLOCK, &set, &old);
    /* The raw syscall: the kernel treats SIGEV_THREAD like SIGEV_SIGNAL. */
    struct { union sigval v; int signo, notify; int pad[12]; } sev;
    memset(&sev, 0, sizeof sev);
    sev.v.sival_int = 4242; sev.signo = rt; sev.notify = SIGEV_THREAD;
    int id = -1;
    long r = syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id);
    CHECK("timer_create SIGEV_THREAD (raw)", r == 0, "r %ld errno %d", r, errno);
    if (r == 0) {
        struct itimerspec its = {{0, 0}, {0, 10 * 1000000}};
        syscall(SYS_timer_settime, id, 0, &its, NULL);
        struct timespec ts = {5, 0}, t0, t1;
        siginfo_t si;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int s = sigtimedwait(&set, &si, &ts);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
        CHECK("SIGEV_THREAD expiry is SI_TIMER with si_value", s == rt && si.si_code == SI_TIMER && si.si_value.sival_int == 4242,
              "s %d code %d value %d", s, si.si_code, si.si_value.sival_int);
        CHECK("sigtimedwait wakes when the blocked signal arrives", ms < 1000, "%ld ms", ms);
        syscall(SYS_timer_delete, id);
    }
    sev.signo = 0;
    r = syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id);
    CHECK("SIGEV_THREAD with signal 0 is EINVAL", r == -1 && errno == EINVAL, "r %ld errno %d", r, errno);
    sev.signo = rt; sev.notify = 3;
    r = syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id);
    CHECK("unknown sigev_notify is EINVAL", r == -1 && errno == EINVAL, "r %ld errno %d", r, errno);
    sigprocmask(SIG_SETMASK, &old, NULL);

    /* The C library's SIGEV_THREAD: the callback runs on a thread it makes. */
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = on_thread_timer;
    ev.sigev_value.sival_int = 77;
    timer_t t;
    int cr = timer_create(CLOCK_MONOTONIC, &ev, &t);
    if (cr == 0) {
        struct itimerspec its = {{0, 0}, {0, 10 * 1000000}};
        timer_settime(t, 0, &its, NULL);
        for (int i = 0; i < 2000 && thread_timer_value == 0; i++) msleep(1);
        timer_delete(t);
    }
    CHECK("timer_create SIGEV_THREAD (libc) runs the callback", cr == 0 && thread_timer_value == 77,
          "r %d errno %d value %d", cr, errno, thread_timer_value);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_stop_continue();
    test_threads_stop();
    test_handlers();
    test_groups();
    test_pdeathsig();
    test_rt_queue();
    test_sigev_thread();
    printf("%d failures\n", failures);
    return failures;
}
