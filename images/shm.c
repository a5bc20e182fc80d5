/* MAP_SHARED across fork (area: shm): anonymous shared memory and shared file
 * mappings against mmap(2), fork(2), msync(2), mprotect(2), mremap(2) semantics.
 * Prints "ok NAME" or "FAIL NAME: ..."; exits with the failure count. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

/* Runs `body` in a child and returns its exit status (or -1). */
static int in_child(int (*body)(void *), void *arg) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) _exit(body(arg));
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
    return WEXITSTATUS(st);
}

/* Runs `body` in a child and stores its raw wait status. */
static int in_child_status(int (*body)(void *), void *arg, int *status) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) _exit(body(arg));
    return waitpid(pid, status, 0) == pid ? 0 : -1;
}

static int touch(void *arg) {
    *(volatile char *)arg = 1;
    return 0;
}

static int child_anon(void *arg) {
    volatile uint32_t *p = arg;
    if (p[0] != 0x1111) return 1;                 /* written before fork */
    p[0] = 0x2222;                                /* seen by the parent */
    p[1024] = 0x3333;                             /* page first touched after fork */
    return 0;
}

static int child_private(void *arg) {
    volatile uint32_t *p = arg;
    p[0] = 0xdead;
    return p[0] == 0xdead ? 0 : 1;
}

static void anonymous(void) {
    uint32_t *p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK("anon-mmap", p != MAP_FAILED, "errno %d", errno);
    if (p == MAP_FAILED) return;
    p[0] = 0x1111;
    int r = in_child(child_anon, p);
    CHECK("anon-child-sees-parent", r == 0, "child status %d", r);
    CHECK("anon-parent-sees-child", p[0] == 0x2222, "p[0]=%#x", p[0]);
    CHECK("anon-page-touched-after-fork", p[1024] == 0x3333, "p[1024]=%#x", p[1024]);

    /* Parent writes after fork reach a running child. */
    int ping[2], pong[2];
    pipe(ping); pipe(pong);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        read(ping[0], &c, 1);
        uint32_t v = p[2048];                     /* third page: touched by nobody before */
        p[2049] = v + 1;
        write(pong[1], "x", 1);
        _exit(0);
    }
    p[2048] = 41;
    write(ping[1], "x", 1);
    char c;
    read(pong[0], &c, 1);
    CHECK("anon-running-child", p[2049] == 42, "p[2049]=%u", p[2049]);
    waitpid(pid, NULL, 0);

    /* The child's mapping outlives the parent's munmap (and vice versa at exit). */
    uint32_t *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    q[0] = 7;
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        read(ping[0], &c, 1);
        _exit(q[0] == 7 ? 0 : 1);                 /* still there after the parent's munmap */
    }
    munmap(q, 4096);
    write(ping[1], "x", 1);
    int st;
    waitpid(pid, &st, 0);
    CHECK("anon-survives-munmap", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);

    /* MAP_PRIVATE stays copy-on-write. */
    uint32_t *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    priv[0] = 5;
    r = in_child(child_private, priv);
    CHECK("private-stays-private", r == 0 && priv[0] == 5, "status %d priv=%#x", r, priv[0]);

    /* mprotect read-only and back keeps sharing; PROT_NONE and back keeps the data. */
    CHECK("anon-mprotect-ro", mprotect(p, 3 * 4096, PROT_READ) == 0, "errno %d", errno);
    CHECK("anon-mprotect-none", mprotect(p, 3 * 4096, PROT_NONE) == 0, "errno %d", errno);
    CHECK("anon-mprotect-rw", mprotect(p, 3 * 4096, PROT_READ | PROT_WRITE) == 0, "errno %d", errno);
    p[0] = 0x1111;
    r = in_child(child_anon, p);
    CHECK("anon-after-mprotect", r == 0 && p[0] == 0x2222 && p[1024] == 0x3333, "status %d p[0]=%#x", r, p[0]);

    /* MADV_DONTNEED on shared memory drops the mapping, not the data. */
    CHECK("anon-madvise", madvise(p, 4096, MADV_DONTNEED) == 0 && p[0] == 0x2222, "p[0]=%#x", p[0]);

    /* mremap moves the mapping; it still shares with a child forked before. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        read(ping[0], &c, 1);
        p[1] = 0xabcd;
        write(pong[1], "x", 1);
        _exit(0);
    }
    uint32_t *m = mremap(p, 3 * 4096, 8 * 4096, MREMAP_MAYMOVE);
    CHECK("anon-mremap", m != MAP_FAILED, "errno %d", errno);
    write(ping[1], "x", 1);
    read(pong[0], &c, 1);
    waitpid(pid, NULL, 0);
    if (m != MAP_FAILED) {
        CHECK("anon-mremap-shared", m[1] == 0xabcd && m[1024] == 0x3333, "m[1]=%#x", m[1]);
        /* The grown part is beyond the shared object (Linux: SIGBUS). */
        int st2 = -1;
        r = in_child_status(touch, &m[7 * 1024], &st2);
        CHECK("anon-mremap-grown-sigbus", WIFSIGNALED(st2) && WTERMSIG(st2) == SIGBUS, "status %#x", st2);
        munmap(m, 8 * 4096);
    }

    /* msync: accepted on mapped ranges; bad flags and unmapped ranges are errors. */
    void *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK("msync", msync(s, 4096, MS_SYNC) == 0 && msync(s, 4096, MS_ASYNC | MS_INVALIDATE) == 0, "errno %d", errno);
    errno = 0;
    CHECK("msync-einval", msync(s, 4096, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, "errno %d", errno);
    errno = 0;
    CHECK("msync-unaligned", msync((char *)s + 1, 4096, MS_SYNC) == -1 && errno == EINVAL, "errno %d", errno);
    munmap(s, 4096);
    errno = 0;
    CHECK("msync-enomem", msync(s, 4096, MS_SYNC) == -1 && errno == ENOMEM, "errno %d", errno);

    /* /proc/self/maps marks it shared. */
    void *t = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    char line[256], want[32];
    snprintf(want, sizeof want, "%lx-", (unsigned long)t);
    FILE *f = fopen("/proc/self/maps", "r");
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)) == 0) found = strstr(line, " rw-s ") != NULL ? 1 : -1;
    }
    if (f) fclose(f);
    CHECK("proc-maps-s", found == 1, "found %d", found);
}

