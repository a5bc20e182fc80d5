/* Self-checking test of the process model: fork/wait, pipes, exec, signal handlers
 * (SA_SIGINFO, a SIGSEGV handler that siglongjmps out), SIGCHLD, vfork.
 * Prints "ok <name>" or "FAIL <name>: ..." per check; exits with the failure count. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

static volatile sig_atomic_t usr1_pid, usr1_code, chld_count;
static void on_usr1(int sig, siginfo_t *info, void *uc) { (void)sig; (void)uc; usr1_pid = info->si_pid; usr1_code = info->si_code; }
static void on_chld(int sig) { (void)sig; chld_count++; }
static sigjmp_buf jump;
static volatile void *fault_addr;
static void on_segv(int sig, siginfo_t *info, void *uc) { (void)sig; (void)uc; fault_addr = info->si_addr; siglongjmp(jump, 1); }

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "child-exec") == 0) return 42;
    setvbuf(stdout, NULL, _IONBF, 0);

    pid_t p = fork();
    if (p == 0) _exit(3);
    int st = 0;
    pid_t w = waitpid(p, &st, 0);
    CHECK("fork-wait", w == p && WIFEXITED(st) && WEXITSTATUS(st) == 3, "w=%d p=%d st=%#x", w, p, st);

    w = waitpid(-1, &st, WNOHANG);
    CHECK("wait-echild", w == -1 && errno == ECHILD, "w=%d errno=%d", w, errno);

    int fds[2];
    CHECK("pipe", pipe(fds) == 0, "errno=%d", errno);
    p = fork();
    if (p == 0) { close(fds[0]); for (int i = 0; i < 1000; i++) write(fds[1], "0123456789", 10); _exit(0); }
    close(fds[1]);
    char buf[4096]; long total = 0; ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) total += n;
    CHECK("pipe-eof", n == 0 && total == 10000, "n=%zd total=%ld", n, total);
    close(fds[0]);
    waitpid(p, &st, 0);

    p = fork();
    if (p == 0) { execl("/proc/self/exe", argv[0], "child-exec", (char *)0); _exit(99); }
    waitpid(p, &st, 0);
    CHECK("exec-status", WIFEXITED(st) && WEXITSTATUS(st) == 42, "st=%#x", st);

    p = vfork();
    if (p == 0) _exit(5);
    waitpid(p, &st, 0);
    CHECK("vfork", WIFEXITED(st) && WEXITSTATUS(st) == 5, "st=%#x", st);

    p = fork();
    if (p == 0) { pause(); _exit(0); }
    kill(p, SIGTERM);
    waitpid(p, &st, 0);
    CHECK("killed-by-signal", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "st=%#x", st);

    struct sigaction sa = {0};
    sa.sa_sigaction = on_usr1; sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    kill(getpid(), SIGUSR1);
    CHECK("siginfo", usr1_pid == getpid() && usr1_code == SI_USER, "pid=%d code=%d", (int)usr1_pid, (int)usr1_code);

    signal(SIGCHLD, on_chld);
    p = fork();
    if (p == 0) _exit(0);
    waitpid(p, &st, 0);
    CHECK("sigchld", chld_count >= 1, "count=%d", (int)chld_count);

    struct sigaction sv = {0};
    sv.sa_sigaction = on_segv; sv.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sv, NULL);
    volatile int *bad = (volatile int *)0x10;
    double x = 1.5;
    if (sigsetjmp(jump, 1) == 0) { *bad = 1; CHECK("segv-handler", 0, "no fault"); }
    else CHECK("segv-handler", fault_addr == (void *)0x10 && x * 2 == 3.0, "addr=%p", (void *)fault_addr);

    sigset_t set, old;
    sigemptyset(&set); sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, &old);
    kill(getpid(), SIGUSR2);
    sigset_t pending; sigpending(&pending);
    CHECK("sigpending", sigismember(&pending, SIGUSR2) == 1, "not pending");
    int got = 0;
    CHECK("sigwait", sigwait(&set, &got) == 0 && got == SIGUSR2, "got=%d", got);

    printf("%d failures\n", failures);
    return failures;
}
