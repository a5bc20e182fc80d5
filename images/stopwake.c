/* Stops reach threads asleep in the kernel, and their calls resume after SIGCONT
 * (signal(7): nanosleep continues with the time left, pipe read / poll / futex / wait4
 * restart, sigsuspend and pause keep waiting, sigtimedwait fails with EINTR as Linux
 * documents); zombies and /proc/<pid>/stat; RLIMIT_SIGPENDING bounds queued signals.
 * `stopwake leak N` instead runs N rounds of "a child whose threads block, then
 * exit_group" and checks the kernel heap (Slab in /proc/meminfo) stays flat.
 * Prints "ok NAME" or "FAIL NAME: ..."; the last line is "N failures". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } fflush(stdout); } while (0)

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(int ms) { struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L}; while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {} }

/* Reads up to `max` bytes within `ms` milliseconds. */
static int collect(int fd, char *buf, int max, int ms) {
    int n = 0;
    long end = now_ms() + ms;
    while (n < max) {
        long left = end - now_ms();
        if (left <= 0) break;
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        ssize_t k = read(fd, buf + n, 1);
        if (k == 1) n++;
        else if (k == 0) break;
    }
    buf[n] = 0;
    return n;
}

static int report_fd, data_fd, poll_fd;
static volatile int futex_word, futex_word2;
static pid_t grandchild;
static void report(char c) { (void)!write(report_fd, &c, 1); }

static void *nanosleep_thread(void *arg) {
    (void)arg;
    long t0 = now_ms();
    struct timespec ts = {2, 0}, rem = {0, 0};
    int r = nanosleep(&ts, &rem);
    long el = now_ms() - t0;
    /* Restarted with the time left: about 2 s in all, however long it was stopped. */
    report(r == 0 && el >= 1990 && el < 2400 ? 'N' : 'n');
    return NULL;
}

static void *read_thread(void *arg) {
    (void)arg;
    char c;
    ssize_t n = read(data_fd, &c, 1);
    report(n == 1 && c == 'd' ? 'R' : 'r');
    return NULL;
}

static void *poll_thread(void *arg) {
    (void)arg;
    struct pollfd p = {poll_fd, POLLIN, 0};
    int r = poll(&p, 1, -1);
    report(r == 1 && (p.revents & POLLIN) ? 'P' : 'p');
    return NULL;
}

static void *futex_timeout_thread(void *arg) {
    (void)arg;
    struct timespec ts = {0, 700 * 1000000L};
    long t0 = now_ms();
    long r = syscall(SYS_futex, &futex_word2, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
    long el = now_ms() - t0;
    report(r == -1 && errno == ETIMEDOUT && el >= 690 ? 'T' : 't');
    return NULL;
}

static void *futex_thread(void *arg) {
    (void)arg;
    long r;
    do r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    while (r == 0 && futex_word == 0);        /* spurious wake-ups are allowed; EINTR is not */
    report(r == 0 || (r == -1 && errno == EAGAIN) ? 'F' : 'f');
    return NULL;
}

static void *wait4_thread(void *arg) {
    (void)arg;
    int st = 0;
    pid_t r = waitpid(grandchild, &st, 0);
    report(r == grandchild && WIFEXITED(st) && WEXITSTATUS(st) == 7 ? 'G' : 'g');
    return NULL;
}

static void *sigtimedwait_thread(void *arg) {
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 3);
    struct timespec ts = {10, 0};
    int r = (int)syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8);   /* musl retries EINTR */
    report(r == -1 && errno == EINTR ? 'W' : 'w');
    return NULL;
}

static volatile sig_atomic_t usr_count;
static void on_usr(int sig) { (void)sig; usr_count++; }

static void *pause_thread(void *arg) {
    (void)arg;
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR2);
    pthread_sigmask(SIG_UNBLOCK, &m, NULL);
    int r = pause();
    report(r == -1 && errno == EINTR && usr_count == 1 ? 'A' : 'a');
    return NULL;
}

