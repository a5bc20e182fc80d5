/* Smaller process-model calls: F_GETPIPE_SZ/F_SETPIPE_SZ, mincore, sigqueue. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)
static volatile int got_code, got_sig;
static void on_usr1(int sig, siginfo_t *info, void *uc) { (void)uc; got_sig = sig; got_code = info->si_code; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2]; pipe(p);
    int sz = fcntl(p[0], F_GETPIPE_SZ);
    CHECK("getpipe-default", sz == 65536, "size=%d", sz);
    int set = fcntl(p[1], F_SETPIPE_SZ, 100000);
    CHECK("setpipe-rounds-up", set == 131072 && fcntl(p[0], F_GETPIPE_SZ) == 131072, "set=%d", set);
    char big[100000]; memset(big, 'x', sizeof big);
    CHECK("setpipe-holds-more", write(p[1], big, sizeof big) == (ssize_t)sizeof big, "errno=%d", errno);
    errno = 0;
    CHECK("setpipe-ebusy", fcntl(p[1], F_SETPIPE_SZ, 4096) == -1 && errno == EBUSY, "errno=%d", errno);
    int f = open("/tmp/misc-file", O_CREAT | O_RDWR, 0600);
    errno = 0;
    CHECK("getpipe-not-pipe", fcntl(f, F_GETPIPE_SZ) == -1 && errno == EBADF, "errno=%d", errno);

    char *m = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    unsigned char vec[4] = {9, 9, 9, 9};
    int r = mincore(m, 4 * 4096, vec);
    CHECK("mincore", r == 0 && (vec[0] & 1) && !(vec[1] & 1), "r=%d vec=%d,%d", r, vec[0], vec[1]);
    errno = 0;
    CHECK("mincore-einval", mincore(m + 1, 4096, vec) == -1 && errno == EINVAL, "errno=%d", errno);
    munmap(m, 4 * 4096);
    errno = 0;
    CHECK("mincore-enomem", mincore(m, 4096, vec) == -1 && errno == ENOMEM, "errno=%d", errno);

    struct sigaction sa = {0};
    sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    union sigval v = { .sival_int = 7 };
    r = sigqueue(getpid(), SIGUSR1, v);
    CHECK("sigqueue", r == 0 && got_sig == SIGUSR1 && got_code == SI_QUEUE, "r=%d sig=%d code=%d", r, got_sig, got_code);
    printf("%d failures\n", failures);
    return failures;
}
