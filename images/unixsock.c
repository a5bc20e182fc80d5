// AF_UNIX sockets: socketpair (stream, datagram, seqpacket), blocking across fork,
// EOF, EPIPE/SIGPIPE/MSG_NOSIGNAL, SCM_RIGHTS (a pipe and a file between processes),
// MSG_CTRUNC, MSG_TRUNC, shutdown, nonblocking EAGAIN, sockopts, names, bind/connect.
// Prints "ok NAME" or "FAIL NAME: ..." and exits with the failure count.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <stddef.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf(" (errno %d)\n", errno); } } while (0)

static int send_fds(int sock, const int *fds, int n, const char *data, size_t len) {
    char buf[CMSG_SPACE(sizeof(int) * 8)];
    memset(buf, 0, sizeof buf);
    struct iovec iov = {(void *)data, len};
    struct msghdr m = {0};
    m.msg_iov = &iov; m.msg_iovlen = 1;
    m.msg_control = buf; m.msg_controllen = CMSG_SPACE(sizeof(int) * n);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int) * n);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
    return sendmsg(sock, &m, 0);
}

// Receives up to `max` fds; returns the byte count, fills fds/nfds and msg_flags.
static int recv_fds(int sock, int *fds, int *nfds, int max, size_t controlroom, int flags, int *mflags, char *data, size_t len) {
    char buf[256];
    memset(buf, 0, sizeof buf);
    struct iovec iov = {data, len};
    struct msghdr m = {0};
    m.msg_iov = &iov; m.msg_iovlen = 1;
    m.msg_control = controlroom ? buf : NULL; m.msg_controllen = controlroom;
    int r = recvmsg(sock, &m, flags);
    *nfds = 0;
    if (r < 0) return r;
    *mflags = m.msg_flags;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (int i = 0; i < n && *nfds < max; i++) memcpy(&fds[(*nfds)++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        }
    }
    return r;
}

static void test_stream(void) {
    int sv[2];
    CHECK("stream_socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    CHECK("stream_write", write(sv[0], "hello", 5) == 5 && write(sv[0], "world", 5) == 5, "write");
    char buf[64] = {0};
    int n = read(sv[1], buf, 3);
    CHECK("stream_partial_read", n == 3 && memcmp(buf, "hel", 3) == 0, "n=%d", n);
    n = read(sv[1], buf, sizeof buf);
    CHECK("stream_rest", n == 7 && memcmp(buf, "loworld", 7) == 0, "n=%d", n);
    CHECK("stream_reverse", write(sv[1], "back", 4) == 4 && read(sv[0], buf, sizeof buf) == 4 && memcmp(buf, "back", 4) == 0, "reverse");
    struct stat st;
    CHECK("stream_fstat", fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "mode %o", st.st_mode);
    char path[64], link[64] = {0};
    snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
    n = readlink(path, link, sizeof link - 1);
    CHECK("stream_proc_fd", n > 8 && strncmp(link, "socket:[", 8) == 0, "link '%s'", link);
    int v = 0; socklen_t l = sizeof v;
    CHECK("so_type", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l) == 0 && v == SOCK_STREAM && l == sizeof v, "type %d", v);
    struct ucred cr; l = sizeof cr;
    CHECK("so_peercred", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &l) == 0 && cr.pid == getpid() && l == sizeof cr, "pid %d", cr.pid);
    v = 8192;
    CHECK("so_sndbuf", setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v) == 0 && (l = sizeof v, getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l)) == 0 && v == 16384, "sndbuf %d", v);
    struct sockaddr_un a; l = sizeof a;
    CHECK("getsockname_unnamed", getsockname(sv[0], (struct sockaddr *)&a, &l) == 0 && l == 2 && a.sun_family == AF_UNIX, "len %d", (int)l);
    l = sizeof a;
    CHECK("getpeername_unnamed", getpeername(sv[0], (struct sockaddr *)&a, &l) == 0 && l == 2, "len %d", (int)l);
    close(sv[0]);
    CHECK("stream_eof", read(sv[1], buf, sizeof buf) == 0, "no EOF");
    close(sv[1]);
}

