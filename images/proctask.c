// area: proctask — /proc/<pid>/task, per-thread comm, /proc/thread-self, MAP_GROWSDOWN.
// Prints "ok NAME" / "FAIL NAME: why" and "N failures" last.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, name, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static pid_t gettid_(void) { return (pid_t)syscall(SYS_gettid); }

static int readfile(const char *path, char *buf, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t r = fread(buf, 1, n - 1, f);
    buf[r] = 0;
    fclose(f);
    return (int)r;
}

#define NT 3
static pid_t tids[NT];
static pthread_barrier_t ready, done;

static void *worker(void *arg) {
    int i = (int)(long)arg;
    tids[i] = gettid_();
    char name[16];
    snprintf(name, sizeof name, "worker-%d", i);
    pthread_setname_np(pthread_self(), name);
    pthread_barrier_wait(&ready);
    pthread_barrier_wait(&done);
    return 0;
}

static sigjmp_buf jump;
static volatile void *faultAddr;
static void segv(int sig, siginfo_t *si, void *ctx) { (void)sig; (void)ctx; faultAddr = si->si_addr; siglongjmp(jump, 1); }

/* The line of /proc/self/maps containing addr: its start and end. */
static int mapsRange(unsigned long addr, unsigned long *start, unsigned long *end) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    char line[512];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        unsigned long s, e;
        if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s <= addr && addr < e) { *start = s; *end = e; found = 0; break; }
    }
    fclose(f);
    return found;
}