/* The stopped process: every thread asleep in a different call. */
static void sleeper_child(int rep, int data, int pollr) {
    report_fd = rep; data_fd = data; poll_fd = pollr;
    struct sigaction sa = {0};
    sa.sa_handler = on_usr;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGRTMIN + 3);
    sigprocmask(SIG_BLOCK, &block, &old);           /* threads inherit it */
    grandchild = fork();
    if (grandchild == 0) { msleep(300); _exit(7); }
    void *(*fns[])(void *) = {nanosleep_thread, read_thread, poll_thread, futex_timeout_thread,
                              futex_thread, wait4_thread, sigtimedwait_thread, pause_thread};
    pthread_t th[8];
    for (int i = 0; i < 8; i++) pthread_create(&th[i], NULL, fns[i], NULL);
    report('+');
    /* sigsuspend with only SIGUSR1 unblocked: a stop and SIGCONT do not end it. */
    sigset_t wait_mask = old;
    sigaddset(&wait_mask, SIGUSR2);
    sigaddset(&wait_mask, SIGRTMIN + 3);
    sigdelset(&wait_mask, SIGUSR1);
    int r = sigsuspend(&wait_mask);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    report(r == -1 && errno == EINTR && usr_count >= 1 && sigismember(&now, SIGUSR1) ? 'S' : 's');
    futex_word = 1;
    syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    _exit(0);
}

static int proc_state(pid_t pid, char *state) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    char *s = strstr(buf, "State:\t");
    if (!s) return -1;
    *state = s[7];
    return 0;
}

static int count(const char *s, char c) { int n = 0; for (; *s; s++) n += *s == c; return n; }

static void test_stop_wakes_sleepers(void) {
    int rep[2], data[2], pl[2];
    if (pipe(rep) || pipe(data) || pipe(pl)) { CHECK("pipes", 0, "errno %d", errno); return; }
    pid_t c = fork();
    if (c == 0) { close(rep[0]); close(data[1]); close(pl[1]); sleeper_child(rep[1], data[0], pl[0]); }
    close(rep[1]); close(data[0]); close(pl[0]);
    char buf[64];
    CHECK("sleeper child ready", collect(rep[0], buf, 1, 3000) == 1 && buf[0] == '+', "got '%s'", buf);
    msleep(150);                                    /* every thread is asleep now */

    CHECK("kill SIGSTOP", kill(c, SIGSTOP) == 0, "errno %d", errno);
    int st = 0;
    pid_t r = waitpid(c, &st, WUNTRACED);
    CHECK("stopped (WUNTRACED)", r == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "r %d status %#x", r, st);
    char state = '?';
    CHECK("/proc status T while stopped", proc_state(c, &state) == 0 && state == 'T', "state %c", state);
    /* Everything the sleepers wait for happens while they are stopped. */
    (void)!write(data[1], "d", 1);
    (void)!write(pl[1], "p", 1);
    int n = collect(rep[0], buf, 16, 900);      /* past the nanosleep, futex and wait4 times */
    CHECK("threads asleep in the kernel stop", n == 0, "reported '%s' while stopped", buf);

    kill(c, SIGCONT);
    r = waitpid(c, &st, WCONTINUED);
    CHECK("continued (WCONTINUED)", r == c && WIFCONTINUED(st), "r %d status %#x", r, st);
    n = collect(rep[0], buf, 6, 3000);
    CHECK("pipe read resumes after SIGCONT (no EINTR)", strchr(buf, 'R') != NULL, "reports '%s'", buf);
    CHECK("poll resumes after SIGCONT (no EINTR)", strchr(buf, 'P') != NULL, "reports '%s'", buf);
    CHECK("futex wait with timeout resumes, ETIMEDOUT", strchr(buf, 'T') != NULL, "reports '%s'", buf);
    CHECK("wait4 resumes after SIGCONT", strchr(buf, 'G') != NULL, "reports '%s'", buf);
    CHECK("sigtimedwait fails with EINTR after stop/continue (Linux)", strchr(buf, 'W') != NULL, "reports '%s'", buf);
    CHECK("nanosleep continues with the time left", strchr(buf, 'N') != NULL, "reports '%s'", buf);
    CHECK("only those six calls returned", n == 6 && count(buf, 'S') + count(buf, 's') + count(buf, 'A') + count(buf, 'a')
          + count(buf, 'F') + count(buf, 'f') == 0, "reports '%s'", buf);
    n = collect(rep[0], buf, 4, 200);
    CHECK("sigsuspend, pause and futex keep waiting after stop/continue", n == 0, "reports '%s'", buf);

    kill(c, SIGUSR2);
    n = collect(rep[0], buf, 1, 2000);
    CHECK("pause returns EINTR after its handler", n == 1 && buf[0] == 'A', "reports '%s'", buf);
    kill(c, SIGUSR1);
    n = collect(rep[0], buf, 2, 2000);
    CHECK("sigsuspend returns EINTR after its handler, old mask back", n >= 1 && buf[0] == 'S', "reports '%s'", buf);
    CHECK("futex wait resumed and was woken", n == 2 && buf[1] == 'F', "reports '%s'", buf);
    r = waitpid(c, &st, 0);
    CHECK("sleeper child exits 0", r == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "r %d status %#x", r, st);
    close(rep[0]); close(data[1]); close(pl[1]);
}