static void test_dgram(void) {
    int sv[2];
    CHECK("dgram_socketpair", socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
    CHECK("dgram_cloexec", fcntl(sv[0], F_GETFD) == FD_CLOEXEC, "no cloexec");
    send(sv[0], "one", 3, 0); send(sv[0], "twotwo", 6, 0); send(sv[0], "", 0, 0);
    char buf[64];
    int n = recv(sv[1], buf, sizeof buf, 0);
    CHECK("dgram_boundary1", n == 3 && memcmp(buf, "one", 3) == 0, "n=%d", n);
    struct iovec iov = {buf, 3};
    struct msghdr m = {0}; m.msg_iov = &iov; m.msg_iovlen = 1;
    n = recvmsg(sv[1], &m, 0);
    CHECK("dgram_truncate", n == 3 && (m.msg_flags & MSG_TRUNC) && memcmp(buf, "two", 3) == 0, "n=%d flags %x", n, m.msg_flags);
    n = recv(sv[1], buf, sizeof buf, 0);
    CHECK("dgram_empty_message", n == 0, "n=%d", n);
    send(sv[0], "peekaboo", 8, 0);
    n = recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC);
    CHECK("dgram_peek_trunc_len", n == 8, "n=%d", n);
    n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
    CHECK("dgram_after_peek", n == 8, "n=%d", n);
    n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
    CHECK("dgram_eagain", n < 0 && errno == EAGAIN, "n=%d", n);
    struct sockaddr_un to = {.sun_family = AF_UNIX};
    strcpy(to.sun_path, "/nonexistent-socket");
    CHECK("dgram_sendto_missing", sendto(sv[0], "x", 1, 0, (struct sockaddr *)&to, sizeof to) < 0 && errno == ENOENT, "sendto");
    close(sv[1]);
    CHECK("dgram_peer_closed", send(sv[0], "x", 1, 0) < 0 && errno == ECONNREFUSED, "first send");
    CHECK("dgram_then_notconn", send(sv[0], "x", 1, 0) < 0 && errno == ENOTCONN, "second send");
    close(sv[0]);
}

