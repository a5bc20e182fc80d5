/* /proc/self/maps, /proc/self/status and /proc/self/cmdline against what the program
 * knows about itself. Prints "ok NAME" or "FAIL NAME: ..."; exits with the failure count. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static char buf[65536];

static void slurp(const char *path) {
    int fd = open(path, O_RDONLY);
    size_t n = 0;
    buf[0] = 0;
    if (fd < 0) return;
    ssize_t r;
    while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += r;
    buf[n] = 0;
    close(fd);
}

/* The maps line containing `addr`: its perms (5 chars) and name into the outputs. */
static int find(uintptr_t addr, char perms[5], char *name, uintptr_t *lo, uintptr_t *hi) {
    char *line = buf;
    while (*line) {
        char *end = strchr(line, '\n');
        if (!end) break;
        *end = 0;
        unsigned long s, e, off, ino;
        unsigned dmaj, dmin;
        char p[5];
        int used = 0;
        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %n", &s, &e, p, &off, &dmaj, &dmin, &ino, &used) >= 7 &&
            addr >= s && addr < e) {
            memcpy(perms, p, 5);
            strcpy(name, line + used);
            *lo = s; *hi = e;
            *end = '\n';
            return 1;
        }
        *end = '\n';
        line = end + 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char perms[5], name[4096];
    uintptr_t lo, hi;

    char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(m + 4096, 4096, PROT_READ);
    mprotect(m + 2 * 4096, 4096, PROT_NONE);
    slurp("/proc/self/maps");
    CHECK("maps-anon-rw", find((uintptr_t)m, perms, name, &lo, &hi) && !strcmp(perms, "rw-p") && lo == (uintptr_t)m
          && hi == (uintptr_t)m + 4096 && name[0] == 0, "perms %s [%lx-%lx) name '%s'", perms, (long)lo, (long)hi, name);
    CHECK("maps-split-r", find((uintptr_t)m + 4096, perms, name, &lo, &hi) && !strcmp(perms, "r--p"), "perms %s", perms);
    CHECK("maps-split-none", find((uintptr_t)m + 8192, perms, name, &lo, &hi) && !strcmp(perms, "---p"), "perms %s", perms);
    munmap(m + 3 * 4096, 4096);
    slurp("/proc/self/maps");
    CHECK("maps-munmap", !find((uintptr_t)m + 3 * 4096, perms, name, &lo, &hi), "still mapped");

    int local;
    CHECK("maps-stack", find((uintptr_t)&local, perms, name, &lo, &hi) && !strcmp(name, "[stack]") && !strcmp(perms, "rw-p"),
          "name '%s' perms %s", name, perms);
    CHECK("maps-vdso", strstr(buf, "[vdso]") != NULL, "no [vdso]");
    CHECK("maps-text", find((uintptr_t)&main, perms, name, &lo, &hi) && perms[2] == 'x' && strstr(name, "procmaps") != NULL,
          "name '%s' perms %s", name, perms);
    /* musl's sbrk refuses nonzero increments: move the break directly */
    void *brk0 = (void *)syscall(SYS_brk, 0);
    syscall(SYS_brk, (char *)brk0 + 8192);
    memset(brk0, 1, 8192);
    slurp("/proc/self/maps");
    CHECK("maps-heap", find((uintptr_t)brk0, perms, name, &lo, &hi) && !strcmp(name, "[heap]"), "name '%s'", name);

    /* file mapping: offset and path */
    int fd = open("/tmp/mapped", O_RDWR | O_CREAT | O_TRUNC, 0644);
    ftruncate(fd, 3 * 4096);
    char *f = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 8192);
    slurp("/proc/self/maps");
    int found = find((uintptr_t)f, perms, name, &lo, &hi);
    char *line = strstr(buf, "/tmp/mapped");
    CHECK("maps-file", found && !strcmp(perms, "r--s") && !strcmp(name, "/tmp/mapped"), "perms %s name '%s'", perms, name);
    CHECK("maps-file-offset", line && strstr(buf, " 00002000 ") != NULL, "no offset 2000");

    slurp("/proc/self/status");
    char want[64];
    CHECK("status-name", strstr(buf, "Name:\tprocmaps") != NULL, "%s", buf);
    snprintf(want, sizeof want, "\nPid:\t%d\n", getpid());
    CHECK("status-pid", strstr(buf, want) != NULL, "%s", buf);
    snprintf(want, sizeof want, "\nPPid:\t%d\n", getppid());
    CHECK("status-ppid", strstr(buf, want) != NULL, "%s", buf);
    CHECK("status-vmrss", strstr(buf, "VmRSS:") != NULL && strstr(buf, "VmRSS:\t0 kB") == NULL, "%s", buf);

    slurp("/proc/self/cmdline");
    size_t off = 0;
    int same = 1;
    for (int i = 0; i < argc; i++) {
        if (strcmp(buf + off, argv[i])) same = 0;
        off += strlen(argv[i]) + 1;
    }
    CHECK("cmdline", same && argc == 3, "argc %d first '%s'", argc, buf);

    printf("%d failures\n", failures);
    return failures;
}
