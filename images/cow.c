/* fork with copy-on-write: each side's writes stay its own, whether the program or
 * the kernel (read into a buffer) writes; mprotect and munmap after fork.
 * Prints "ok NAME" or "FAIL NAME: ..."; exits with the failure count. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); \
    else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static int global = 1;
static char bss[3 * 4096];

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char *heap = malloc(64 * 1024);
    memset(heap, 'p', 64 * 1024);
    char *anon = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(anon, 'a', 8 * 4096);
    char *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ro[0] = 'r';
    mprotect(ro, 4096, PROT_READ);
    int stackvar = 5;
    bss[100] = 'b';
    int fds[2];
    pipe(fds);

    for (int round = 0; round < 3; round++) {
        pid_t pid = fork();
        if (pid == 0) {
            global = 2; stackvar = 6; bss[100] = 'B';
            memset(heap, 'c', 64 * 1024);
            anon[4096] = 'C';
            write(fds[1], "kernel-wrote", 12);
            char got[13] = {0};
            read(fds[0], anon + 2 * 4096, 12);                  /* the kernel writes into a shared page */
            memcpy(got, anon + 2 * 4096, 12);
            mprotect(ro, 4096, PROT_READ | PROT_WRITE);
            ro[0] = 'R';
            munmap(anon + 5 * 4096, 4096);
            int bad = global != 2 || stackvar != 6 || bss[100] != 'B' || heap[777] != 'c' || anon[4096] != 'C'
                || strcmp(got, "kernel-wrote") || ro[0] != 'R' || anon[0] != 'a';
            _exit(bad ? 1 : 0);
        }
        int st;
        waitpid(pid, &st, 0);
        CHECK("child-sees-own-writes", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
        int heapok = 1;
        for (int i = 0; i < 64 * 1024; i++) if (heap[i] != 'p') { heapok = 0; break; }
        CHECK("parent-unchanged", global == 1 && stackvar == 5 && bss[100] == 'b' && heapok && anon[4096] == 'a'
              && anon[2 * 4096] == 'a' && ro[0] == 'r' && anon[5 * 4096] == 'a',
              "global %d stack %d bss %c heap %d anon %c %c ro %c", global, stackvar, bss[100], heapok, anon[4096], anon[2 * 4096], ro[0]);
        /* the parent writes after the child is gone: its pages are its own again */
        global = 1; heap[0] = 'p'; anon[0] = 'a';
    }

    /* parent writes while the child still reads the old values */
    int p2[2];
    pipe(p2);
    global = 10;
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        read(p2[0], &c, 1);                                      /* wait for the parent's write */
        _exit(global == 10 && heap[5] == 'p' ? 0 : 1);
    }
    global = 11;
    heap[5] = 'X';
    write(p2[1], "x", 1);
    int st;
    waitpid(pid, &st, 0);
    CHECK("child-keeps-snapshot", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    CHECK("parent-write-after-fork", global == 11 && heap[5] == 'X', "global %d", global);

    /* a read-only mapping stays read-only in the child (SIGSEGV on write) */
    pid = fork();
    if (pid == 0) { ((volatile char *)ro)[0] = 'z'; _exit(0); }
    waitpid(pid, &st, 0);
    CHECK("readonly-stays-readonly", WIFSIGNALED(st) && WTERMSIG(st) == 11, "status %#x", st);

    /* many forks: frames come back (no leak big enough to fail) */
    int bad = 0;
    for (int i = 0; i < 200; i++) {
        pid = fork();
        if (pid == 0) { heap[i] = 'q'; _exit(0); }
        waitpid(pid, &st, 0);
        if (!WIFEXITED(st)) bad++;
    }
    CHECK("fork-200", bad == 0, "%d bad", bad);

    printf("%d failures\n", failures);
    return failures;
}