static void test_seqpacket(void) {
    int sv[2];
    CHECK("seqpacket_socketpair", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
    write(sv[0], "abc", 3); write(sv[0], "de", 2);
    char buf[16];
    int a = read(sv[1], buf, sizeof buf), b = read(sv[1], buf, sizeof buf);
    CHECK("seqpacket_boundaries", a == 3 && b == 2, "%d %d", a, b);
    close(sv[0]);
    CHECK("seqpacket_eof", read(sv[1], buf, sizeof buf) == 0, "no EOF");
    close(sv[1]);
}

static volatile sig_atomic_t got_sigpipe;
static void on_sigpipe(int s) { (void)s; got_sigpipe = 1; }

static void test_epipe(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    signal(SIGPIPE, on_sigpipe);
    got_sigpipe = 0;
    int n = write(sv[0], "x", 1);
    CHECK("epipe_sigpipe", n < 0 && errno == EPIPE && got_sigpipe, "n=%d sig=%d", n, got_sigpipe);
    got_sigpipe = 0;
    n = send(sv[0], "x", 1, MSG_NOSIGNAL);
    CHECK("epipe_nosignal", n < 0 && errno == EPIPE && !got_sigpipe, "n=%d sig=%d", n, got_sigpipe);
    close(sv[0]);
    // Default action: the writer dies of SIGPIPE.
    signal(SIGPIPE, SIG_DFL);
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    close(sv[1]);
    pid_t p = fork();
    if (p == 0) { write(sv[0], "x", 1); _exit(0); }
    int st = 0;
    waitpid(p, &st, 0);
    CHECK("sigpipe_kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "status %x", st);
    close(sv[0]);
}

static void test_fork_blocking(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    pid_t p = fork();
    if (p == 0) {
        close(sv[0]);
        char buf[8];
        // Blocks until the parent writes; then echoes it back, bigger than the buffer.
        if (read(sv[1], buf, 1) != 1) _exit(1);
        static char big[1 << 20];
        memset(big, buf[0], sizeof big);
        size_t off = 0;
        while (off < sizeof big) { ssize_t w = write(sv[1], big + off, sizeof big - off); if (w <= 0) _exit(2); off += w; }
        _exit(0);
    }
    close(sv[1]);
    usleep(20000);
    write(sv[0], "z", 1);
    static char got[1 << 20];
    size_t total = 0; int bad = 0;
    for (;;) { ssize_t r = read(sv[0], got, sizeof got); if (r <= 0) break; for (ssize_t i = 0; i < r; i++) bad += got[i] != 'z'; total += r; }
    int st;
    waitpid(p, &st, 0);
    CHECK("fork_blocking_1mib", total == (1 << 20) && !bad && WIFEXITED(st) && WEXITSTATUS(st) == 0, "total %zu bad %d st %x", total, bad, st);
    // MSG_WAITALL gathers across writes.
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    p = fork();
    if (p == 0) { for (int i = 0; i < 4; i++) { write(sv[1], "ab", 2); usleep(5000); } _exit(0); }
    char buf[8];
    ssize_t r = recv(sv[0], buf, 8, MSG_WAITALL);
    waitpid(p, &st, 0);
    CHECK("msg_waitall", r == 8 && memcmp(buf, "abababab", 8) == 0, "r=%zd", r);
    close(sv[0]); close(sv[1]);
}

static void test_rights(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    int pfd[2];
    pipe(pfd);
    int file = open("/tmp/unixsock-file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(file, "file-content", 12);
    lseek(file, 5, SEEK_SET);
    pid_t p = fork();
    if (p == 0) {
        close(sv[0]); close(pfd[0]); close(pfd[1]); close(file);
        int fds[4], nfds, fl = 0;
        char d[8];
        int r = recv_fds(sv[1], fds, &nfds, 4, 256, MSG_CMSG_CLOEXEC, &fl, d, sizeof d);
        if (r != 1 || nfds != 2) _exit(10);
        if (fcntl(fds[0], F_GETFD) != FD_CLOEXEC) _exit(11);
        // The file's offset is shared with the sender's open file description.
        char buf[16] = {0};
        if (read(fds[1], buf, 7) != 7 || memcmp(buf, "content", 7) != 0) _exit(12);
        if (write(fds[0], "via-pipe", 8) != 8) _exit(13);
        _exit(0);
    }
    close(sv[1]);
    int pass[2] = {pfd[1], file};
    CHECK("rights_send", send_fds(sv[0], pass, 2, "R", 1) == 1, "sendmsg");
    close(pfd[1]); close(file);
    char buf[16] = {0};
    int n = read(pfd[0], buf, sizeof buf);
    int st;
    waitpid(p, &st, 0);
    CHECK("rights_pipe_and_file", n == 8 && memcmp(buf, "via-pipe", 8) == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "n=%d status %x", n, st);
    CHECK("rights_pipe_eof", read(pfd[0], buf, sizeof buf) == 0, "writer still open");
    close(pfd[0]);
    close(sv[0]);

    // MSG_CTRUNC: room for one fd of three (CMSG_LEN(4) bytes); the others are closed.
    socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
    int three[3] = {0, 1, 2};
    send_fds(sv[0], three, 3, "C", 1);
    int fds[4], nfds, fl = 0;
    char d[4];
    int r = recv_fds(sv[1], fds, &nfds, 4, CMSG_LEN(sizeof(int)), 0, &fl, d, sizeof d);
    CHECK("msg_ctrunc", r == 1 && nfds == 1 && (fl & MSG_CTRUNC), "r=%d nfds=%d flags %x", r, nfds, fl);
    if (nfds) close(fds[0]);
    send_fds(sv[0], three, 1, "N", 1);
    r = recv_fds(sv[1], fds, &nfds, 4, 0, 0, &fl, d, sizeof d);
    CHECK("msg_ctrunc_no_control", r == 1 && nfds == 0 && (fl & MSG_CTRUNC), "r=%d flags %x", r, fl);
    int bad = 999;
    CHECK("rights_ebadf", send_fds(sv[0], &bad, 1, "B", 1) < 0 && errno == EBADF, "sendmsg");
    close(sv[0]); close(sv[1]);
}

static void test_shutdown_nonblock(void) {
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
    CHECK("nonblock_flag", fcntl(sv[0], F_GETFL) & O_NONBLOCK, "flag");
    char buf[8];
    CHECK("nonblock_eagain", read(sv[0], buf, 8) < 0 && errno == EAGAIN, "read");
    static char big[1 << 20];
    ssize_t w = write(sv[0], big, sizeof big);
    CHECK("nonblock_partial_write", w > 0 && w < (ssize_t)sizeof big, "w=%zd", w);
    CHECK("nonblock_full_eagain", write(sv[0], big, 1) < 0 && errno == EAGAIN, "write");
    int q = 0;
    CHECK("fionread", ioctl(sv[1], FIONREAD, &q) == 0 && q == w, "q=%d", q);
    close(sv[0]); close(sv[1]);

    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    write(sv[0], "xy", 2);
    CHECK("shutdown_wr", shutdown(sv[0], SHUT_WR) == 0, "shutdown");
    CHECK("shutdown_drain_then_eof", read(sv[1], buf, 8) == 2 && read(sv[1], buf, 8) == 0, "drain");
    CHECK("shutdown_write_epipe", send(sv[0], "z", 1, MSG_NOSIGNAL) < 0 && errno == EPIPE, "write after SHUT_WR");
    CHECK("shutdown_other_way_works", write(sv[1], "ok", 2) == 2 && read(sv[0], buf, 8) == 2, "reverse");
    CHECK("shutdown_einval", shutdown(sv[0], 7) < 0 && errno == EINVAL, "how=7");
    close(sv[0]); close(sv[1]);
    CHECK("enotsock", shutdown(0, SHUT_RD) < 0 && errno == ENOTSOCK, "stdin");
    // No AF_INET in the guest yet (EAFNOSUPPORT); natively it works.
    int inet = socket(AF_INET, SOCK_STREAM, 0);
    CHECK("inet_eafnosupport", inet >= 0 || errno == EAFNOSUPPORT, "socket");
    if (inet >= 0) close(inet);
    CHECK("inet_pair_eopnotsupp", socketpair(AF_INET, SOCK_STREAM, 0, sv) < 0 && errno == EOPNOTSUPP, "socketpair");
}

static void test_bind_connect(void) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strcpy(a.sun_path, "/tmp/unixsock.sock");
    unlink(a.sun_path);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK("bind", bind(srv, (struct sockaddr *)&a, sizeof a) == 0, "bind");
    CHECK("listen", listen(srv, 4) == 0, "listen");
    int again = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK("bind_eaddrinuse", bind(again, (struct sockaddr *)&a, sizeof a) < 0 && errno == EADDRINUSE, "bind");
    close(again);
    pid_t p = fork();
    if (p == 0) {
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&a, sizeof a) != 0) _exit(1);
        if (write(c, "ping", 4) != 4) _exit(2);
        char b[8];
        if (read(c, b, 8) != 4 || memcmp(b, "pong", 4) != 0) _exit(3);
        _exit(0);
    }
    struct sockaddr_un peer; socklen_t l = sizeof peer;
    int c = accept4(srv, (struct sockaddr *)&peer, &l, SOCK_CLOEXEC);
    char b[8] = {0};
    int n = c >= 0 ? read(c, b, 8) : -1;
    if (c >= 0) write(c, "pong", 4);
    int st;
    waitpid(p, &st, 0);
    CHECK("accept_ping_pong", c >= 0 && n == 4 && memcmp(b, "ping", 4) == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "c=%d n=%d st %x", c, n, st);
    struct sockaddr_un me; l = sizeof me;
    CHECK("getsockname_path", c >= 0 && getsockname(c, (struct sockaddr *)&me, &l) == 0 && strcmp(me.sun_path, a.sun_path) == 0, "name");
    close(c); close(srv);
    unlink(a.sun_path);

    // Abstract datagram names.
    struct sockaddr_un d = {.sun_family = AF_UNIX};
    memcpy(d.sun_path, "\0swiftlet-dgram", 15);
    socklen_t dl = offsetof(struct sockaddr_un, sun_path) + 15;
    int rx = socket(AF_UNIX, SOCK_DGRAM, 0), tx = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK("bind_abstract", bind(rx, (struct sockaddr *)&d, dl) == 0, "bind");
    CHECK("sendto_abstract", sendto(tx, "hi", 2, 0, (struct sockaddr *)&d, dl) == 2 && recv(rx, b, 8, 0) == 2, "sendto");
    close(rx);
    CHECK("sendto_closed_abstract", sendto(tx, "hi", 2, 0, (struct sockaddr *)&d, dl) < 0 && errno == ECONNREFUSED, "sendto");
    close(tx);
}

int main(void) {
    test_stream();
    test_dgram();
    test_seqpacket();
    test_epipe();
    test_fork_blocking();
    test_rights();
    test_shutdown_nonblock();
    test_bind_connect();
    printf("%d failures\n", failures);
    return failures;
}
