/* Address space: brk, anonymous mmap/munmap/mprotect, MAP_FIXED, file-backed
 * read-only mmap, and arch_prctl (the TLS base both libcs set up at start). */
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define PAGE 4096L

static int all_zero(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

static void test_brk(void) {
    /* Raw syscalls: musl's brk() wrapper always fails with ENOMEM on purpose. */
    long cur = syscall(SYS_brk, 0);
    check("brk-query", cur > 0, "brk(0)=%ld", cur);
    long grown = syscall(SYS_brk, cur + 256 * 1024);
    check("brk-grow", grown == cur + 256 * 1024, "got %#lx want %#lx", grown, cur + 256 * 1024);
    if (grown == cur + 256 * 1024) {
        unsigned char *p = (unsigned char *)cur;
        int zero = all_zero(p, 256 * 1024);
        for (long i = 0; i < 256 * 1024; i += 997) p[i] = (unsigned char)i;
        int same = 1;
        for (long i = 0; i < 256 * 1024; i += 997) same &= p[i] == (unsigned char)i;
        check("brk-memory", zero && same, "zero=%d readback=%d", zero, same);
    }
    check_ret("brk-shrink", syscall(SYS_brk, cur), cur);
    check_ret("brk-below-start-unchanged", syscall(SYS_brk, 4096), cur);
}

static void test_anonymous(void) {
    size_t len = 1 << 20;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("mmap-anon", p != MAP_FAILED && ((uintptr_t)p & (PAGE - 1)) == 0, "p=%p errno=%d", (void *)p, errno);
    if (p == MAP_FAILED) return;
    check("mmap-anon-zeroed", all_zero(p, len), "fresh mapping not zero");
    for (size_t i = 0; i < len; i++) p[i] = (unsigned char)(i ^ (i >> 8));
    int same = 1;
    for (size_t i = 0; i < len; i++) same &= p[i] == (unsigned char)(i ^ (i >> 8));
    check("mmap-anon-readback", same, "pattern mismatch");
    unsigned char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("mmap-no-overlap", q != MAP_FAILED && (q + len <= p || q >= p + len), "p=%p q=%p", (void *)p, (void *)q);
    if (q != MAP_FAILED) munmap(q, len);

    check_ret("mprotect", mprotect(p, PAGE, PROT_READ), 0);
    check("mprotect-still-readable", p[1] == (unsigned char)1, "p[1]=%d", p[1]);
    /* Raw syscalls for the errno checks: musl's wrappers round addresses down. */
    check_errno("mprotect-unaligned", syscall(SYS_mprotect, p + 1, PAGE, PROT_READ), EINVAL);
    check_ret("munmap", munmap(p, len), 0);
    check_errno("munmap-unaligned", syscall(SYS_munmap, p + 1, PAGE), EINVAL);
    check_errno("mmap-zero-length", syscall(SYS_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
    check_errno("mmap-bad-fd", syscall(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, 99, 0), EBADF);

    /* Punch a hole in a three-page mapping and map it again at exactly that address. */
    unsigned char *r = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r != MAP_FAILED) {
        r[PAGE] = 7;
        munmap(r + PAGE, PAGE);
        void *m = mmap(r + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        check("mmap-fixed", m == r + PAGE && r[PAGE] == 0, "got %p want %p", m, (void *)(r + PAGE));
        munmap(r, 3 * PAGE);
    } else {
        failf("mmap-fixed", "setup mmap failed errno=%d", errno);
    }
}

static void test_file_mapping(void) {
    enum { SIZE = 10000 };
    unsigned char data[SIZE];
    for (int i = 0; i < SIZE; i++) data[i] = (unsigned char)(i * 7 + 3);
    const char *f = at("mapped.bin");
    int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
    check_ret("mmap-file-setup", write(fd, data, SIZE), SIZE);
    unsigned char *p = mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    check("mmap-file", p != MAP_FAILED, "errno=%d", errno);
    unsigned char *o = mmap(NULL, SIZE - PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    check("mmap-file-offset", o != MAP_FAILED, "errno=%d", errno);
    check_errno("mmap-file-unaligned-offset", syscall(SYS_mmap, 0, PAGE, PROT_READ, MAP_PRIVATE, fd, 100), EINVAL);
    close(fd); /* the mappings must outlive the descriptor */
    if (p != MAP_FAILED) {
        check("mmap-file-content", memcmp(p, data, SIZE) == 0, "content differs");
        /* The rest of the last page, past end of file, reads as zero. */
        check("mmap-file-tail-zero", all_zero(p + SIZE, 3 * PAGE - SIZE), "tail not zero");
        munmap(p, SIZE);
    }
    if (o != MAP_FAILED) {
        check("mmap-file-offset-content", memcmp(o, data + PAGE, SIZE - PAGE) == 0, "content differs");
        munmap(o, SIZE - PAGE);
    }
    unlink(f);
}

static void test_arch_prctl(void) {
    uint64_t fs = 0, self = 0;
    check_ret("arch_prctl-get-fs", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
    /* Both musl and glibc keep a self-pointer at %fs:0 (the TCB header). */
    __asm__ volatile("mov %%fs:0, %0" : "=r"(self));
    check("arch_prctl-fs-is-tcb", fs != 0 && fs == self, "fs=%#llx fs:0=%#llx",
          (unsigned long long)fs, (unsigned long long)self);
    check_ret("arch_prctl-set-fs", syscall(SYS_arch_prctl, ARCH_SET_FS, fs), 0);
    check_errno("arch_prctl-bad-code", syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
}

void test_memory(void) {
    test_brk();
    test_anonymous();
    test_file_mapping();
    test_arch_prctl();
}
