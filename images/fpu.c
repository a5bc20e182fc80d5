/* Checks that the kernel preserves the program's FPU/SSE/AVX state across
 * syscalls: Linux keeps every user register except rax, rcx and r11 intact
 * across `syscall`, including all xmm/ymm registers, MXCSR and the x87 control
 * word. A guest kernel that forgets to save/restore (or clobbers them in its
 * own code, e.g. an SSE memcpy) fails here.
 *
 * Three checks, each repeated ROUNDS times with syscalls in between:
 *  1. xmm0-15 (and, when the CPU and OS support AVX, the upper ymm halves)
 *     hold patterns across a raw `syscall` instruction (inline asm, so the
 *     compiler cannot spill them around the call).
 *  2. MXCSR and the x87 control word keep non-default values.
 *  3. double math and an AVX2 vector loop interleaved with getpid()/write()
 *     produce bit-identical results to the same math without syscalls.
 * Prints "fpu ok" and exits 0, or prints each mismatch and exits 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS 200
#define NREG 16

static int failures;

static void fail(const char *what, int round, int reg, uint64_t got, uint64_t want) {
    if (failures < 20)
        printf("FAIL %s round=%d reg=%d got=%016llx want=%016llx\n", what, round, reg,
               (unsigned long long)got, (unsigned long long)want);
    failures++;
}

static uint64_t pattern(int round, int reg, int half) {
    return 0x9e3779b97f4a7c15ULL * (uint64_t)(round * 64 + reg * 4 + half + 1);
}

/* Loads xmm0..xmm15 from `in`, runs getpid through `syscall`, stores them to `out`. */
static long xmm_across_syscall(const uint64_t in[NREG][2], uint64_t out[NREG][2]) {
    long ret = SYS_getpid;
    __asm__ volatile(
        "movdqu   0(%1), %%xmm0\n\t"  "movdqu  16(%1), %%xmm1\n\t"
        "movdqu  32(%1), %%xmm2\n\t"  "movdqu  48(%1), %%xmm3\n\t"
        "movdqu  64(%1), %%xmm4\n\t"  "movdqu  80(%1), %%xmm5\n\t"
        "movdqu  96(%1), %%xmm6\n\t"  "movdqu 112(%1), %%xmm7\n\t"
        "movdqu 128(%1), %%xmm8\n\t"  "movdqu 144(%1), %%xmm9\n\t"
        "movdqu 160(%1), %%xmm10\n\t" "movdqu 176(%1), %%xmm11\n\t"
        "movdqu 192(%1), %%xmm12\n\t" "movdqu 208(%1), %%xmm13\n\t"
        "movdqu 224(%1), %%xmm14\n\t" "movdqu 240(%1), %%xmm15\n\t"
        "syscall\n\t"
        "movdqu %%xmm0,    0(%2)\n\t" "movdqu %%xmm1,   16(%2)\n\t"
        "movdqu %%xmm2,   32(%2)\n\t" "movdqu %%xmm3,   48(%2)\n\t"
        "movdqu %%xmm4,   64(%2)\n\t" "movdqu %%xmm5,   80(%2)\n\t"
        "movdqu %%xmm6,   96(%2)\n\t" "movdqu %%xmm7,  112(%2)\n\t"
        "movdqu %%xmm8,  128(%2)\n\t" "movdqu %%xmm9,  144(%2)\n\t"
        "movdqu %%xmm10, 160(%2)\n\t" "movdqu %%xmm11, 176(%2)\n\t"
        "movdqu %%xmm12, 192(%2)\n\t" "movdqu %%xmm13, 208(%2)\n\t"
        "movdqu %%xmm14, 224(%2)\n\t" "movdqu %%xmm15, 240(%2)\n\t"
        : "+a"(ret)
        : "r"(in), "r"(out)
        : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
          "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    return ret;
}

/* Same with the full 256-bit ymm registers. Only called when AVX is usable. */
static long ymm_across_syscall(const uint64_t in[NREG][4], uint64_t out[NREG][4]) {
    long ret = SYS_getpid;
    __asm__ volatile(
        "vmovdqu   0(%1), %%ymm0\n\t"  "vmovdqu  32(%1), %%ymm1\n\t"
        "vmovdqu  64(%1), %%ymm2\n\t"  "vmovdqu  96(%1), %%ymm3\n\t"
        "vmovdqu 128(%1), %%ymm4\n\t"  "vmovdqu 160(%1), %%ymm5\n\t"
        "vmovdqu 192(%1), %%ymm6\n\t"  "vmovdqu 224(%1), %%ymm7\n\t"
        "vmovdqu 256(%1), %%ymm8\n\t"  "vmovdqu 288(%1), %%ymm9\n\t"
        "vmovdqu 320(%1), %%ymm10\n\t" "vmovdqu 352(%1), %%ymm11\n\t"
        "vmovdqu 384(%1), %%ymm12\n\t" "vmovdqu 416(%1), %%ymm13\n\t"
        "vmovdqu 448(%1), %%ymm14\n\t" "vmovdqu 480(%1), %%ymm15\n\t"
        "syscall\n\t"
        "vmovdqu %%ymm0,    0(%2)\n\t" "vmovdqu %%ymm1,   32(%2)\n\t"
        "vmovdqu %%ymm2,   64(%2)\n\t" "vmovdqu %%ymm3,   96(%2)\n\t"
        "vmovdqu %%ymm4,  128(%2)\n\t" "vmovdqu %%ymm5,  160(%2)\n\t"
        "vmovdqu %%ymm6,  192(%2)\n\t" "vmovdqu %%ymm7,  224(%2)\n\t"
        "vmovdqu %%ymm8,  256(%2)\n\t" "vmovdqu %%ymm9,  288(%2)\n\t"
        "vmovdqu %%ymm10, 320(%2)\n\t" "vmovdqu %%ymm11, 352(%2)\n\t"
        "vmovdqu %%ymm12, 384(%2)\n\t" "vmovdqu %%ymm13, 416(%2)\n\t"
        "vmovdqu %%ymm14, 448(%2)\n\t" "vmovdqu %%ymm15, 480(%2)\n\t"
        "vzeroupper\n\t"
        : "+a"(ret)
        : "r"(in), "r"(out)
        : "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
          "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
    return ret;
}

static void check_vector_registers(int have_avx) {
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t in[NREG][4], out[NREG][4];
        for (int i = 0; i < NREG; i++)
            for (int h = 0; h < 4; h++) in[i][h] = pattern(r, i, h);
        if (have_avx) {
            memset(out, 0, sizeof out);
            ymm_across_syscall((const uint64_t (*)[4])in, out);
            for (int i = 0; i < NREG; i++)
                for (int h = 0; h < 4; h++)
                    if (out[i][h] != in[i][h]) fail("ymm", r, i * 4 + h, out[i][h], in[i][h]);
        }
        uint64_t in2[NREG][2], out2[NREG][2];
        for (int i = 0; i < NREG; i++) { in2[i][0] = in[i][1]; in2[i][1] = in[i][2]; }
        memset(out2, 0, sizeof out2);
        xmm_across_syscall((const uint64_t (*)[2])in2, out2);
        for (int i = 0; i < NREG; i++)
            for (int h = 0; h < 2; h++)
                if (out2[i][h] != in2[i][h]) fail("xmm", r, i * 2 + h, out2[i][h], in2[i][h]);
    }
}

/* MXCSR: round-toward-zero plus flush-to-zero, all exceptions masked.
 * x87 control word: round-down, 53-bit precision, all exceptions masked. */
static void check_control_registers(void) {
    uint32_t saved_mxcsr, mxcsr = 0x7f80 | 0x6000 | 0x8000, got_mxcsr;
    uint16_t saved_fcw, fcw = 0x027f | 0x0400, got_fcw;
    __asm__ volatile("stmxcsr %0" : "=m"(saved_mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(saved_fcw));
    for (int r = 0; r < ROUNDS; r++) {
        __asm__ volatile("ldmxcsr %0" ::"m"(mxcsr));
        __asm__ volatile("fldcw %0" ::"m"(fcw));
        long ret = SYS_getpid;
        __asm__ volatile("syscall" : "+a"(ret) : : "rcx", "r11", "memory");
        __asm__ volatile("stmxcsr %0" : "=m"(got_mxcsr));
        __asm__ volatile("fnstcw %0" : "=m"(got_fcw));
        __asm__ volatile("ldmxcsr %0" ::"m"(saved_mxcsr));
        __asm__ volatile("fldcw %0" ::"m"(saved_fcw));
        /* Only compare the control bits: the sticky exception flags (0-5) may change. */
        if ((got_mxcsr & ~0x3fu) != (mxcsr & ~0x3fu)) fail("mxcsr", r, 0, got_mxcsr, mxcsr);
        if (got_fcw != fcw) fail("x87-fcw", r, 0, got_fcw, fcw);
    }
}

/* A chain of double operations whose every intermediate lives in xmm registers. */
static double step(double x, int i) {
    return x * 1.0000001 + (double)i / 3.0 - x / 7.0;
}

#define VLEN 64
__attribute__((target("avx2"), noinline)) static void avx2_step(double *v, int i) {
    for (int k = 0; k < VLEN; k++) v[k] = v[k] * 1.5 + (double)(i + k) * 0.25 - v[k] / 3.0;
}
__attribute__((noinline)) static void sse_step(double *v, int i) {
    for (int k = 0; k < VLEN; k++) v[k] = v[k] * 1.5 + (double)(i + k) * 0.25 - v[k] / 3.0;
}

static void check_math(int have_avx2) {
    volatile double quiet = 1.0, noisy = 1.0;
    double vq[VLEN], vn[VLEN];
    for (int k = 0; k < VLEN; k++) vq[k] = vn[k] = (double)k + 0.5;
    for (int i = 0; i < ROUNDS * 10; i++) {
        quiet = step(quiet, i);
        double x = noisy;
        x = step(x, i);
        (void)getpid();
        if ((i & 63) == 0) (void)write(1, "", 0);
        noisy = x;
        /* Both vectors use the same code path so the results must be bit-identical;
         * only `vn` is interrupted by syscalls. */
        if (have_avx2) { avx2_step(vq, i); avx2_step(vn, i); } else { sse_step(vq, i); sse_step(vn, i); }
        (void)syscall(SYS_getppid);
    }
    uint64_t a, b;
    double q = quiet, n = noisy;
    memcpy(&a, &q, 8);
    memcpy(&b, &n, 8);
    if (a != b) fail("double-chain", 0, 0, b, a);
    for (int k = 0; k < VLEN; k++) {
        memcpy(&a, &vq[k], 8);
        memcpy(&b, &vn[k], 8);
        if (a != b) fail(have_avx2 ? "avx2-vector" : "sse-vector", 0, k, b, a);
    }
}

int main(void) {
    __builtin_cpu_init();
    /* libgcc checks CPUID and XCR0 (OS support) for these. */
    int have_avx = __builtin_cpu_supports("avx") != 0;
    int have_avx2 = __builtin_cpu_supports("avx2") != 0;
    printf("avx=%d avx2=%d\n", have_avx, have_avx2);
    check_vector_registers(have_avx);
    check_control_registers();
    check_math(have_avx2);
    if (failures == 0) {
        printf("fpu ok\n");
        return 0;
    }
    printf("fpu FAILED: %d mismatches\n", failures);
    return 1;
}
