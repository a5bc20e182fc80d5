/* Self-checking test (area: audit): syscalls with absurd sizes and counts return Linux's
 * errno (or Linux's partial result) instead of making the kernel allocate what the
 * program asks for. Expectations are Linux's (man pages, checked against a native run).
 * The program ends by checking the system still works (fork, pipe, a 1 MiB file).
 * Prints "ok <name>" or "FAIL <name>: ..." per check, then "<n> failures". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } fflush(stdout); } while (0)

/* Raw syscalls: libc wrappers may check or clamp arguments themselves. */
static long sc(long nr, long a, long b, long c, long d, long e, long f) {
    errno = 0;
    return syscall(nr, a, b, c, d, e, f);
}
#define EXPECT_ERR(name, call, err) do { long r_ = (call); int e_ = errno; \
    CHECK(name, r_ == -1 && e_ == (err), "got %ld errno %d (%s), want errno %d", r_, e_, strerror(e_), err); } while (0)

static char *small;          /* 4 pages followed by an unmapped page */
static const long smallSize = 4 * 4096;

static void setup(void) {
    char *p = mmap(NULL, 5 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); exit(2); }
    munmap(p + smallSize, 4096);
    memset(p, 'x', smallSize);
    small = p;
}

static void vectors(void) {
    int fd = open("/dev/zero", O_RDWR);
    struct iovec v = { small, 16 };
    EXPECT_ERR("readv iovcnt 1025", sc(SYS_readv, fd, (long)&v, 1025, 0, 0, 0), EINVAL);
    EXPECT_ERR("readv iovcnt -1", sc(SYS_readv, fd, (long)&v, -1, 0, 0, 0), EINVAL);
    EXPECT_ERR("writev iovcnt INT_MAX", sc(SYS_writev, fd, (long)&v, INT_MAX, 0, 0, 0), EINVAL);
    EXPECT_ERR("preadv iovcnt 1025", sc(SYS_preadv, fd, (long)&v, 1025, 0, 0, 0), EINVAL);
    EXPECT_ERR("pwritev iovcnt 1025", sc(SYS_pwritev, fd, (long)&v, 1025, 0, 0, 0), EINVAL);
    /* iov_len that makes the total overflow ssize_t */
    /* A negative iov_len is EINVAL; a range past user space is EFAULT (access_ok). */
    struct iovec neg = { small, (size_t)-1 };
    EXPECT_ERR("readv iov_len negative", sc(SYS_readv, fd, (long)&neg, 1, 0, 0, 0), EINVAL);
    struct iovec two[2] = { { small, SSIZE_MAX }, { small, SSIZE_MAX } };
    EXPECT_ERR("readv iov_len SSIZE_MAX", sc(SYS_readv, fd, (long)two, 2, 0, 0, 0), EFAULT);
    /* 1024 entries is legal */
    static struct iovec many[1024];
    for (int i = 0; i < 1024; i++) { many[i].iov_base = small; many[i].iov_len = 1; }
    long r = sc(SYS_readv, fd, (long)many, 1024, 0, 0, 0);
    CHECK("readv iovcnt 1024", r == 1024, "got %ld errno %d", r, errno);
    close(fd);
}