static void *holder(void *arg) { (void)arg; prctl(PR_SET_NAME, "holder"); sleep(2); return 0; }

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "hold") == 0) {   // 3 sleeping threads for `ps -T`
        pthread_t h[3];
        for (int i = 0; i < 3; i++) pthread_create(&h[i], 0, holder, 0);
        for (int i = 0; i < 3; i++) pthread_join(h[i], 0);
        return 0;
    }
    pid_t pid = getpid();
    prctl(PR_SET_NAME, "proctask-main");
    pthread_barrier_init(&ready, 0, NT + 1);
    pthread_barrier_init(&done, 0, NT + 1);
    pthread_t th[NT];
    for (long i = 0; i < NT; i++) pthread_create(&th[i], 0, worker, (void *)i);
    pthread_barrier_wait(&ready);

    // /proc/self/task lists the 4 thread ids.
    DIR *d = opendir("/proc/self/task");
    int n = 0, seen = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        n++;
        pid_t t = atoi(e->d_name);
        if (t == pid) seen |= 1;
        for (int i = 0; i < NT; i++) if (t == tids[i]) seen |= 2 << i;
    }
    if (d) closedir(d);
    CHECK(n == NT + 1 && seen == 0xf, "/proc/self/task has 4 entries (the tids)", "n=%d seen=%#x", n, seen);

    // task/<tid>/stat field 1 is the tid, comm is the thread's name.
    int statOk = 1, commOk = 1, statusOk = 1;
    char path[128], buf[4096], want[32];
    for (int i = -1; i < NT; i++) {
        pid_t t = i < 0 ? pid : tids[i];
        snprintf(want, sizeof want, i < 0 ? "proctask-main" : "worker-%d", i);
        snprintf(path, sizeof path, "/proc/self/task/%d/stat", t);
        char expect[64];
        snprintf(expect, sizeof expect, "%d (%s) ", t, want);
        if (readfile(path, buf, sizeof buf) <= 0 || strncmp(buf, expect, strlen(expect)) != 0) {
            statOk = 0; printf("  %s: %.60s (want %s)\n", path, buf, expect);
        }
        snprintf(path, sizeof path, "/proc/%d/task/%d/comm", pid, t);
        snprintf(expect, sizeof expect, "%s\n", want);
        if (readfile(path, buf, sizeof buf) <= 0 || strcmp(buf, expect) != 0) { commOk = 0; printf("  %s: %s\n", path, buf); }
        snprintf(path, sizeof path, "/proc/self/task/%d/status", t);
        char pidLine[32], tgidLine[32];
        snprintf(pidLine, sizeof pidLine, "\nPid:\t%d\n", t);
        snprintf(tgidLine, sizeof tgidLine, "\nTgid:\t%d\n", pid);
        if (readfile(path, buf, sizeof buf) <= 0 || !strstr(buf, pidLine) || !strstr(buf, tgidLine)) { statusOk = 0; printf("  %s\n", path); }
    }
    CHECK(statOk, "task/<tid>/stat: field 1 is the tid, field 2 the thread's comm", "see above");
    CHECK(commOk, "task/<tid>/comm after pthread_setname_np", "see above");
    CHECK(statusOk, "task/<tid>/status: Pid is the tid, Tgid the pid", "see above");
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", pid + 100000);
    CHECK(fopen(path, "r") == NULL && errno == ENOENT, "task/<unknown tid> is ENOENT", "errno %d", errno);

    char name[16] = {0};
    prctl(PR_GET_NAME, name);
    CHECK(strcmp(name, "proctask-main") == 0, "PR_GET_NAME is the calling thread's name", "%s", name);
    CHECK(readfile("/proc/self/comm", buf, sizeof buf) > 0 && strcmp(buf, "proctask-main\n") == 0,
          "/proc/self/comm is the leader's name", "%s", buf);

    char link[64] = {0}, expect[64];
    ssize_t r = readlink("/proc/thread-self", link, sizeof link - 1);
    snprintf(expect, sizeof expect, "%d/task/%d", pid, gettid_());
    CHECK(r > 0 && strcmp(link, expect) == 0, "/proc/thread-self -> <pid>/task/<tid>", "'%s'", link);
    CHECK(readfile("/proc/thread-self/comm", buf, sizeof buf) > 0 && strcmp(buf, "proctask-main\n") == 0,
          "/proc/thread-self/comm", "%s", buf);

    pthread_barrier_wait(&done);
    for (int i = 0; i < NT; i++) pthread_join(th[i], 0);
    d = opendir("/proc/self/task");
    n = 0;
    while (d && (e = readdir(d))) if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    CHECK(n == 1, "after join /proc/self/task has 1 entry", "n=%d", n);

    // MAP_GROWSDOWN: touching just below the mapping grows it.
    size_t len = 4 * 4096;
    char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
    CHECK(p != MAP_FAILED, "mmap MAP_GROWSDOWN", "errno %d", errno);
    if (p == MAP_FAILED) { printf("%d failures\n", failures + 1); return 1; }
    struct sigaction sa = {0};
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, 0);
    unsigned long s0 = 0, e0 = 0, s1 = 0, e1 = 0;
    mapsRange((unsigned long)p, &s0, &e0);
    CHECK(s0 == (unsigned long)p, "maps shows the mapping", "%lx", s0);
    volatile char *below = p - 3 * 4096 - 100;           // 3 pages and a bit below the start
    volatile int grew = 0;
    if (sigsetjmp(jump, 1) == 0) { *below = 42; grew = *below == 42; }
    CHECK(grew, "a write just below a MAP_GROWSDOWN mapping succeeds", "SIGSEGV at %p", faultAddr);
    mapsRange((unsigned long)p, &s1, &e1);
    unsigned long wantStart = ((unsigned long)below) & ~4095UL;
    CHECK(s1 == wantStart && e1 == e0, "maps shows the grown range", "%lx-%lx, want %lx-%lx", s1, e1, wantStart, e0);
    CHECK(p[len - 1] == 0 && (p[-1] = 7, p[-1] == 7), "grown pages are usable", "-");

    volatile char *far = (char *)s1 - (1 << 20);          // 1 MiB below: too far
    volatile int segv1 = 0;
    faultAddr = 0;
    if (sigsetjmp(jump, 1) == 0) { *far = 1; } else segv1 = faultAddr == (void *)far;
    CHECK(segv1, "touching 1 MiB below is SIGSEGV (si_addr)", "faultAddr %p", faultAddr);

    // An ordinary mapping does not grow.
    char *q = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile int segv2 = 0;
    if (q != MAP_FAILED) {
        munmap(q - 4096, 4096);                              // make sure the page below is free
        if (sigsetjmp(jump, 1) == 0) { *(volatile char *)(q - 8) = 1; } else segv2 = 1;
    }
    CHECK(segv2, "without MAP_GROWSDOWN the page below is SIGSEGV", "-");

    // RLIMIT_STACK bounds the growth.
    struct rlimit rl = {64 * 1024, RLIM_INFINITY};
    getrlimit(RLIMIT_STACK, &rl);
    struct rlimit small = {8 * 4096, rl.rlim_max};
    setrlimit(RLIMIT_STACK, &small);
    char *g = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
    volatile int inLimit = 0, beyond = 0;
    if (g != MAP_FAILED) {
        if (sigsetjmp(jump, 1) == 0) { *(volatile char *)(g - 4 * 4096) = 1; inLimit = 1; }
        if (sigsetjmp(jump, 1) == 0) { *(volatile char *)(g - 5 * 4096) = 1; } else beyond = 1;
    }
    setrlimit(RLIMIT_STACK, &rl);
    CHECK(inLimit, "growth up to RLIMIT_STACK", "-");
    CHECK(beyond, "growth beyond RLIMIT_STACK is SIGSEGV", "-");

    printf("%d failures\n", failures);
    return failures != 0;
}
