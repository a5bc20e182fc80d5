/* Self-checking test of resource limits, credentials and /proc/<pid> of other processes
 * (area: limits): getrlimit/setrlimit/prlimit round trips and errnos, RLIMIT_NOFILE ->
 * EMFILE, RLIMIT_AS/RLIMIT_DATA -> ENOMEM, RLIMIT_STACK at exec, inheritance across fork
 * and exec, a fork bomb bounded by RLIMIT_NPROC (and one bounded only by the kernel's
 * task limit), /proc/<child>/exe and /proc/<child>/fd.
 * `limits leak N` instead forks+waits N times and checks the kernel heap (Slab in
 * /proc/meminfo) does not grow.
 * Prints "ok <name>" or "FAIL <name>: ..." per check, then "<n> failures". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static int raw_getrlimit(int r, struct rlimit *l) { return (int)syscall(SYS_getrlimit, r, l); }
static int raw_setrlimit(int r, const struct rlimit *l) { return (int)syscall(SYS_setrlimit, r, l); }
static long raw_prlimit(pid_t pid, int r, const struct rlimit *n, struct rlimit *o) { return syscall(SYS_prlimit64, pid, r, n, o); }

static long slab_kb(void) {
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f) return -1;
    char line[128];
    long v = -1;
    while (fgets(line, sizeof line, f)) if (sscanf(line, "Slab: %ld kB", &v) == 1) break;
    fclose(f);
    return v;
}

static int forkwait(int n) {
    for (int i = 0; i < n; i++) {
        pid_t p = fork();
        if (p < 0) return -1;
        if (p == 0) _exit(i & 0x7f);
        int st;
        if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f)) return -1;
    }
    return 0;
}

static int leak_test(int n) {
    forkwait(200);                                   /* warm up allocator free lists */
    long before = slab_kb();
    int r = forkwait(n);
    long after = slab_kb();
    CHECK("leak-forkwait", r == 0, "a fork/wait failed: errno=%d", errno);
    CHECK("leak-slab-flat", before > 0 && after >= 0 && after - before < 64,
          "Slab %ld kB -> %ld kB after %d fork+exit+wait", before, after, n);
    printf("slab %ld -> %ld kB\n", before, after);
    printf("%d failures\n", failures);
    return failures;
}

/* Recursive fork bomb: every process forks until fork fails, writes one byte per
 * successful fork ('+') and 'E' (EAGAIN) or 'X' (other errno) for the failure, then
 * reaps its children and exits. */
static void bomb(int report) {
    for (;;) {
        pid_t p = fork();
        if (p == 0) { write(report, "+", 1); continue; }
        if (p < 0) { write(report, errno == EAGAIN ? "E" : "X", 1); break; }
    }
    while (wait(NULL) > 0) {}
}