static void reads(void) {
    int z = open("/dev/zero", O_RDONLY);
    long r = sc(SYS_read, z, (long)small, 1L << 30, 0, 0, 0);
    CHECK("read /dev/zero 1 GiB into 16 KiB", r > 0 && r <= smallSize && r % 4096 == 0, "got %ld errno %d", r, errno);
    /* buf + count past user space fails access_ok before anything is read */
    EXPECT_ERR("read /dev/zero SIZE_MAX", sc(SYS_read, z, (long)small, -1L, 0, 0, 0), EFAULT);
    EXPECT_ERR("write SIZE_MAX", sc(SYS_write, 1, (long)small, -1L, 0, 0, 0), EFAULT);
    EXPECT_ERR("read /dev/zero 1 GiB to NULL", sc(SYS_read, z, 0, 1L << 30, 0, 0, 0), EFAULT);
    close(z);
    int u = open("/dev/urandom", O_RDONLY);
    r = sc(SYS_read, u, (long)small + smallSize - 100, 1L << 30, 0, 0, 0);
    CHECK("read /dev/urandom up to the hole", r > 0 && r <= 100, "got %ld errno %d", r, errno);
    close(u);
    int n = open("/dev/null", O_WRONLY);
    r = sc(SYS_write, n, (long)small, 1L << 30, 0, 0, 0);
    CHECK("write /dev/null 1 GiB from 16 KiB", r == 1L << 30, "got %ld errno %d", r, errno);
    close(n);
    r = sc(SYS_getrandom, (long)small, 1L << 30, 0, 0, 0, 0);
    CHECK("getrandom 1 GiB into 16 KiB", r > 0 && r <= smallSize, "got %ld errno %d", r, errno);
    EXPECT_ERR("getrandom to NULL", sc(SYS_getrandom, 0, 1L << 20, 0, 0, 0, 0), EFAULT);
    EXPECT_ERR("getrandom bad flags", sc(SYS_getrandom, (long)small, 16, 0x100, 0, 0, 0), EINVAL);
}

static void files(void) {
    char path[] = "/tmp/hostileXXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) { perror("mkstemp"); failures++; return; }
    unlink(path);
    /* A huge count from a small buffer writes the readable part (Linux: partial write). */
    long r = sc(SYS_write, fd, (long)small, 1L << 30, 0, 0, 0);
    CHECK("write file 1 GiB from 16 KiB", r == smallSize, "got %ld errno %d", r, errno);
    r = lseek(fd, 0, SEEK_END);
    CHECK("file size after partial write", r == smallSize, "size %ld", r);
    EXPECT_ERR("write file from NULL", sc(SYS_write, fd, 0, 1L << 30, 0, 0, 0), EFAULT);
    /* A read of a huge count into a small mapping stops at the hole. */
    char *hole = small + smallSize - 8192;
    r = sc(SYS_pread64, fd, (long)hole, 1L << 30, 0, 0, 0);
    CHECK("pread 1 GiB into 8 KiB before a hole", r == 8192, "got %ld errno %d", r, errno);
    EXPECT_ERR("pread negative offset", sc(SYS_pread64, fd, (long)small, 1, -1, 0, 0), EINVAL);
    EXPECT_ERR("pwrite negative offset", sc(SYS_pwrite64, fd, (long)small, 1, -4096, 0, 0), EINVAL);
    EXPECT_ERR("pwrite offset+count overflows", sc(SYS_pwrite64, fd, (long)small, 4096, LLONG_MAX - 10, 0, 0), EINVAL);
    EXPECT_ERR("ftruncate negative", sc(SYS_ftruncate, fd, -1, 0, 0, 0, 0), EINVAL);
    /* Linux tmpfs is sparse (success); a RAM-backed file may refuse (EFBIG/ENOSPC). */
    r = sc(SYS_ftruncate, fd, 1L << 40, 0, 0, 0, 0);
    int e = errno;
    CHECK("ftruncate 1 TiB", r == 0 || e == EFBIG || e == ENOSPC, "got %ld errno %d", r, e);
    r = sc(SYS_ftruncate, fd, 0, 0, 0, 0, 0);
    CHECK("ftruncate back to 0", r == 0, "got %ld errno %d", r, errno);
    r = sc(SYS_pwrite64, fd, (long)small, 1, 1L << 40, 0, 0);
    e = errno;
    CHECK("pwrite at 1 TiB", r == 1 || e == EFBIG || e == ENOSPC, "got %ld errno %d", r, e);
    r = sc(SYS_ftruncate, fd, 0, 0, 0, 0, 0);
    CHECK("ftruncate back to 0 again", r == 0, "got %ld errno %d", r, errno);
    EXPECT_ERR("getdents64 count 0", sc(SYS_getdents64, open("/", O_RDONLY | O_DIRECTORY), (long)small, 0, 0, 0, 0), EINVAL);
    int d = open("/", O_RDONLY | O_DIRECTORY);
    r = sc(SYS_getdents64, d, (long)small, 1L << 30, 0, 0, 0);
    CHECK("getdents64 count 1 GiB", r > 0, "got %ld errno %d", r, errno);
    close(d);
    EXPECT_ERR("getcwd size 0", sc(SYS_getcwd, (long)small, 0, 0, 0, 0, 0), ERANGE);
    r = sc(SYS_getcwd, (long)small, -1L, 0, 0, 0, 0);
    CHECK("getcwd size SIZE_MAX", r > 0, "got %ld errno %d", r, errno);
    EXPECT_ERR("readlink size 0", sc(SYS_readlink, (long)"/proc/self/exe", (long)small, 0, 0, 0, 0), EINVAL);
    EXPECT_ERR("readlink size SIZE_MAX", sc(SYS_readlink, (long)"/proc/self/exe", (long)small, -1L, 0, 0, 0), EINVAL);
    r = sc(SYS_readlink, (long)"/proc/self/exe", (long)small, INT_MAX, 0, 0, 0);
    CHECK("readlink size INT_MAX", r > 0, "got %ld errno %d", r, errno);
    int m = open("/proc/self/maps", O_RDONLY);
    r = sc(SYS_read, m, (long)small + smallSize - 64, 1L << 30, 0, 0, 0);
    CHECK("read /proc/self/maps 1 GiB into 64 bytes", r == 64, "got %ld errno %d", r, errno);
    close(m);
    close(fd);
}

