/* Directories and names: getdents64, getcwd/chdir (relative paths and ".."),
 * readlink, and /proc/self/exe (Debian's busybox re-executes itself through it). */
#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Bit per expected entry: ".", "..", "x" (DT_REG), "y" (DT_REG), "sub" (DT_DIR). */
static int scan_directory(int fd, int *bad_type) {
    char buf[4096] __attribute__((aligned(8)));
    int seen = 0;
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n < 0) return -1;
        if (n == 0) return seen;
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
            if (d->d_reclen == 0) return -2;
            if (strcmp(d->d_name, ".") == 0) seen |= 1;
            else if (strcmp(d->d_name, "..") == 0) seen |= 2;
            else if (strcmp(d->d_name, "x") == 0) { seen |= 4; if (d->d_type != DT_REG) *bad_type = 1; }
            else if (strcmp(d->d_name, "y") == 0) { seen |= 8; if (d->d_type != DT_REG) *bad_type = 1; }
            else if (strcmp(d->d_name, "sub") == 0) { seen |= 16; if (d->d_type != DT_DIR) *bad_type = 1; }
            off += d->d_reclen;
        }
    }
}

static void test_getdents(void) {
    const char *dir = at("dir");
    mkdir(dir, 0755);
    close(open(at("dir/x"), O_CREAT | O_WRONLY, 0644));
    close(open(at("dir/y"), O_CREAT | O_WRONLY, 0644));
    mkdir(at("dir/sub"), 0755);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    check("open-o-directory", fd >= 0, "fd=%d errno=%d", fd, errno);
    int bad_type = 0;
    int seen = scan_directory(fd, &bad_type);
    check("getdents64-entries", seen >= 0 && (seen & 28) == 28, "seen mask=%d (x=4 y=8 sub=16)", seen);
    check("getdents64-dots", seen >= 0 && (seen & 3) == 3, "seen mask=%d (.=1 ..=2)", seen);
    check("getdents64-d_type", bad_type == 0, "wrong d_type");
    char tiny[8];
    lseek(fd, 0, SEEK_SET);
    check_errno("getdents64-small-buffer", syscall(SYS_getdents64, fd, tiny, sizeof tiny), EINVAL);
    close(fd);
    fd = open(at("dir/x"), O_RDONLY);
    char buf[512];
    check_errno("getdents64-on-file", syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    close(fd);
}

static void test_cwd(void) {
    char cwd[512];
    const char *sub = at("dir/sub");
    check_ret("chdir", syscall(SYS_chdir, sub), 0);
    memset(cwd, 0, sizeof cwd);
    check("getcwd", getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, sub) == 0,
          "got '%s' want '%s'", cwd, sub);
    check_errno("getcwd-erange", syscall(SYS_getcwd, cwd, 1), ERANGE);
    check_ret("chdir-dotdot", chdir(".."), 0);
    int fd = open("x", O_RDONLY);
    check("open-relative", fd >= 0, "fd=%d errno=%d", fd, errno);
    close(fd);
    struct stat st;
    check_ret("stat-relative-dotdot", stat("../dir/sub", &st), 0);
    check("stat-dir-mode", S_ISDIR(st.st_mode), "mode=%o", st.st_mode);
    check_errno("chdir-file", chdir("x"), ENOTDIR);
    check_errno("chdir-missing", chdir("missing"), ENOENT);
    check_ret("chdir-root", chdir("/"), 0);
    check("getcwd-root", getcwd(cwd, sizeof cwd) != NULL && strcmp(cwd, "/") == 0, "got '%s'", cwd);
}

static const char *basename_of(const char *p) {
    const char *slash = strrchr(p, '/');
    return slash ? slash + 1 : p;
}

static void test_readlink(void) {
    char buf[512];
    memset(buf, 'Q', sizeof buf);
    long n = syscall(SYS_readlink, "/proc/self/exe", buf, sizeof buf - 1);
    check("readlink-proc-self-exe", n > 0 && buf[0] == '/', "n=%ld errno=%d", n, errno);
    if (n > 0) {
        check("readlink-no-nul", buf[n] == 'Q', "byte after the link is %d", buf[n]);
        buf[n] = 0;
        check("readlink-exe-name", strcmp(basename_of(buf), basename_of(program_name)) == 0,
              "link '%s', argv[0] '%s'", buf, program_name);
    }
    check_ret("readlink-truncates", syscall(SYS_readlink, "/proc/self/exe", buf, 4), 4);
    check_errno("readlink-not-link", readlink(at("dir/x"), buf, sizeof buf), EINVAL);
    check_errno("readlink-missing", readlink(at("missing"), buf, sizeof buf), ENOENT);

    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = {0};
    check("proc-self-exe-open", fd >= 0 && read(fd, magic, 4) == 4 && memcmp(magic, "\177ELF", 4) == 0,
          "fd=%d errno=%d", fd, errno);
    if (fd >= 0) close(fd);
}

void test_directories(void) {
    test_getdents();
    test_cwd();
    test_readlink();
}
