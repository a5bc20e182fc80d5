/* File descriptors and devices: dup/dup2/dup3, fcntl, close, stdin at EOF,
 * /dev/{null,zero,full,random,urandom,console,stdout}, and the terminal ioctls
 * (TCGETS/TIOCGWINSZ must say ENOTTY unless the host's stdout is a terminal). */
#include "check.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

void test_descriptors(void) {
    const char *f = at("fds.txt");
    int a = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
    check("open-for-dup", a >= 3, "fd=%d errno=%d", a, errno);
    int b = dup(a);
    check("dup", b > a, "dup gave %d for %d", b, a);
    close(b);
    check_ret("dup-lowest-free", dup(a), b);
    check_ret("dup-shares-offset-write", write(a, "12345", 5), 5);
    check_ret("dup-shares-offset", lseek(b, 0, SEEK_CUR), 5);
    close(b);

    check_ret("dup2", syscall(SYS_dup2, a, 20), 20);
    check_ret("dup2-same", syscall(SYS_dup2, a, a), a);
    check_errno("dup2-bad-fd", dup2(99, 21), EBADF);
    check_errno("dup3-same", syscall(SYS_dup3, a, a, 0), EINVAL);
    check_errno("dup3-bad-flags", syscall(SYS_dup3, a, 22, 0x1234), EINVAL);
    check_ret("dup3-cloexec", syscall(SYS_dup3, a, 21, O_CLOEXEC), 21);
    check_ret("fcntl-getfd-cloexec", fcntl(21, F_GETFD), FD_CLOEXEC);
    check_ret("fcntl-getfd-plain", fcntl(20, F_GETFD), 0);
    check_ret("fcntl-setfd", fcntl(20, F_SETFD, FD_CLOEXEC), 0);
    check_ret("fcntl-setfd-readback", fcntl(20, F_GETFD), FD_CLOEXEC);
    int fl = fcntl(a, F_GETFL);
    check("fcntl-getfl", fl >= 0 && (fl & O_ACCMODE) == O_RDWR, "flags=%#x", fl);
    int c = open(f, O_WRONLY | O_APPEND);
    fl = fcntl(c, F_GETFL);
    check("fcntl-getfl-append", fl >= 0 && (fl & O_ACCMODE) == O_WRONLY && (fl & O_APPEND),
          "flags=%#x", fl);
    close(c);
    int d = fcntl(a, F_DUPFD, 30);
    check("fcntl-dupfd", d >= 30, "got %d", d);
    close(d);

    close(20);
    close(21);
    check_ret("close", close(a), 0);
    char buf[8];
    check_errno("read-closed", read(a, buf, 1), EBADF);
    check_errno("close-closed", close(a), EBADF);
    check_errno("fcntl-bad-fd", fcntl(a, F_GETFD), EBADF);
    check_errno("write-bad-fd", write(-1, "x", 1), EBADF);
    unlink(f);

    /* Host stdin is not forwarded yet: fd 0 reads EOF (run natively with </dev/null). */
    check_ret("stdin-eof", read(0, buf, sizeof buf), 0);
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) return 0;
    return 1;
}

void test_devices(void) {
    unsigned char buf[4096];
    int fd = open("/dev/zero", O_RDONLY);
    memset(buf, 0xAA, sizeof buf);
    check("dev-zero", fd >= 0 && read(fd, buf, sizeof buf) == sizeof buf && all_bytes(buf, sizeof buf, 0),
          "fd=%d errno=%d", fd, errno);
    close(fd);

    fd = open("/dev/null", O_RDWR);
    check_ret("dev-null-write", write(fd, buf, 100), 100);
    check_ret("dev-null-read", read(fd, buf, 100), 0);
    struct stat st;
    check("dev-null-chr", fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "mode=%o", st.st_mode);
    close(fd);

    fd = open("/dev/full", O_RDWR);
    check_errno("dev-full-write", write(fd, buf, 10), ENOSPC);
    memset(buf, 0xAA, 64);
    check("dev-full-read", read(fd, buf, 64) == 64 && all_bytes(buf, 64, 0), "errno=%d", errno);
    close(fd);

    const char *randoms[] = {"/dev/urandom", "/dev/random"};
    for (int i = 0; i < 2; i++) {
        fd = open(randoms[i], O_RDONLY);
        memset(buf, 0, 64);
        char name[32];
        snprintf(name, sizeof name, "dev-%s", randoms[i] + 5);
        check(name, fd >= 0 && read(fd, buf, 64) == 64 && !all_bytes(buf, 64, 0), "fd=%d errno=%d", fd, errno);
        close(fd);
    }

    fd = open("/dev/console", O_WRONLY);
    check("dev-console-open", fd >= 0, "errno=%d", errno);
    if (fd >= 0) close(fd);
    check("dev-stdin-exists", stat("/dev/stdin", &st) == 0, "errno=%d", errno);
    check("dev-stderr-exists", stat("/dev/stderr", &st) == 0, "errno=%d", errno);
    /* The integration test looks for this line: it only appears if the write
     * through /dev/stdout really reached our stdout. */
    fflush(stdout);
    fd = open("/dev/stdout", O_WRONLY);
    const char line[] = "ok dev-stdout-write\n";
    if (fd < 0 || write(fd, line, sizeof line - 1) != (long)(sizeof line - 1))
        failf("dev-stdout-write", "fd=%d errno=%d", fd, errno);
    if (fd >= 0) close(fd);
}

void test_terminal(void) {
    struct termios t;
    struct winsize ws;
    if (expect_tty) {
        check_ret("ioctl-tcgets-stdout", ioctl(1, TCGETS, &t), 0);
        check_ret("ioctl-tiocgwinsz-stdout", ioctl(1, TIOCGWINSZ, &ws), 0);
    } else {
        check_errno("ioctl-tcgets-stdout", ioctl(1, TCGETS, &t), ENOTTY);
        check_errno("ioctl-tiocgwinsz-stdout", ioctl(1, TIOCGWINSZ, &ws), ENOTTY);
        check_errno("ioctl-tcgets-stderr", ioctl(2, TCGETS, &t), ENOTTY);
        check("isatty-stdout", !isatty(1), "isatty(1) is true");
    }
    int fd = open("/dev/null", O_RDONLY);
    check_errno("ioctl-tcgets-dev-null", ioctl(fd, TCGETS, &t), ENOTTY);
    close(fd);
    check_errno("ioctl-bad-fd", ioctl(77, TCGETS, &t), EBADF);
}