static void polling(void) {
    struct rlimit nofile;
    getrlimit(RLIMIT_NOFILE, &nofile);
    struct pollfd p = { 0, POLLIN, 0 };
    EXPECT_ERR("poll nfds > RLIMIT_NOFILE", sc(SYS_poll, (long)&p, nofile.rlim_cur + 1, 0, 0, 0, 0), EINVAL);
    EXPECT_ERR("poll nfds SIZE_MAX", sc(SYS_poll, (long)&p, -1L, 0, 0, 0, 0), EINVAL);
    struct timespec zero = { 0, 0 };
    /* nfds is an unsigned int: 1<<40 is 0 descriptors */
    long r0 = sc(SYS_ppoll, (long)&p, 1L << 40, (long)&zero, 0, 8, 0);
    CHECK("ppoll nfds 1<<40 is 0", r0 == 0, "got %ld errno %d", r0, errno);
    EXPECT_ERR("poll nfds = limit, NULL fds", sc(SYS_poll, 0, nofile.rlim_cur, 0, 0, 0, 0), EFAULT);
    EXPECT_ERR("select nfds -1", sc(SYS_select, -1, 0, 0, 0, (long)&(struct timeval){0, 0}, 0), EINVAL);
    long r = sc(SYS_select, INT_MAX, 0, 0, 0, (long)&(struct timeval){0, 0}, 0);
    CHECK("select nfds INT_MAX, no sets", r == 0, "got %ld errno %d", r, errno);
    int ep = epoll_create1(0);
    struct epoll_event ev[4];
    EXPECT_ERR("epoll_wait maxevents 0", sc(SYS_epoll_wait, ep, (long)ev, 0, 0, 0, 0), EINVAL);
    EXPECT_ERR("epoll_wait maxevents -1", sc(SYS_epoll_wait, ep, (long)ev, -1, 0, 0, 0), EINVAL);
    EXPECT_ERR("epoll_wait maxevents INT_MAX", sc(SYS_epoll_wait, ep, (long)ev, INT_MAX, 0, 0, 0), EINVAL);
    EXPECT_ERR("epoll_pwait maxevents INT_MAX/12+1", sc(SYS_epoll_pwait, ep, (long)ev, INT_MAX / 12 + 1, 0, 0, 8), EINVAL);
    static struct epoll_event low[4];   /* in .bss: the whole 2 GiB range is below the user limit */
    r = sc(SYS_epoll_wait, ep, (long)low, INT_MAX / 12, 0, 0, 0);
    CHECK("epoll_wait maxevents INT_MAX/12, nothing ready", r == 0, "got %ld errno %d", r, errno);
    EXPECT_ERR("epoll_wait events at the top of memory", sc(SYS_epoll_wait, ep, (long)-4096L, 4, 0, 0, 0), EFAULT);
    close(ep);
}