/* A stop also ends a sleep on the thread that takes it; with SA_RESTART off and a
 * SIGCONT handler, nanosleep fails with EINTR and reports the time left. */
static void on_cont(int sig) { (void)sig; }
static void test_handler_after_stop(void) {
    int rep[2];
    if (pipe(rep)) return;
    pid_t c = fork();
    if (c == 0) {
        struct sigaction sa = {0};
        sa.sa_handler = on_cont;
        sigaction(SIGCONT, &sa, NULL);
        struct timespec ts = {3, 0}, rem = {0, 0};
        int r = nanosleep(&ts, &rem);
        char ch = r == -1 && errno == EINTR && rem.tv_sec >= 1 && rem.tv_sec <= 3 ? 'E' : 'e';
        (void)!write(rep[1], &ch, 1);
        _exit(0);
    }
    close(rep[1]);
    msleep(100);
    kill(c, SIGSTOP);
    int st = 0;
    waitpid(c, &st, WUNTRACED);
    kill(c, SIGCONT);
    char buf[4];
    int n = collect(rep[0], buf, 1, 2000);
    CHECK("nanosleep: EINTR with the time left when a SIGCONT handler runs", n == 1 && buf[0] == 'E', "reports '%s'", buf);
    waitpid(c, &st, 0);
    close(rep[0]);
}

static int read_file(const char *path, char *buf, int size) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    int n = (int)read(fd, buf, size - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = 0;
    return n;
}

/* Fields of /proc/<pid>/stat after the comm: field 3 onwards. */
static int stat_fields(pid_t pid, char *state, long long *f) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (read_file(path, buf, sizeof buf) <= 0) return -1;
    char *rp = strrchr(buf, ')');
    if (!rp || rp[1] != ' ') return -1;
    *state = rp[2];
    char *s = rp + 3;
    int i = 4;                                   /* f[4] = ppid ... f[52] */
    while (i <= 52) {
        char *end;
        f[i] = strtoll(s, &end, 10);
        if (end == s) return -1;
        s = end;
        i++;
    }
    return i;
}

