/* PVM return-path probe (--pvm-return sysret|iret, BENCHMARKS.md "PVM fast return"): events,
 * faults, privileged instructions, red zone and GS base as a user program sees them.
 * VIFADDR=hex / CSADDR=hex print the kernel's syscall_vif_seen / fast_event_cs_seen
 * words (addresses from nm kernel.elf). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <setjmp.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>

static volatile int got; static volatile uint64_t sig_rip, sig_rsp, sig_addr;
static sigjmp_buf jb;
static void h(int s, siginfo_t *si, void *uc_) {
    ucontext_t *uc = uc_;
    got = s; sig_rip = uc->uc_mcontext.gregs[REG_RIP]; sig_rsp = uc->uc_mcontext.gregs[REG_RSP];
    sig_addr = (uint64_t)si->si_addr;
    if (s != SIGTRAP) siglongjmp(jb, 1);
}
static int fails;
#define CHECK(c, ...) do { if (!(c)) { fails++; printf("FAIL: " __VA_ARGS__); printf("\n"); } else { printf("ok: " __VA_ARGS__); printf("\n"); } } while (0)

/* Fills the red zone with a pattern, spins N iterations (timer interrupts land in
 * between), then counts corrupted words. */
static long redzone_spin(long n) {
    long bad;
    __asm__ volatile(
        "mov $16, %%ecx\n"
        "1: lea -8(%%rsp,%%rcx,8), %%rdx\n"
        "neg %%rcx\n mov %%rcx, (%%rsp,%%rcx,8)\n neg %%rcx\n"
        "dec %%rcx\n jnz 1b\n"
        "mov %1, %%rax\n"
        "2: dec %%rax\n jnz 2b\n"
        "xor %0, %0\n mov $16, %%ecx\n"
        "3: neg %%rcx\n cmp %%rcx, (%%rsp,%%rcx,8)\n je 4f\n inc %0\n 4: neg %%rcx\n dec %%rcx\n jnz 3b\n"
        : "=&r"(bad) : "r"(n) : "rax", "rcx", "rdx", "memory", "cc");
    return bad;
}