static void sockets(void) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) { perror("socketpair"); failures++; return; }
    struct iovec v = { small, 1 };
    struct msghdr m = { 0 };
    m.msg_iov = &v; m.msg_iovlen = 1025;
    EXPECT_ERR("sendmsg iovlen 1025", sc(SYS_sendmsg, sv[0], (long)&m, 0, 0, 0, 0), EMSGSIZE);
    EXPECT_ERR("recvmsg iovlen 1025", sc(SYS_recvmsg, sv[1], (long)&m, MSG_DONTWAIT, 0, 0, 0), EMSGSIZE);
    m.msg_iovlen = 1;
    m.msg_control = small; m.msg_controllen = 1 << 30;
    EXPECT_ERR("sendmsg controllen 1 GiB", sc(SYS_sendmsg, sv[0], (long)&m, 0, 0, 0, 0), ENOBUFS);
    m.msg_controllen = (size_t)INT_MAX + 1;
    EXPECT_ERR("sendmsg controllen > INT_MAX", sc(SYS_sendmsg, sv[0], (long)&m, 0, 0, 0, 0), ENOBUFS);
    /* A huge receive buffer for little data returns what is there. */
    long r = write(sv[0], "hello", 5);
    r = sc(SYS_recvfrom, sv[1], (long)small, 1L << 30, 0, 0, 0);
    CHECK("recv 1 GiB buffer", r == 5, "got %ld errno %d", r, errno);
    EXPECT_ERR("recv nothing queued, nonblocking", sc(SYS_recvfrom, sv[1], (long)small, -1L, MSG_DONTWAIT, 0, 0), EAGAIN);
    r = sc(SYS_sendto, sv[0], (long)small, 1L << 30, MSG_DONTWAIT, 0, 0);
    CHECK("send 1 GiB from 16 KiB, nonblocking", (r > 0 && r <= smallSize) || (r == -1 && errno == EFAULT),
          "got %ld errno %d", r, errno);
    close(sv[0]); close(sv[1]);

    /* MSG_WAITALL for 3 MiB gets all 3 MiB (the kernel takes it in chunks); asking for
     * 8 MiB when the writer sends 3 MiB and closes returns the 3 MiB. */
    for (int round = 0; round < 2; round++) {
        long want = 3L << 20, ask = round == 0 ? want : 8L << 20;
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) { failures++; return; }
        pid_t pid = fork();
        if (pid == 0) {
            close(sv[1]);
            static unsigned char out[1 << 16];
            for (long sent = 0; sent < want;) {
                for (int i = 0; i < (int)sizeof out; i++) out[i] = (unsigned char)((sent + i) % 251);
                ssize_t n = write(sv[0], out, sizeof out);
                if (n <= 0) _exit(1);
                sent += n;
            }
            _exit(0);
        }
        close(sv[0]);
        unsigned char *in = mmap(NULL, ask, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        long got = recv(sv[1], in, ask, MSG_WAITALL);
        int good = got == want;
        for (long i = 0; good && i < want; i++) if (in[i] != (unsigned char)(i % 251)) good = 0;
        int st = 0;
        waitpid(pid, &st, 0);
        CHECK(round == 0 ? "recv MSG_WAITALL 3 MiB" : "recv MSG_WAITALL 8 MiB, writer sends 3 MiB",
              good && WIFEXITED(st) && WEXITSTATUS(st) == 0, "got %ld errno %d status %x", got, errno, st);
        munmap(in, ask);
        close(sv[1]);
    }
}

