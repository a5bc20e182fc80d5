/* Exercises a virtio-blk disk (/dev/vda by default) from inside the guest, and the
 * same operations on a host file for comparison (BENCHMARKS.md "virtio").
 *   vdtool pattern DEV   write a 1 MiB pattern at offset 4096, fsync, print "ok"
 *   vdtool check DEV     size via lseek(SEEK_END) and BLKGETSIZE64, O_DIRECT reads
 *                        (aligned works and equals buffered; misaligned is EINVAL)
 *   vdtool rotest DEV    opening for writing fails with EROFS
 *   vdtool bench DEV MiB sequential O_DIRECT read/write MB/s and 4 KiB random-read IOPS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
/* musl-gcc has no kernel headers here: the two ioctls from linux/fs.h. */
#define BLKSSZGET 0x1268
#define BLKGETSIZE64 0x80081272
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static unsigned char pattern_byte(size_t i) { return (unsigned char)(i * 31 + 7 + (i >> 12)); }

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int fail(const char *what) { printf("FAIL %s: %s\n", what, strerror(errno)); return 1; }

static int pattern(const char *dev) {
    int fd = open(dev, O_RDWR);
    if (fd < 0) return fail("open");
    size_t n = 1 << 20;
    unsigned char *b = malloc(n);
    for (size_t i = 0; i < n; i++) b[i] = pattern_byte(i);
    if (pwrite(fd, b, n, 4096) != (ssize_t)n) return fail("pwrite");
    if (fsync(fd) != 0) return fail("fsync");
    printf("ok\n");
    return 0;
}

static int check(const char *dev) {
    int fd = open(dev, O_RDONLY);
    if (fd < 0) return fail("open");
    off_t end = lseek(fd, 0, SEEK_END);
    uint64_t size = 0;
    if (ioctl(fd, BLKGETSIZE64, &size) != 0) return fail("BLKGETSIZE64");
    int ssz = 0;
    if (ioctl(fd, BLKSSZGET, &ssz) != 0) return fail("BLKSSZGET");
    printf("size %lld %llu sector %d\n", (long long)end, (unsigned long long)size, ssz);
    int dfd = open(dev, O_RDONLY | O_DIRECT);
    if (dfd < 0) return fail("open O_DIRECT");
    unsigned char *a, *b = malloc(65536);
    if (posix_memalign((void **)&a, 4096, 65536 + 4096) != 0) return fail("posix_memalign");
    if (pread(dfd, a, 65536, 8192) != 65536) return fail("direct pread");
    if (pread(fd, b, 65536, 8192) != 65536) return fail("buffered pread");
    printf("direct %s\n", memcmp(a, b, 65536) == 0 ? "same" : "DIFFERENT");
    errno = 0;
    ssize_t r1 = pread(dfd, a + 1, 512, 0);
    int e1 = errno;
    errno = 0;
    ssize_t r2 = pread(dfd, a, 100, 0);
    int e2 = errno;
    errno = 0;
    ssize_t r3 = pread(dfd, a, 512, 3);
    int e3 = errno;
    printf("misaligned %s\n", r1 < 0 && r2 < 0 && r3 < 0 && e1 == EINVAL && e2 == EINVAL && e3 == EINVAL ? "EINVAL" : "accepted");
    return 0;
}

static int rotest(const char *dev) {
    int fd = open(dev, O_RDWR);
    if (fd >= 0) { printf("opened read-write\n"); return 1; }
    printf("open O_RDWR: %s\n", errno == EROFS ? "EROFS" : strerror(errno));
    fd = open(dev, O_RDONLY);
    if (fd < 0) return fail("open O_RDONLY");
    char c;
    printf("read %zd\n", read(fd, &c, 1));
    return 0;
}

static int bench(const char *dev, long mib) {
    int fd = open(dev, O_RDWR | O_DIRECT);
    if (fd < 0) fd = open(dev, O_RDONLY | O_DIRECT);
    if (fd < 0) return fail("open");
    size_t chunk = 1 << 20;
    unsigned char *b;
    if (posix_memalign((void **)&b, 4096, chunk) != 0) return fail("posix_memalign");
    memset(b, 0x5a, chunk);
    off_t size = lseek(fd, 0, SEEK_END);
    long total = mib * (long)chunk;
    if (total > size) total = size;
    double t0 = now();
    for (long off = 0; off < total; off += chunk)
        if (pread(fd, b, chunk, off) != (ssize_t)chunk) return fail("read");
    double t1 = now();
    printf("seq-read %.0f MB/s (%ld MiB, 1 MiB O_DIRECT)\n", total / (t1 - t0) / 1e6, total >> 20);
    t0 = now();
    for (long off = 0; off < total; off += chunk)
        if (pwrite(fd, b, chunk, off) != (ssize_t)chunk) return fail("write");
    if (fsync(fd) != 0) return fail("fsync");
    t1 = now();
    printf("seq-write %.0f MB/s (%ld MiB, 1 MiB O_DIRECT, then fsync)\n", total / (t1 - t0) / 1e6, total >> 20);
    long ops = 20000, blocks = size / 4096;
    uint64_t x = 88172645463325252ull;
    t0 = now();
    for (long i = 0; i < ops; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (pread(fd, b, 4096, (off_t)(x % blocks) * 4096) != 4096) return fail("random read");
    }
    t1 = now();
    printf("rand-read-4k %.0f IOPS (%ld reads, O_DIRECT)\n", ops / (t1 - t0), ops);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: vdtool pattern|check|rotest|bench DEV [MiB]\n"); return 2; }
    if (!strcmp(argv[1], "pattern")) return pattern(argv[2]);
    if (!strcmp(argv[1], "check")) return check(argv[2]);
    if (!strcmp(argv[1], "rotest")) return rotest(argv[2]);
    if (!strcmp(argv[1], "bench")) return bench(argv[2], argc > 3 ? atol(argv[3]) : 64);
    return 2;
}