static void run_bomb(const char *name, uid_t uid, rlim_t nproc, int min_forks, int max_forks) {
    int fds[2];
    if (pipe(fds) != 0) { CHECK(name, 0, "pipe errno=%d", errno); return; }
    pid_t top = fork();
    if (top == 0) {
        close(fds[0]);
        if (uid != 0 && setuid(uid) != 0) _exit(100);
        if (nproc != RLIM_INFINITY) { struct rlimit l = { nproc, nproc }; if (setrlimit(RLIMIT_NPROC, &l) != 0) _exit(101); }
        bomb(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    int plus = 0, eagain = 0, other = 0;
    char buf[256];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++) { if (buf[i] == '+') plus++; else if (buf[i] == 'E') eagain++; else other++; }
    close(fds[0]);
    int st = 0;
    pid_t w = waitpid(top, &st, 0);
    CHECK(name, w == top && WIFEXITED(st) && WEXITSTATUS(st) == 0 && other == 0 && eagain > 0 &&
          plus >= min_forks && plus <= max_forks,
          "w=%d st=%#x forks=%d eagain=%d other=%d (want %d..%d forks)", w, st, plus, eagain, other, min_forks, max_forks);
    printf("%s: %d forks, %d EAGAIN\n", name, plus, eagain);
    pid_t none = waitpid(-1, NULL, WNOHANG);
    CHECK("bomb-all-reaped", none == -1 && errno == ECHILD, "waitpid=%d errno=%d", none, errno);
}

static int readlink_str(const char *path, char *out, size_t size) {
    ssize_t n = readlink(path, out, size - 1);
    if (n < 0) { out[0] = 0; return -1; }
    out[n] = 0;
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 && strcmp(argv[1], "leak") == 0) return leak_test(atoi(argv[2]));
    if (argc > 1 && strcmp(argv[1], "bomb") == 0) {
        run_bomb("fork-bomb-kernel-limit", 0, RLIM_INFINITY, 32, 100000);
        printf("%d failures\n", failures);
        return failures;
    }
    if (argc > 1 && strcmp(argv[1], "exec-nofile") == 0) {
        struct rlimit l;
        getrlimit(RLIMIT_NOFILE, &l);
        return l.rlim_cur == 77 && l.rlim_max == 99 ? 0 : 1;
    }
    if (argc > 1 && strcmp(argv[1], "exec-stack") == 0) {
        /* The [stack] area is RLIMIT_STACK (256 KiB) big. */
        FILE *f = fopen("/proc/self/maps", "r");
        char line[256];
        unsigned long lo, hi;
        int found = 0;
        while (f && fgets(line, sizeof line, f))
            if (strstr(line, "[stack]") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) found = (hi - lo == 256 * 1024) ? 1 : 2;
        return found == 1 ? 0 : 10 + found;
    }

    /* --- getrlimit / setrlimit / prlimit --- */
    struct rlimit l, o;
    CHECK("defaults-nofile", getrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur == 1024 && l.rlim_max == 4096,
          "cur=%llu max=%llu", (unsigned long long)l.rlim_cur, (unsigned long long)l.rlim_max);
    CHECK("defaults-stack", getrlimit(RLIMIT_STACK, &l) == 0 && l.rlim_cur == 8 << 20 && l.rlim_max == RLIM_INFINITY,
          "cur=%llu", (unsigned long long)l.rlim_cur);
    CHECK("defaults-core", getrlimit(RLIMIT_CORE, &l) == 0 && l.rlim_cur == 0 && l.rlim_max == RLIM_INFINITY,
          "cur=%llu", (unsigned long long)l.rlim_cur);
    struct rlimit np, sp;
    getrlimit(RLIMIT_NPROC, &np);
    getrlimit(RLIMIT_SIGPENDING, &sp);
    CHECK("defaults-nproc-sigpending", np.rlim_cur > 16 && np.rlim_cur != RLIM_INFINITY && sp.rlim_cur == np.rlim_cur,
          "nproc=%llu sigpending=%llu", (unsigned long long)np.rlim_cur, (unsigned long long)sp.rlim_cur);
    errno = 0;
    CHECK("getrlimit-einval", raw_getrlimit(16, &l) == -1 && errno == EINVAL, "errno=%d", errno);
    CHECK("getrlimit-efault", raw_getrlimit(RLIMIT_NOFILE, (struct rlimit *)8) == -1 && errno == EFAULT, "errno=%d", errno);
    l.rlim_cur = 200; l.rlim_max = 100;
    CHECK("setrlimit-soft-above-hard", raw_setrlimit(RLIMIT_NOFILE, &l) == -1 && errno == EINVAL, "errno=%d", errno);
    l.rlim_cur = 500; l.rlim_max = 2000;
    CHECK("setrlimit-roundtrip", setrlimit(RLIMIT_NOFILE, &l) == 0 && getrlimit(RLIMIT_NOFILE, &o) == 0 &&
          o.rlim_cur == 500 && o.rlim_max == 2000, "cur=%llu max=%llu", (unsigned long long)o.rlim_cur, (unsigned long long)o.rlim_max);
    l.rlim_cur = 1024; l.rlim_max = 8192;                 /* root (CAP_SYS_RESOURCE) may raise the hard limit */
    CHECK("setrlimit-root-raises-hard", setrlimit(RLIMIT_NOFILE, &l) == 0, "errno=%d", errno);
    l.rlim_cur = 1024; l.rlim_max = 2u << 20;             /* above fs.nr_open */
    CHECK("setrlimit-nofile-above-nr-open", setrlimit(RLIMIT_NOFILE, &l) == -1 && errno == EPERM, "errno=%d", errno);
    l.rlim_cur = 1024; l.rlim_max = 4096;
    setrlimit(RLIMIT_NOFILE, &l);
    l.rlim_cur = 4 << 20; l.rlim_max = RLIM_INFINITY;
    CHECK("prlimit-self-new-old", raw_prlimit(0, RLIMIT_STACK, &l, &o) == 0 && o.rlim_cur == 8 << 20 &&
          getrlimit(RLIMIT_STACK, &o) == 0 && o.rlim_cur == 4 << 20, "cur=%llu", (unsigned long long)o.rlim_cur);
    l.rlim_cur = 8 << 20;
    setrlimit(RLIMIT_STACK, &l);
    CHECK("prlimit-esrch", raw_prlimit(99999, RLIMIT_NOFILE, NULL, &o) == -1 && errno == ESRCH, "errno=%d", errno);
    CHECK("prlimit-einval-resource", raw_prlimit(0, 99, NULL, &o) == -1 && errno == EINVAL, "errno=%d", errno);

    /* prlimit on a child: read and change its limit; the child sees it. */
    int sync[2], back[2];
    pipe(sync); pipe(back);
    pid_t c = fork();
    if (c == 0) {
        char b;
        read(sync[0], &b, 1);
        getrlimit(RLIMIT_NOFILE, &l);
        _exit(l.rlim_cur == 321 ? 0 : 1);
    }
    l.rlim_cur = 321; l.rlim_max = 4096;
    CHECK("prlimit-child", raw_prlimit(c, RLIMIT_NOFILE, &l, &o) == 0 && o.rlim_cur == 1024, "errno=%d old=%llu", errno, (unsigned long long)o.rlim_cur);
    write(sync[1], "x", 1);
    int st = 0;
    waitpid(c, &st, 0);
    CHECK("prlimit-child-sees-it", WIFEXITED(st) && WEXITSTATUS(st) == 0, "st=%#x", st);

    /* Unprivileged: raising the hard limit is EPERM; lowering is fine; setuid semantics. */
    c = fork();
    if (c == 0) {
        int bad = 0;
        if (setuid(1000) != 0) bad |= 1;
        if (getuid() != 1000 || geteuid() != 1000) bad |= 2;
        struct rlimit x = { 100, 200 };
        if (setrlimit(RLIMIT_NOFILE, &x) != 0) bad |= 4;
        x.rlim_max = 300;
        if (setrlimit(RLIMIT_NOFILE, &x) != -1 || errno != EPERM) bad |= 8;
        x.rlim_max = 200; x.rlim_cur = 200;                /* raising soft up to hard is allowed */
        if (setrlimit(RLIMIT_NOFILE, &x) != 0) bad |= 16;
        if (setuid(0) != -1 || errno != EPERM) bad |= 32;
        if (raw_prlimit(1, RLIMIT_NOFILE, NULL, &x) != -1 || errno != EPERM) bad |= 64;   /* init runs as root */
        _exit(bad);
    }
    waitpid(c, &st, 0);
    CHECK("unprivileged-limits-and-setuid", WIFEXITED(st) && WEXITSTATUS(st) == 0, "bits=%#x", WEXITSTATUS(st));

    uid_t r, e, s;
    CHECK("getresuid-root", getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0, "%d %d %d", r, e, s);
    c = fork();
    if (c == 0) {
        if (setresuid(1000, 1001, 0) != 0) _exit(1);
        getresuid(&r, &e, &s);
        if (r != 1000 || e != 1001 || s != 0) _exit(2);
        if (seteuid(0) != 0) _exit(3);                      /* back through the saved uid */
        if (setgroups(0, NULL) != 0) _exit(4);
        _exit(0);
    }
    waitpid(c, &st, 0);
    CHECK("setresuid-saved", WIFEXITED(st) && WEXITSTATUS(st) == 0, "st=%#x", st);

    /* --- inheritance across fork and exec --- */
    l.rlim_cur = 77; l.rlim_max = 99;
    c = fork();
    if (c == 0) {
        setrlimit(RLIMIT_NOFILE, &l);
        pid_t g = fork();
        if (g == 0) { getrlimit(RLIMIT_NOFILE, &o); _exit(o.rlim_cur == 77 && o.rlim_max == 99 ? 0 : 1); }
        waitpid(g, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) _exit(2);
        execl("/proc/self/exe", argv[0], "exec-nofile", (char *)NULL);
        _exit(3);
    }
    waitpid(c, &st, 0);
    CHECK("inherit-fork-exec", WIFEXITED(st) && WEXITSTATUS(st) == 0, "st=%#x", st);

    c = fork();
    if (c == 0) {
        struct rlimit sl = { 256 * 1024, RLIM_INFINITY };
        setrlimit(RLIMIT_STACK, &sl);
        execl("/proc/self/exe", argv[0], "exec-stack", (char *)NULL);
        _exit(3);
    }
    waitpid(c, &st, 0);
    CHECK("stack-limit-at-exec", WIFEXITED(st) && WEXITSTATUS(st) == 0, "st=%#x", st);

    /* --- RLIMIT_NOFILE --- */
    c = fork();
    if (c == 0) {
        struct rlimit x = { 16, 16 };
        if (setrlimit(RLIMIT_NOFILE, &x) != 0) _exit(1);
        int last = -1, fd;
        while ((fd = open("/dev/null", O_RDONLY)) >= 0) last = fd;
        if (errno != EMFILE || last != 15) _exit(2);
        if (dup(0) != -1 || errno != EMFILE) _exit(3);
        int pf[2];
        if (pipe(pf) != -1 || errno != EMFILE) _exit(4);
        if (socket(AF_UNIX, SOCK_STREAM, 0) != -1 || errno != EMFILE) _exit(5);
        if (dup2(0, 16) != -1 || errno != EBADF) _exit(6);
        if (fcntl(0, F_DUPFD, 16) != -1 || errno != EINVAL) _exit(7);
        if (dup2(0, 15) != 15) _exit(8);                 /* below the limit: fine */
        close(15);
        if (open("/dev/null", O_RDONLY) != 15) _exit(9);
        _exit(0);
    }
    waitpid(c, &st, 0);
    CHECK("nofile-emfile", WIFEXITED(st) && WEXITSTATUS(st) == 0, "step=%d", WEXITSTATUS(st));

    /* --- RLIMIT_AS and RLIMIT_DATA --- */
    c = fork();
    if (c == 0) {
        struct rlimit x = { 64 << 20, 64 << 20 };
        if (setrlimit(RLIMIT_AS, &x) != 0) _exit(1);
        void *p = mmap(NULL, 128 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED || errno != ENOMEM) _exit(2);
        p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) _exit(3);
        ((char *)p)[100] = 1;
        if (malloc(100 << 20) != NULL) _exit(4);
        _exit(0);
    }
    waitpid(c, &st, 0);
    CHECK("as-mmap-enomem", WIFEXITED(st) && WEXITSTATUS(st) == 0, "step=%d", WEXITSTATUS(st));

    c = fork();
    if (c == 0) {
        struct rlimit x = { 8 << 20, 8 << 20 };
        if (setrlimit(RLIMIT_DATA, &x) != 0) _exit(1);
        long before = syscall(SYS_brk, 0);                /* musl's sbrk refuses to grow: use brk */
        if (syscall(SYS_brk, before + (16 << 20)) != before) _exit(2);   /* Linux: the old break on failure */
        if (syscall(SYS_brk, 0) != before) _exit(3);
        void *p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED || errno != ENOMEM) _exit(4);
        p = mmap(NULL, 16 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);   /* read-only: not data */
        if (p == MAP_FAILED) _exit(5);
        if (syscall(SYS_brk, before + (64 << 10)) != before + (64 << 10)) _exit(6);
        _exit(0);
    }
    waitpid(c, &st, 0);
    CHECK("data-brk-mmap-enomem", WIFEXITED(st) && WEXITSTATUS(st) == 0, "step=%d", WEXITSTATUS(st));

    /* --- RLIMIT_NPROC --- */
    c = fork();
    if (c == 0) {                                        /* root is exempt, as on Linux */
        struct rlimit x = { 3, 3 };
        setrlimit(RLIMIT_NPROC, &x);
        pid_t kids[6];
        int ok = 1;
        for (int i = 0; i < 6; i++) { kids[i] = fork(); if (kids[i] == 0) { pause(); _exit(0); } if (kids[i] < 0) ok = 0; }
        for (int i = 0; i < 6; i++) if (kids[i] > 0) { kill(kids[i], SIGKILL); waitpid(kids[i], NULL, 0); }
        _exit(ok ? 0 : 1);
    }
    waitpid(c, &st, 0);
    CHECK("nproc-root-exempt", WIFEXITED(st) && WEXITSTATUS(st) == 0, "st=%#x", st);

    c = fork();
    if (c == 0) {                                        /* a user at its limit: EAGAIN, also for threads' clone */
        if (setuid(1000) != 0) _exit(1);
        struct rlimit x = { 4, 4 };
        setrlimit(RLIMIT_NPROC, &x);
        pid_t kids[3];
        for (int i = 0; i < 3; i++) { kids[i] = fork(); if (kids[i] == 0) { pause(); _exit(0); } if (kids[i] < 0) _exit(2); }
        pid_t more = fork();
        if (more == 0) _exit(0);
        if (more != -1 || errno != EAGAIN) _exit(3);
        kill(kids[0], SIGKILL);
        waitpid(kids[0], NULL, 0);                     /* reaped: one slot free again */
        more = fork();
        if (more == 0) _exit(0);
        if (more < 0) _exit(4);
        waitpid(more, NULL, 0);
        for (int i = 1; i < 3; i++) { kill(kids[i], SIGKILL); waitpid(kids[i], NULL, 0); }
        _exit(0);
    }
    waitpid(c, &st, 0);
    CHECK("nproc-eagain", WIFEXITED(st) && WEXITSTATUS(st) == 0, "step=%d", WEXITSTATUS(st));

    run_bomb("fork-bomb-nproc", 1000, 20, 19, 200);
    run_bomb("fork-bomb-kernel-limit", 0, RLIM_INFINITY, 32, 100000);

    /* --- /proc/<pid>/exe and fd of a child --- */
    int pf[2];
    pipe(pf);
    int ready[2];
    pipe(ready);
    c = fork();
    if (c == 0) {
        close(ready[0]);
        close(pf[1]);
        int sv[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
        int ev = eventfd(0, 0);
        int f = open("/proc/meminfo", O_RDONLY);
        char msg[64];
        int n = snprintf(msg, sizeof msg, "%d %d %d %d", sv[0], ev, f, pf[0]);
        write(ready[1], msg, n);
        close(ready[1]);
        char b;
        read(pf[0], &b, 1);                              /* until the parent closes the pipe */
        _exit(0);
    }
    close(ready[1]);
    char msg[64] = {0};
    read(ready[0], msg, sizeof msg - 1);
    int sock = -1, ev = -1, f = -1, rd = -1;
    sscanf(msg, "%d %d %d %d", &sock, &ev, &f, &rd);
    char path[64], target[256], mine[256];
    snprintf(path, sizeof path, "/proc/%d/exe", c);
    readlink_str("/proc/self/exe", mine, sizeof mine);
    CHECK("proc-child-exe", readlink_str(path, target, sizeof target) == 0 && strcmp(target, mine) == 0 && target[0] == '/',
          "'%s' vs '%s' errno=%d", target, mine, errno);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", c, sock);
    readlink_str(path, target, sizeof target);
    CHECK("proc-child-fd-socket", strncmp(target, "socket:[", 8) == 0, "'%s'", target);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", c, ev);
    readlink_str(path, target, sizeof target);
    CHECK("proc-child-fd-eventfd", strcmp(target, "anon_inode:[eventfd]") == 0, "'%s'", target);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", c, f);
    readlink_str(path, target, sizeof target);
    CHECK("proc-child-fd-file", strcmp(target, "/proc/meminfo") == 0, "'%s'", target);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", c, rd);
    readlink_str(path, target, sizeof target);
    snprintf(path, sizeof path, "/proc/self/fd/%d", pf[0]);
    readlink_str(path, mine, sizeof mine);
    CHECK("proc-child-fd-pipe", strncmp(target, "pipe:[", 6) == 0 && strcmp(target, mine) == 0, "'%s' vs '%s'", target, mine);
    /* Listing /proc/<child>/fd shows the same descriptors. */
    snprintf(path, sizeof path, "/proc/%d/fd/%d", c, 99);
    CHECK("proc-child-fd-missing", readlink(path, target, sizeof target) == -1 && errno == ENOENT, "errno=%d", errno);
    snprintf(path, sizeof path, "/proc/%d/fd/%d", c, f);
    int again = open(path, O_RDONLY);
    char head[9] = {0};
    CHECK("proc-child-fd-open", again >= 0 && read(again, head, 8) == 8 && strncmp(head, "MemTotal", 8) == 0, "fd=%d '%s'", again, head);
    close(again);
    close(pf[1]);
    close(pf[0]);
    /* A zombie (exited, not reaped): its exe link is gone (ENOENT, as Linux). */
    int waited = 0;
    for (int i = 0; i < 200 && !waited; i++) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        if (waitid(P_PID, c, &si, WEXITED | WNOWAIT | WNOHANG) == 0 && si.si_pid == c) waited = 1;
        else usleep(10000);
    }
    snprintf(path, sizeof path, "/proc/%d/exe", c);
    CHECK("proc-zombie-exe-enoent", waited && readlink(path, target, sizeof target) == -1 && errno == ENOENT,
          "waited=%d errno=%d", waited, errno);
    waitpid(c, &st, 0);

    printf("%d failures\n", failures);
    return failures;
}
