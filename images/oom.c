/* Memory exhaustion (area: shm), meant for a small VM (swiftlet run --memory 64M):
 * syscalls that need memory fail with ENOMEM (or EAGAIN, ENOSPC), a process whose page
 * fault finds no frame is killed with SIGKILL, and the kernel survives all of it.
 *   oom            the self-checking suite: "ok NAME"/"FAIL NAME: ..." lines, exit = failures
 *   oom self       touch memory until this process (PID 1) is killed: exit status 137 */
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

#define MiB (1024 * 1024)

/* malloc and touch 1 MiB at a time until something gives; returns the MiB count. */
static long hog(void) {
    long n = 0;
    for (;;) {
        char *p = malloc(MiB);
        if (!p) { printf("hog: malloc failed after %ld MiB: errno %d\n", n, errno); return n; }
        for (long i = 0; i < MiB; i += 4096) p[i] = 1;
        n++;
    }
}

/* Touches 256 KiB of stack so later calls need no new stack page. */
static void __attribute__((noinline)) prefault_stack(void) {
    volatile char area[256 * 1024];
    for (size_t i = 0; i < sizeof area; i += 4096) area[i] = 0;
}

/* Everything still works after an exhaustion: fork, pipe, a populated mapping. */
static int healthy(void) {
    int fds[2];
    if (pipe(fds) != 0) return 0;
    close(fds[0]); close(fds[1]);
    void *m = mmap(NULL, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (m == MAP_FAILED) return 0;
    munmap(m, 4 * MiB);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) _exit(7);
    int st;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "self") == 0) {
        printf("hogging\n");
        hog();
        printf("malloc failed before the kernel killed us\n");
        return 1;
    }

    /* 0. Shared memory touched by a child is freed once both are done with it: 128
     * rounds of 1 MiB would not fit in 64 MiB otherwise. */
    int round = 0;
    for (; round < 128; round++) {
        char *p = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) break;
        memset(p, 1, MiB / 2);
        fflush(stdout);
        pid_t c = fork();
        if (c < 0) { munmap(p, MiB); break; }
        if (c == 0) { memset(p + MiB / 2, 2, MiB / 2); _exit(0); }
        int cst;
        waitpid(c, &cst, 0);
        int shared = p[MiB - 1] == 2;
        munmap(p, MiB);
        if (!shared) break;
    }
    CHECK("shared-freed-after-use", round == 128, "stopped after %d rounds (errno %d)", round, errno);

    /* 1. MAP_POPULATE of more than RAM: ENOMEM, and nothing left mapped. */
    errno = 0;
    void *big = mmap(NULL, 1024L * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    CHECK("populate-enomem", big == MAP_FAILED && errno == ENOMEM, "got %p errno %d", big, errno);
    errno = 0;
    big = mmap(NULL, 1024L * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    CHECK("populate-shared-enomem", big == MAP_FAILED && errno == ENOMEM, "got %p errno %d", big, errno);
    CHECK("healthy-after-populate", healthy(), "check failed");

    /* 2. A child that touches memory without end is killed with SIGKILL. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) { hog(); _exit(3); }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK("hog-child-sigkill", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
    CHECK("healthy-after-hog", healthy(), "check failed");

    /* 3. Hold most of memory, then fork until fork fails (each child needs page
     * tables): ENOMEM or EAGAIN, never a crash. The children then write to their
     * copy-on-write pages, so some of them are OOM-killed. */
    static void *holding[4096];
    long held = 0;
    int holdErrno = 0;
    prefault_stack();                             /* the faulting process is the one killed: not us */
    for (;;) {
        void *m = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
        if (m == MAP_FAILED) { holdErrno = errno; break; }
        holding[held++] = m;
        if (held == 4096) break;
    }
    for (int i = 0; i < 4 && held > 0; i++) munmap(holding[--held], MiB);   /* room for a few page tables */
    CHECK("hold-until-enomem", holdErrno == ENOMEM, "errno %d after %ld MiB", holdErrno, held);
    int go[2];
    pipe(go);
    int forked = 0, err = 0;
    while (forked < 10000) {
        fflush(stdout);
        pid = fork();
        if (pid < 0) { err = errno; break; }
        if (pid == 0) {
            char c;
            close(go[1]);
            read(go[0], &c, 1);                   /* wait until the parent is done forking */
            hog();
            _exit(0);
        }
        forked++;
    }
    CHECK("fork-fails-cleanly", err == ENOMEM || err == EAGAIN, "forked %d, errno %d", forked, err);
    close(go[1]);                                 /* EOF: the children go */
    int killed = 0, reaped = 0;
    while ((pid = wait(&st)) > 0) {
        reaped++;
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) killed++;
    }
    CHECK("children-reaped", reaped == forked, "reaped %d of %d", reaped, forked);
    CHECK("children-oom-killed", forked == 0 || killed > 0, "killed %d of %d", killed, forked);
    printf("held %ld MiB, forked %d, oom-killed %d\n", held, forked, killed);

    while (held > 0) munmap(holding[--held], MiB);

    /* 4. tmpfs lives in the kernel heap: filling it is ENOSPC, not a kernel panic, and
     * the memory comes back when the file goes. */
    int fd = open("/tmp/oom-fill", O_RDWR | O_CREAT | O_TRUNC, 0600);
    static char chunk[256 * 1024];
    memset(chunk, 'x', sizeof chunk);
    long written = 0;
    err = 0;
    for (int i = 0; i < 16384; i++) {
        ssize_t w = write(fd, chunk, sizeof chunk);
        if (w < 0) { err = errno; break; }
        written += w;
    }
    CHECK("tmpfs-enospc", err == ENOSPC, "wrote %ld KiB, errno %d", written >> 10, err);
    close(fd);
    unlink("/tmp/oom-fill");
    printf("tmpfs took %ld KiB\n", written >> 10);
    CHECK("healthy-at-the-end", healthy(), "check failed");

    printf("%d failures\n", failures);
    return failures;
}