int main(void) {
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGTRAP, &sa, 0); sigaction(SIGSEGV, &sa, 0); sigaction(SIGILL, &sa, 0); sigaction(SIGBUS, &sa, 0);
    /* VIF word as seen from user mode (the PV page is mapped U=1 under PVM). */
    volatile uint64_t *vif = (uint64_t *)0x7e0000001000ull;
    printf("vif in user: %#lx\n", (unsigned long)*vif);
    /* GS base across syscalls (user WRGSBASE; flag bit 2 swaps at SYSCALL entry) */
    {
        uint64_t g0 = 0x12345000, g1 = 0, g2 = 0;
        __asm__ volatile("wrgsbase %0" :: "r"(g0));
        __asm__ volatile("rdgsbase %0" : "=r"(g1));
        getppid();
        __asm__ volatile("rdgsbase %0" : "=r"(g2));
        CHECK(g1 == g0 && g2 == g0, "gs base kept across a syscall: before %#lx after %#lx", (unsigned long)g1, (unsigned long)g2);
        getppid();
        __asm__ volatile("rdgsbase %0" : "=r"(g2));
        CHECK(g2 == g0, "gs base after two syscalls %#lx", (unsigned long)g2);
        __asm__ volatile("int3");
        __asm__ volatile("rdgsbase %0" : "=r"(g2));
        CHECK(g2 == g0, "gs base after int3 %#lx", (unsigned long)g2);
        uint64_t z = 0; __asm__ volatile("wrgsbase %0" :: "r"(z));
    }
    if (getenv("VIFADDR")) {
        volatile uint64_t *seen = (uint64_t *)strtoull(getenv("VIFADDR"), 0, 16);
        printf("syscall_vif_seen (OR of VIF at syscall entries): %#lx\n", (unsigned long)*seen);
    }
    /* int3 */
    uint64_t rsp_before;
    got = 0;
    __asm__ volatile("mov %%rsp, %0\n int3" : "=r"(rsp_before) :: "memory");
    CHECK(got == SIGTRAP, "int3 -> SIGTRAP (got %d) rip=%#lx rsp=%#lx (rsp before %#lx)", got, (unsigned long)sig_rip, (unsigned long)sig_rsp, (unsigned long)rsp_before);
    CHECK(sig_rsp == rsp_before, "int3 frame rsp matches");
    /* ud2 */
    got = 0;
    if (!sigsetjmp(jb, 1)) __asm__ volatile("ud2");
    CHECK(got == SIGILL, "ud2 -> SIGILL (got %d) rip=%#lx", got, (unsigned long)sig_rip);
    /* #PF */
    got = 0;
    if (!sigsetjmp(jb, 1)) *(volatile int *)0x1234 = 1;
    CHECK(got == SIGSEGV && sig_addr == 0x1234, "write 0x1234 -> SIGSEGV addr=%#lx (got %d)", (unsigned long)sig_addr, got);
    /* demand paging */
    char *p = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (int i = 0; i < (1 << 20); i += 4096) p[i] = (char)i;
    long sum = 0; for (int i = 0; i < (1 << 20); i += 4096) sum += p[i];
    CHECK(1, "demand paging 256 pages sum=%ld", sum);
    /* privileged instructions */
    const char *names[] = {"cli", "hlt", "mov %cr3", "wrmsr"};
    for (int k = 0; k < 4; k++) {
        got = 0;
        if (!sigsetjmp(jb, 1)) {
            if (k == 0) __asm__ volatile("cli");
            if (k == 1) __asm__ volatile("hlt");
            if (k == 2) { uint64_t x; __asm__ volatile("mov %%cr3, %0" : "=r"(x)); }
            if (k == 3) __asm__ volatile("wrmsr" :: "c"(0x12345678), "a"(0), "d"(0));
        }
        CHECK(got == SIGSEGV, "%s -> SIGSEGV (got %d)", names[k], got);
    }
    /* software interrupts to DPL-0 gates: SIGSEGV (#GP) on Linux. Measured with
     * --pvm-return iret: KVM internal error (the VM dies), so only with PROBE_INT=1. */
    if (getenv("PROBE_INT")) {
        got = 0;
        if (!sigsetjmp(jb, 1)) __asm__ volatile("int $0x80" ::: "memory");
        CHECK(got == SIGSEGV, "int $0x80 -> SIGSEGV (got %d)", got);
        got = 0;
        if (!sigsetjmp(jb, 1)) __asm__ volatile("int $0x41" ::: "memory");
        CHECK(got == SIGSEGV, "int $0x41 -> SIGSEGV (got %d)", got);
        uint64_t x = 0; got = 0;
        if (!sigsetjmp(jb, 1)) __asm__ volatile("mov %%cr0, %0" : "=r"(x));
        printf("mov %%cr0 -> got %d value %#lx\n", got, (unsigned long)x);
    }
    /* red zone under timer interrupts: ~300 ms of spinning */
    struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0);
    long bad = 0, loops = 0;
    do { bad += redzone_spin(3000000); loops++; clock_gettime(CLOCK_MONOTONIC, &t1); }
    while ((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) < 300000000L);
    CHECK(bad == 0, "red zone intact over %ld spins (%ld bad words)", loops, bad);
    /* fork + wait */
    pid_t c = fork();
    if (c == 0) { _exit(7); }
    int st; waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "fork/wait status %#x", st);
    /* syscall timing */
    struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < 100000; i++) getppid();
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("getppid: %ld ns/call\n", ((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec)) / 100000);
    if (getenv("CSADDR")) {
        volatile uint64_t *seen = (uint64_t *)strtoull(getenv("CSADDR"), 0, 16);
        printf("fast_event_cs_seen (bit = CS & 63 of user-event frames): %#lx\n", (unsigned long)*seen);
    }
    printf("vif in user at end: %#lx\n", (unsigned long)*vif);
    printf("%s (%d failures)\n", fails ? "FAILED" : "PASSED", fails);
    return fails != 0;
}