static void test_proc(void) {
    /* /proc/self/stat of a live process. */
    char buf[1024];
    int n = read_file("/proc/self/stat", buf, sizeof buf);
    char want[64];
    snprintf(want, sizeof want, "%d (stopwake-", getpid());
    CHECK("/proc/self/stat starts with pid (comm)", n > 0 && strncmp(buf, want, strlen(want)) == 0 && buf[n - 1] == '\n',
          "'%s'", buf);
    char state = '?';
    static long long f[64];
    int k = stat_fields(getpid(), &state, f);
    CHECK("/proc/<pid>/stat has 52 fields", k == 53, "%d", k);
    CHECK("stat: state R, ppid, pgrp, session", state == 'R' && f[4] == getppid() && f[5] == getpgrp() && f[6] == getsid(0),
          "state %c ppid %lld pgrp %lld session %lld", state, f[4], f[5], f[6]);
    CHECK("stat: num_threads 1, vsize and rss", f[20] == 1 && f[23] > 0 && f[24] > 0 && f[24] * 4096 <= f[23],
          "threads %lld vsize %lld rss %lld", f[20], f[23], f[24]);
    long hz = sysconf(_SC_CLK_TCK);
    struct timespec up;
    clock_gettime(CLOCK_BOOTTIME, &up);
    CHECK("stat: starttime (clock ticks since boot) not in the future", f[22] >= 0 && f[22] <= up.tv_sec * hz + hz,
          "starttime %lld uptime %ld s", f[22], (long)up.tv_sec);

    /* A stopped child: T. */
    pid_t c = fork();
    if (c == 0) { for (;;) pause(); }
    kill(c, SIGSTOP);
    int st;
    waitpid(c, &st, WUNTRACED);
    k = stat_fields(c, &state, f);
    CHECK("stat of a stopped child: T, ppid", k == 53 && state == 'T' && f[4] == getpid(), "state %c ppid %lld", state, f[4]);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);

    /* A zombie: /proc/<pid> stays until it is reaped. */
    c = fork();
    if (c == 0) _exit(3);
    siginfo_t si;
    waitid(P_PID, c, &si, WEXITED | WNOWAIT);        /* exited, not reaped */
    char path[64];
    struct stat sb;
    snprintf(path, sizeof path, "/proc/%d", c);
    CHECK("/proc/<pid> of a zombie exists", stat(path, &sb) == 0 && S_ISDIR(sb.st_mode), "errno %d", errno);
    snprintf(path, sizeof path, "/proc/%d/status", c);
    n = read_file(path, buf, sizeof buf);
    CHECK("zombie status: State Z (zombie)", n > 0 && strstr(buf, "State:\tZ (zombie)\n") != NULL, "'%s'", n > 0 ? buf : "");
    k = stat_fields(c, &state, f);
    CHECK("zombie stat: Z, ppid", k == 53 && state == 'Z' && f[4] == getpid(), "k %d state %c ppid %lld", k, state, f[4]);
    snprintf(path, sizeof path, "/proc/%d/cmdline", c);
    n = read_file(path, buf, sizeof buf);
    CHECK("zombie cmdline is empty", n == 0, "n %d errno %d", n, errno);
    snprintf(path, sizeof path, "/proc/%d/exe", c);
    errno = 0;
    ssize_t l = readlink(path, buf, sizeof buf);
    CHECK("zombie exe: readlink ENOENT", l == -1 && errno == ENOENT, "l %zd errno %d", l, errno);
    waitpid(c, &st, 0);
    snprintf(path, sizeof path, "/proc/%d", c);
    errno = 0;
    CHECK("/proc/<pid> gone once reaped", stat(path, &sb) == -1 && errno == ENOENT, "errno %d", errno);
}

