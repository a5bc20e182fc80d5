/* Regular files on the guest's tmpfs: open/openat, read/write, pread/pwrite,
 * readv/writev, lseek, the stat family, statx, access/faccessat, mkdir, unlink,
 * rename. Runs first: it creates the scratch directory the other files use. */
#include "check.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* struct statx is stable kernel ABI (include/uapi/linux/stat.h); spelled out
 * here because musl 1.2.3's headers do not have it. */
struct kstatx_timestamp { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct kstatx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, spare0;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct kstatx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare2[14];
};
#define KSTATX_TYPE 0x1u
#define KSTATX_SIZE 0x200u
#define KSTATX_BASIC_STATS 0x7ffu

char base[64];

const char *at(const char *name) {
    /* A fresh buffer per call (a test program may leak): callers keep paths. */
    char *p = malloc(256);
    snprintf(p, 256, "%s/%s", base, name);
    return p;
}

/* Best effort, unchecked: rmdir is not part of the skeleton's syscall set. */
void remove_scratch(void) {
    const char *files[] = {"dir/x", "dir/y", "a.txt", "b.txt", "big.bin", "fds.txt", "mapped.bin"};
    for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) unlink(at(files[i]));
    rmdir(at("dir/sub"));
    rmdir(at("dir"));
    rmdir(base);
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_read_write(void) {
    const char *f = at("a.txt");
    int fd = (int)syscall(SYS_open, f, O_CREAT | O_RDWR | O_TRUNC, 0644);
    check("open-create", fd >= 3, "fd=%d errno=%d", fd, errno);
    const char msg[] = "hello, tmpfs\n"; /* 13 bytes */
    check_ret("write", write(fd, msg, 13), 13);
    check_ret("lseek-cur", lseek(fd, 0, SEEK_CUR), 13);
    check_ret("lseek-set", lseek(fd, 0, SEEK_SET), 0);
    char buf[64];
    memset(buf, 0, sizeof buf);
    check_ret("read", read(fd, buf, sizeof buf), 13);
    check("read-content", memcmp(buf, msg, 13) == 0, "got '%.13s'", buf);
    check_ret("read-at-eof", read(fd, buf, sizeof buf), 0);
    check_ret("lseek-end", lseek(fd, -3, SEEK_END), 10);
    check_errno("lseek-negative", lseek(fd, -100, SEEK_SET), EINVAL);
    check_errno("lseek-bad-whence", lseek(fd, 0, 77), EINVAL);

    check_ret("pwrite", pwrite(fd, "XY", 2, 7), 2);
    check_ret("pwrite-keeps-offset", lseek(fd, 0, SEEK_CUR), 10);
    memset(buf, 0, sizeof buf);
    check_ret("pread", pread(fd, buf, 5, 6), 5);
    check("pread-content", memcmp(buf, " XYpf", 5) == 0, "got '%.5s'", buf);
    check_ret("pwrite-past-eof", pwrite(fd, "Z", 1, 100), 1);
    buf[0] = 'q';
    check_ret("pread-hole", pread(fd, buf, 1, 50), 1);
    check("hole-reads-zero", buf[0] == 0, "got %d", buf[0]);

    struct iovec out[2] = {{(void *)"ab", 2}, {(void *)"cde", 3}};
    lseek(fd, 0, SEEK_END);
    check_ret("writev", writev(fd, out, 2), 5);
    char b1[4], b2[3];
    struct iovec in[2] = {{b1, 4}, {b2, 3}};
    lseek(fd, 0, SEEK_SET);
    check_ret("readv", readv(fd, in, 2), 7);
    check("readv-content", memcmp(b1, "hell", 4) == 0 && memcmp(b2, "o, ", 3) == 0,
          "got '%.4s' '%.3s'", b1, b2);

    struct stat st;
    check_ret("fstat", fstat(fd, &st), 0);
    check("fstat-size", st.st_size == 106, "size=%ld", (long)st.st_size);
    check("fstat-regular", S_ISREG(st.st_mode), "mode=%o", st.st_mode);
    check("fstat-nlink", st.st_nlink >= 1, "nlink=%ld", (long)st.st_nlink);
    check_ret("fstatat-empty-path", fstatat(fd, "", &st, AT_EMPTY_PATH), 0);
    check("fstatat-empty-path-size", st.st_size == 106, "size=%ld", (long)st.st_size);
    close(fd);

    check_ret("stat", syscall(SYS_stat, f, &st), 0);
    check("stat-size", st.st_size == 106, "size=%ld", (long)st.st_size);
    check_ret("lstat", syscall(SYS_lstat, f, &st), 0);
    check("lstat-regular", S_ISREG(st.st_mode), "mode=%o", st.st_mode);
    check_ret("newfstatat", syscall(SYS_newfstatat, AT_FDCWD, f, &st, 0), 0);
    check("newfstatat-size", st.st_size == 106, "size=%ld", (long)st.st_size);
    check_ret("libc-stat", stat(f, &st), 0);
    check_errno("stat-missing", stat(at("missing"), &st), ENOENT);
    check_errno("stat-through-file", stat(at("a.txt/x"), &st), ENOTDIR);

    struct kstatx stx;
    memset(&stx, 0, sizeof stx);
    check_ret("statx", syscall(SYS_statx, AT_FDCWD, f, 0, KSTATX_BASIC_STATS, &stx), 0);
    check("statx-size", (stx.stx_mask & KSTATX_SIZE) && stx.stx_size == 106,
          "mask=%x size=%llu", stx.stx_mask, (unsigned long long)stx.stx_size);
    check("statx-type", (stx.stx_mask & KSTATX_TYPE) && S_ISREG(stx.stx_mode), "mode=%o",
          stx.stx_mode);
    check_errno("statx-missing",
                syscall(SYS_statx, AT_FDCWD, at("missing"), 0, KSTATX_BASIC_STATS, &stx), ENOENT);

    check_errno("open-missing", open(at("missing"), O_RDONLY), ENOENT);
    check_errno("open-excl-existing", open(f, O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
    check_errno("open-dir-for-write", open(base, O_WRONLY), EISDIR);
    check_errno("open-file-as-dir", open(f, O_RDONLY | O_DIRECTORY), ENOTDIR);

    fd = (int)syscall(SYS_openat, AT_FDCWD, f, O_RDONLY);
    check("openat-cwd", fd >= 0, "fd=%d errno=%d", fd, errno);
    check_errno("write-on-rdonly", write(fd, "x", 1), EBADF);
    close(fd);
    int dfd = open(base, O_RDONLY | O_DIRECTORY);
    check("open-directory", dfd >= 0, "fd=%d errno=%d", dfd, errno);
    fd = openat(dfd, "a.txt", O_RDONLY);
    check("openat-dirfd", fd >= 0, "fd=%d errno=%d", fd, errno);
    memset(buf, 0, sizeof buf);
    check_ret("openat-dirfd-read", read(fd, buf, 5), 5);
    check("openat-dirfd-content", memcmp(buf, "hello", 5) == 0, "got '%.5s'", buf);
    close(fd);
    close(dfd);

    fd = open(f, O_WRONLY | O_APPEND);
    check_errno("read-on-wronly", read(fd, buf, 1), EBADF);
    check_ret("append-write", write(fd, "!", 1), 1);
    close(fd);
    check("append-size", file_size(f) == 107, "size=%ld", file_size(f));

    check_ret("access", syscall(SYS_access, f, F_OK), 0);
    check_ret("access-r", access(f, R_OK | W_OK), 0);
    check_errno("access-missing", syscall(SYS_access, at("missing"), F_OK), ENOENT);
    check_ret("faccessat", syscall(SYS_faccessat, AT_FDCWD, f, R_OK), 0);
    check_errno("faccessat-missing", syscall(SYS_faccessat, AT_FDCWD, at("missing"), R_OK),
                ENOENT);

    const char *g = at("b.txt");
    check_ret("rename", syscall(SYS_rename, f, g), 0);
    check_errno("rename-source-gone", stat(f, &st), ENOENT);
    check("rename-target-size", file_size(g) == 107, "size=%ld", file_size(g));
    check_errno("rename-missing", rename(f, g), ENOENT);
    check_ret("unlink", syscall(SYS_unlink, g), 0);
    check_errno("unlink-again", syscall(SYS_unlink, g), ENOENT);
    check_errno("unlink-libc-again", unlink(g), ENOENT);
    check_errno("unlink-directory", unlink(base), EISDIR);
}

/* Several pages, so the tmpfs file has to grow across page boundaries. */
static void test_large_file(void) {
    const char *f = at("big.bin");
    enum { SIZE = 300 * 1024 + 123 };
    unsigned char *data = malloc(SIZE), *back = malloc(SIZE);
    for (int i = 0; i < SIZE; i++) data[i] = (unsigned char)(i * 31 + (i >> 9));
    int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0600);
    long written = 0;
    while (written < SIZE) {
        long n = write(fd, data + written, SIZE - written > 7000 ? 7000 : SIZE - written);
        if (n <= 0) break;
        written += n;
    }
    check("tmp-large-write", written == SIZE, "wrote %ld", written);
    lseek(fd, 0, SEEK_SET);
    long got = 0;
    while (got < SIZE) {
        long n = read(fd, back + got, SIZE - got);
        if (n <= 0) break;
        got += n;
    }
    check("tmp-large-read", got == SIZE && memcmp(data, back, SIZE) == 0, "read %ld", got);
    close(fd);
    fd = open(f, O_WRONLY | O_TRUNC);
    check("open-trunc", fd >= 0 && file_size(f) == 0, "size=%ld", file_size(f));
    close(fd);
    unlink(f);
    free(data);
    free(back);
}

void test_files(void) {
    snprintf(base, sizeof base, "/tmp/swiftlet-sc-%d", (int)getpid());
    check_ret("mkdir", syscall(SYS_mkdir, base, 0755), 0);
    check_errno("mkdir-eexist", syscall(SYS_mkdir, base, 0755), EEXIST);
    check_errno("mkdir-libc-eexist", mkdir(base, 0755), EEXIST);
    check_errno("mkdir-missing-parent", mkdir(at("no/such"), 0755), ENOENT);
    test_read_write();
    test_large_file();
}