static void memory(void) {
    void *p = mmap(NULL, (size_t)-1, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap SIZE_MAX", p == MAP_FAILED && errno == ENOMEM, "got %p errno %d", p, errno);
    p = mmap(NULL, 1L << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap 128 TiB", p == MAP_FAILED && errno == ENOMEM, "got %p errno %d", p, errno);
    p = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK("mmap length 0", p == MAP_FAILED && errno == EINVAL, "got %p errno %d", p, errno);
    EXPECT_ERR("mincore 1 TiB", sc(SYS_mincore, (long)small, 1L << 40, (long)small, 0, 0, 0), ENOMEM);
    EXPECT_ERR("sched_getaffinity size 0", sc(SYS_sched_getaffinity, 0, 0, (long)small, 0, 0, 0), EINVAL);
    EXPECT_ERR("sched_getaffinity size SIZE_MAX", sc(SYS_sched_getaffinity, 0, -1L, (long)small, 0, 0, 0), EINVAL);
    long r = sc(SYS_sched_getaffinity, 0, 1L << 20, (long)small, 0, 0, 0);
    CHECK("sched_getaffinity size 1 MiB", r > 0 && r % 8 == 0, "got %ld errno %d", r, errno);
}

static void areas(void) {
    /* 2000 areas: every other page of a big mapping read-only */
    long pages = 4000;
    char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int bad = 0;
    for (long i = 0; i < pages; i += 2) if (mprotect(p + i * 4096, 4096, PROT_READ) != 0) bad++;
    pid_t pid = fork();
    if (pid == 0) { p[4096] = 1; _exit(p[4096] == 1 ? 0 : 1); }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK("2000 areas, fork", bad == 0 && pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "bad %d pid %d status %x", bad, pid, st);
    CHECK("munmap 2000 areas", munmap(p, pages * 4096) == 0, "errno %d", errno);
}

static void execs(void) {
    static char *argv[4];
    static char *envp[1] = { NULL };
    char *big = malloc(131073);
    memset(big, 'a', 131072);
    big[131072] = 0;
    argv[0] = "/bin/true"; argv[1] = big; argv[2] = NULL;
    EXPECT_ERR("execve string of 128 KiB", sc(SYS_execve, (long)"/proc/self/exe", (long)argv, (long)envp, 0, 0, 0), E2BIG);
    big[131071] = 0;   /* 131071 bytes + NUL = MAX_ARG_STRLEN: legal alone */
    /* 40 x 128 KiB = 5 MiB: over 1/4 of the default 8 MiB stack rlimit */
    char **many = calloc(42, sizeof(char *));
    many[0] = "x";
    for (int i = 1; i <= 40; i++) many[i] = big;
    EXPECT_ERR("execve 5 MiB of arguments", sc(SYS_execve, (long)"/proc/self/exe", (long)many, (long)envp, 0, 0, 0), E2BIG);
    /* 2^20 pointers: 8 MiB of pointers alone */
    long n = 1L << 20;
    char **ptrs = mmap(NULL, (n + 1) * sizeof(char *), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (long i = 0; i < n; i++) ptrs[i] = "";
    ptrs[n] = NULL;
    EXPECT_ERR("execve 1M empty arguments", sc(SYS_execve, (long)"/proc/self/exe", (long)ptrs, (long)envp, 0, 0, 0), E2BIG);
    EXPECT_ERR("execve 1M empty environment strings", sc(SYS_execve, (long)"/proc/self/exe", (long)argv, (long)ptrs, 0, 0, 0), E2BIG);
    munmap(ptrs, (n + 1) * sizeof(char *));
    argv[1] = (char *)8; 
    EXPECT_ERR("execve bad string pointer", sc(SYS_execve, (long)"/proc/self/exe", (long)argv, (long)envp, 0, 0, 0), EFAULT);
    EXPECT_ERR("execve argv at a hole", sc(SYS_execve, (long)"/proc/self/exe", (long)(small + smallSize), (long)envp, 0, 0, 0), EFAULT);
    free(many); free(big);
}

static void descriptors(void) {
    struct rlimit old, l;
    getrlimit(RLIMIT_NOFILE, &old);
    l.rlim_cur = l.rlim_max = 1 << 20;   /* nr_open; root may raise the hard limit */
    if (setrlimit(RLIMIT_NOFILE, &l) != 0) { l.rlim_cur = l.rlim_max = old.rlim_max; setrlimit(RLIMIT_NOFILE, &l); }
    getrlimit(RLIMIT_NOFILE, &l);
    EXPECT_ERR("dup2 to RLIMIT_NOFILE", sc(SYS_dup2, 0, l.rlim_cur, 0, 0, 0, 0), EBADF);
    long r = sc(SYS_dup2, 0, l.rlim_cur - 1, 0, 0, 0, 0);
    CHECK("dup2 to RLIMIT_NOFILE-1", r == (long)l.rlim_cur - 1 || (r == -1 && errno == ENOMEM), "got %ld errno %d", r, errno);
    if (r > 0) {
        /* fork copies the 1M-entry descriptor table: it works or fails with ENOMEM */
        pid_t pid = fork();
        if (pid == 0) { close((int)r); int x = dup(1); _exit(x >= 0 ? 0 : 1); }
        int st = 0;
        if (pid > 0) waitpid(pid, &st, 0);
        CHECK("fork with a 1M-entry descriptor table", (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0) || (pid < 0 && errno == ENOMEM),
              "pid %d errno %d status %x", pid, errno, st);
        close((int)r);
    }
    EXPECT_ERR("fcntl F_DUPFD at RLIMIT_NOFILE", sc(SYS_fcntl, 0, F_DUPFD, l.rlim_cur, 0, 0, 0), EINVAL);
    setrlimit(RLIMIT_NOFILE, &old);
    int p[2];
    if (pipe(p) == 0) {
        EXPECT_ERR("F_SETPIPE_SZ negative", sc(SYS_fcntl, p[0], F_SETPIPE_SZ, -1, 0, 0, 0), EINVAL);
        close(p[0]); close(p[1]);
    }
}

/* `hostile fill`: files with long names in /tmp (kernel heap only) until the kernel
 * says no: ENOSPC (tmpfs full) or ENFILE (no room for another open file), never a panic
 * nor an OOM kill; then everything can be removed. (Small kernel heap blocks stay with
 * the heap after they are freed, so memory is not expected to be back for page frames.) */
static void fill(void) {
    char name[512], pad[201];
    memset(pad, 'n', 200); pad[200] = 0;
    long made = 0, dirs = 0;
    int err = 0;
    for (int d = 0; d < 4000 && !err; d++) {
        snprintf(name, sizeof name, "/tmp/fill%d", d);
        if (mkdir(name, 0755) != 0) { err = errno; break; }
        dirs++;
        for (int f = 0; f < 200; f++) {
            snprintf(name, sizeof name, "/tmp/fill%d/%s%d", d, pad, f);
            int fd = open(name, O_CREAT | O_WRONLY, 0644);
            if (fd < 0) { err = errno; break; }
            close(fd);
            made++;
        }
    }
    CHECK("fill tmpfs: ENOSPC or ENFILE", err == ENOSPC || err == ENFILE, "made %ld files, errno %d", made, err);
    long removed = 0;
    for (long d = 0; d < dirs; d++) {
        for (int f = 0; f < 200; f++) {
            snprintf(name, sizeof name, "/tmp/fill%ld/%s%d", d, pad, f);
            if (unlink(name) == 0) removed++;
        }
        snprintf(name, sizeof name, "/tmp/fill%ld", d);
        rmdir(name);
    }
    /* an open that failed with ENFILE may have created its file */
    CHECK("fill tmpfs: all removed", removed == made || removed == made + 1, "removed %ld of %ld", removed, made);
}

/* The system still works: processes, pipes, a 1 MiB file. */
static void healthy(void) {
    int p[2];
    if (pipe(p) != 0) { CHECK("healthy pipe", 0, "errno %d", errno); return; }
    pid_t pid = fork();
    if (pid == 0) {
        static char buf[1 << 20];
        memset(buf, 'y', sizeof buf);
        ssize_t w = write(p[1], buf, sizeof buf);
        _exit(w == (ssize_t)sizeof buf ? 0 : 1);
    }
    close(p[1]);
    long total = 0;
    static char in[65536];
    for (;;) { ssize_t n = read(p[0], in, sizeof in); if (n <= 0) break; total += n; }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK("healthy fork and pipe", total == 1 << 20 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "total %ld status %x", total, st);
    close(p[0]);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "fill") == 0) {
        fill();
        printf("%d failures\n", failures);
        return failures ? 1 : 0;
    }
    setup();
    vectors();
    reads();
    files();
    polling();
    sockets();
    memory();
    areas();
    execs();
    descriptors();
    healthy();
    printf("%d failures\n", failures);
    return failures ? 1 : 0;
}