static int child_file(void *arg) {
    volatile char *m = arg;
    if (m[4096] != 'B') return 1;
    m[4097] = 'C';                                /* through the inherited mapping */
    int fd = open("/tmp/shm-file", O_RDWR);       /* a separate mapping of the same file */
    char *n = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (n == MAP_FAILED) return 2;
    if (n[0] != 'W' || n[100] != 'M') return 3;
    n[200] = 'N';
    return 0;
}

static void file(void) {
    int fd = open("/tmp/shm-file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char block[8192];
    memset(block, 'A', sizeof block);
    write(fd, block, sizeof block);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK("file-mmap", m != MAP_FAILED, "errno %d", errno);
    if (m == MAP_FAILED) return;
    m[100] = 'M';
    char c = 0;
    pread(fd, &c, 1, 100);
    CHECK("file-mapping-to-read", c == 'M', "read %c", c);
    pwrite(fd, "W", 1, 0);
    CHECK("file-write-to-mapping", m[0] == 'W', "m[0]=%c", m[0]);
    m[4096] = 'B';
    int r = in_child(child_file, m);
    CHECK("file-fork-and-second-mapping", r == 0, "child status %d", r);
    pread(fd, &c, 1, 4097);
    CHECK("file-child-write-read", c == 'C' && m[4097] == 'C', "read %c map %c", c, m[4097]);
    CHECK("file-other-mapping", m[200] == 'N', "m[200]=%c", m[200]);
    /* read(2) of a whole range sees every mapped write. */
    char all[8192];
    pread(fd, all, sizeof all, 0);
    CHECK("file-read-range", all[0] == 'W' && all[100] == 'M' && all[200] == 'N' && all[4096] == 'B' && all[1] == 'A',
          "%c %c %c %c", all[0], all[100], all[200], all[4096]);
    CHECK("file-msync", msync(m, 8192, MS_SYNC) == 0, "errno %d", errno);

    /* Truncation: the cut part reads as zero through the mapping's page. */
    ftruncate(fd, 4096 + 10);
    CHECK("file-truncate", m[4096] == 'B' && m[4096 + 10] == 0 && m[4096 + 100] == 0, "m=%d %d", m[4096 + 10], m[4096 + 100]);
    ftruncate(fd, 8192);
    pread(fd, &c, 1, 4096 + 10);
    CHECK("file-regrow", c == 0, "c=%d", c);

    /* A private mapping of the same file sees the current contents. */
    char *pm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK("file-private-sees-shared", pm != MAP_FAILED && pm[100] == 'M', "check failed");
    pm[100] = 'p';
    CHECK("file-private-stays-private", m[100] == 'M', "m[100]=%c", m[100]);
    munmap(pm, 4096);

    /* A page wholly past the end of the file: SIGBUS (mmap(2)). */
    char *big = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int st = -1;
    r = in_child_status(touch, big + 2 * 4096, &st);
    CHECK("file-beyond-eof-sigbus", big != MAP_FAILED && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "status %#x", st);
    r = in_child_status(touch, big + 8191, &st);
    CHECK("file-last-page-ok", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    munmap(big, 3 * 4096);

    munmap(m, 8192);
    pread(fd, &c, 1, 200);
    CHECK("file-after-munmap", c == 'N', "c=%c", c);
    close(fd);

    int ro = open("/tmp/shm-file", O_RDONLY);
    errno = 0;
    void *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0);
    CHECK("file-rdonly-eacces", w == MAP_FAILED && errno == EACCES, "errno %d", errno);
    void *rd = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    CHECK("file-rdonly-read", rd != MAP_FAILED && ((char *)rd)[0] == 'W', "errno %d", errno);
    errno = 0;
    CHECK("file-rdonly-mprotect-eacces", mprotect(rd, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES, "errno %d", errno);
    void *rp = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ro, 0);
    CHECK("file-rdonly-private-mprotect", mprotect(rp, 4096, PROT_READ | PROT_WRITE) == 0, "errno %d", errno);
    close(ro);
    unlink("/tmp/shm-file");
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    anonymous();
    file();
    printf("%d failures\n", failures);
    return failures;
}
