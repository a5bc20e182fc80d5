/* Issue #5 stress test, bulk transfer: 64 MiB from a child to its parent through a
 * pipe, then 64 MiB from the parent to a child through an AF_UNIX stream socketpair.
 * The data is a xorshift stream written and read in varying chunk sizes (1 byte to
 * 192 KiB, more than the 64 KiB pipe buffer); the sender and the receiver each compute
 * an FNV-1a 64 checksum, the receiver's is compared with the sender's (passed back
 * through a second channel) and with the stream computed locally. Prints ok/FAIL
 * lines, "info" lines with timings, then "N failures"; exits N. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

#define TOTAL (64ull << 20)
#define MAXCHUNK (192 * 1024)

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct stream { uint64_t x; };
static uint8_t next_byte(struct stream *s) {
    s->x ^= s->x << 13; s->x ^= s->x >> 7; s->x ^= s->x << 17;
    return (uint8_t)(s->x >> 24);
}
static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
    return h;
}
#define FNV_START 0xcbf29ce484222325ull

/* Chunk sizes: a quarter tiny (1..64 bytes), the rest up to MAXCHUNK. */
static size_t chunk(uint64_t *r) {
    *r = *r * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t v = *r >> 33;
    return (v & 3) == 0 ? (size_t)(v >> 2) % 64 + 1 : (size_t)(v >> 2) % MAXCHUNK + 1;
}

static int write_all(int fd, const void *buf, size_t n) {
    const uint8_t *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t)w;
    }
    return 0;
}

/* Sends TOTAL bytes of the stream to fd; returns the checksum, or 0 and sets *err. */
static uint64_t send_stream(int fd, int *err) {
    static uint8_t buf[MAXCHUNK];
    struct stream s = {0x243F6A8885A308D3ull};
    uint64_t h = FNV_START, sent = 0, r = 1;
    *err = 0;
    while (sent < TOTAL) {
        size_t n = chunk(&r);
        if (n > TOTAL - sent) n = (size_t)(TOTAL - sent);
        for (size_t i = 0; i < n; i++) buf[i] = next_byte(&s);
        h = fnv(h, buf, n);
        if (write_all(fd, buf, n)) { *err = errno; return 0; }
        sent += n;
    }
    return h;
}

struct received { uint64_t bytes, hash, reads; int mismatch_at_valid; uint64_t mismatch_at; int err; };
/* Reads to EOF, in chunk sizes of its own, checking every byte against the stream. */
static struct received receive_stream(int fd) {
    static uint8_t buf[MAXCHUNK];
    struct stream s = {0x243F6A8885A308D3ull};
    struct received rc = {0, FNV_START, 0, 0, 0, 0};
    uint64_t r = 7;
    for (;;) {
        ssize_t n = read(fd, buf, chunk(&r));
        if (n < 0) { if (errno == EINTR) continue; rc.err = errno; break; }
        if (n == 0) break;
        rc.reads++;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] != next_byte(&s) && !rc.mismatch_at_valid) {
                rc.mismatch_at_valid = 1;
                rc.mismatch_at = rc.bytes + (uint64_t)i;
            }
        }
        rc.hash = fnv(rc.hash, buf, (size_t)n);
        rc.bytes += (uint64_t)n;
    }
    return rc;
}

static int read_full(int fd, void *buf, size_t n) {
    uint8_t *p = buf;
    while (n) {
        ssize_t r = read(fd, p, n);
        if (r <= 0) { if (r < 0 && errno == EINTR) continue; return -1; }
        p += r; n -= (size_t)r;
    }
    return 0;
}

static int reap(pid_t pid) {
    int st = -1;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void report(const char *what, struct received rc, uint64_t sender_hash, int got_hash, int status, uint64_t ms) {
    char name[64];
    snprintf(name, sizeof name, "%s-bytes", what);
    CHECK(name, rc.err == 0 && rc.bytes == TOTAL, "received %llu of %llu bytes, errno %d",
          (unsigned long long)rc.bytes, (unsigned long long)TOTAL, rc.err);
    snprintf(name, sizeof name, "%s-content", what);
    CHECK(name, !rc.mismatch_at_valid, "first wrong byte at offset %llu", (unsigned long long)rc.mismatch_at);
    snprintf(name, sizeof name, "%s-checksum", what);
    CHECK(name, got_hash && rc.hash == sender_hash, "receiver %016llx, sender %016llx (got %d)",
          (unsigned long long)rc.hash, (unsigned long long)sender_hash, got_hash);
    snprintf(name, sizeof name, "%s-child-exit", what);
    CHECK(name, status == 0, "child status %d", status);
    printf("info %s: 64 MiB in %llu ms (%llu reads)\n", what, (unsigned long long)ms, (unsigned long long)rc.reads);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);

    /* 1. pipe, child -> parent; the child's checksum comes back through a second pipe. */
    int data[2], sum[2];
    if (pipe(data) || pipe(sum)) { printf("FAIL pipe: errno %d\n1 failures\n", errno); return 1; }
    uint64_t t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        close(data[0]); close(sum[0]);
        int err;
        uint64_t h = send_stream(data[1], &err);
        close(data[1]);
        if (err) _exit(10);
        _exit(write_all(sum[1], &h, sizeof h) ? 11 : 0);
    }
    close(data[1]); close(sum[1]);
    struct received rc = receive_stream(data[0]);
    uint64_t sender = 0;
    int got = read_full(sum[0], &sender, sizeof sender) == 0;
    int status = reap(pid);
    report("pipe-child-to-parent", rc, sender, got, status, now_ms() - t0);
    close(data[0]); close(sum[0]);

    /* 2. socketpair, parent -> child; the parent shuts down its sending side, the child
     *    reads to EOF and answers with its checksum on the same socket. */
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
        printf("FAIL socketpair: errno %d\n", errno);
        failures++;
    } else {
        t0 = now_ms();
        pid = fork();
        if (pid == 0) {
            close(sv[0]);
            struct received c = receive_stream(sv[1]);
            if (c.err || c.bytes != TOTAL || c.mismatch_at_valid) _exit(20);
            _exit(write_all(sv[1], &c.hash, sizeof c.hash) ? 21 : 0);
        }
        close(sv[1]);
        int err;
        uint64_t h = send_stream(sv[0], &err);
        CHECK("socketpair-send", err == 0, "errno %d", err);
        CHECK("socketpair-shutdown", shutdown(sv[0], SHUT_WR) == 0, "errno %d", errno);
        uint64_t child_hash = 0;
        got = read_full(sv[0], &child_hash, sizeof child_hash) == 0;
        status = reap(pid);
        uint64_t ms = now_ms() - t0;
        CHECK("socketpair-parent-to-child-checksum", got && child_hash == h && h != 0,
              "child %016llx, parent %016llx (got %d)", (unsigned long long)child_hash, (unsigned long long)h, got);
        CHECK("socketpair-parent-to-child-child-exit", status == 0, "child status %d (20: short or wrong data)", status);
        printf("info socketpair-parent-to-child: 64 MiB in %llu ms\n", (unsigned long long)ms);
        close(sv[0]);
    }

    printf("%d failures\n", failures);
    return failures;
}