static void test_sigpending_limit(void) {
    struct rlimit old, rl;
    getrlimit(RLIMIT_SIGPENDING, &old);
    CHECK("RLIMIT_SIGPENDING has a finite default", old.rlim_cur != RLIM_INFINITY && old.rlim_cur > 0,
          "cur %llu", (unsigned long long)old.rlim_cur);
    int rt = SIGRTMIN + 1;
    sigset_t only, prev;
    sigemptyset(&only);
    sigaddset(&only, rt);
    sigprocmask(SIG_BLOCK, &only, &prev);
    rl = old;
    rl.rlim_cur = 10;
    CHECK("setrlimit RLIMIT_SIGPENDING 10", setrlimit(RLIMIT_SIGPENDING, &rl) == 0, "errno %d", errno);
    int queued = 0, err = 0;
    while (queued < 100) {
        if (sigqueue(getpid(), rt, (union sigval){.sival_int = queued}) != 0) { err = errno; break; }
        queued++;
    }
    CHECK("sigqueue stops at RLIMIT_SIGPENDING with EAGAIN", queued == 10 && err == EAGAIN, "queued %d errno %d", queued, err);
    /* kill (SI_USER) still gets through beyond the limit. */
    CHECK("kill of a real-time signal beyond the limit succeeds", kill(getpid(), rt) == 0, "errno %d", errno);
    struct timespec zero = {0, 0};
    siginfo_t si;
    int drained = 0;
    while (sigtimedwait(&only, &si, &zero) == rt) drained++;
    CHECK("all queued instances delivered", drained >= 10, "drained %d", drained);
    rl.rlim_cur = 0;
    setrlimit(RLIMIT_SIGPENDING, &rl);
    errno = 0;
    int r = sigqueue(getpid(), rt, (union sigval){.sival_int = 1});
    CHECK("RLIMIT_SIGPENDING 0: sigqueue EAGAIN", r == -1 && errno == EAGAIN, "r %d errno %d", r, errno);
    setrlimit(RLIMIT_SIGPENDING, &old);
    r = sigqueue(getpid(), rt, (union sigval){.sival_int = 1});
    CHECK("limit restored: sigqueue works", r == 0 && sigtimedwait(&only, &si, &zero) == rt, "r %d errno %d", r, errno);
    sigprocmask(SIG_SETMASK, &prev, NULL);
}

/* --- leak check: threads killed while blocked in the kernel --- */
static long slab_kb(void) {
    char buf[1024];
    if (read_file("/proc/meminfo", buf, sizeof buf) <= 0) return -1;
    char *s = strstr(buf, "Slab:");
    return s ? strtol(s + 5, NULL, 10) : -1;
}

static int block_pipe[2];
static const char *self_path;
static void *blocker(void *arg) {
    char c;
    if ((long)arg % 2) (void)!read(block_pipe[0], &c, 1);
    else { struct timespec ts = {100, 0}; nanosleep(&ts, NULL); }
    return NULL;
}

static int leak_round(int killer) {
    pid_t c = fork();
    if (c < 0) return -1;
    if (c == 0) {
        if (pipe(block_pipe)) _exit(2);
        pthread_t th[4];
        for (long i = 0; i < 4; i++) pthread_create(&th[i], NULL, blocker, (void *)i);
        msleep(40);                                  /* longer than a tick: the threads run and block */
        if (killer == 0) _exit(0);                   /* exit_group ends the blocked threads */
        if (killer == 1) { execv(self_path, (char *[]){"stopwake", "exit0", NULL}); _exit(4); }   /* execve ends them */
        for (;;) pause();                            /* SIGKILL from the parent */
    }
    if (killer == 2) { msleep(60); kill(c, SIGKILL); }
    int st;
    if (waitpid(c, &st, 0) != c) return -1;
    return 0;
}

/* kind -1: all three ways in turn; 0 exit_group, 1 execve, 2 SIGKILL. */
static int leak_test(int n, int kind) {
    for (int i = 0; i < 6; i++) leak_round(kind < 0 ? i % 3 : kind);   /* warm up the heap */
    long before = slab_kb();
    int bad = 0;
    for (int i = 0; i < n; i++) bad |= leak_round(kind < 0 ? i % 3 : kind);
    long after = slab_kb();
    CHECK("leak-rounds", bad == 0, "a round failed");
    CHECK("leak-blocked-threads-slab-flat", before > 0 && after >= 0 && after - before < 64,
          "Slab %ld kB before, %ld kB after %d rounds", before, after, n);
    printf("slab %ld -> %ld kB\n", before, after);
    printf("%d failures\n", failures);
    return failures;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "exit0") == 0) return 0;
    self_path = argv[0];
    if (argc > 2 && strcmp(argv[1], "leak") == 0) return leak_test(atoi(argv[2]), argc > 3 ? atoi(argv[3]) : -1);
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_stop_wakes_sleepers();
    test_handler_after_stop();
    test_proc();
    test_sigpending_limit();
    printf("%d failures\n", failures);
    return failures;
}
