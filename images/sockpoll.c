/* poll and epoll on AF_UNIX sockets: readiness follows data, EOF and the peer. */
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(name, cond, ...) do { if (cond) printf("ok %s\n", name); else { failures++; printf("FAIL %s: ", name); printf(__VA_ARGS__); printf("\n"); } } while (0)

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    struct pollfd p = { .fd = sv[0], .events = POLLIN | POLLOUT };
    int n = poll(&p, 1, 0);
    CHECK("idle-writable", n == 1 && (p.revents & POLLOUT) && !(p.revents & POLLIN), "n=%d revents=%#x", n, p.revents);
    pid_t c = fork();
    if (c == 0) { usleep(50000); write(sv[1], "x", 1); _exit(0); }
    p.events = POLLIN;
    n = poll(&p, 1, 2000);
    CHECK("wakes-on-data", n == 1 && (p.revents & POLLIN), "n=%d revents=%#x", n, p.revents);
    char b; read(sv[0], &b, 1);
    waitpid(c, NULL, 0);
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 }, out;
    epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
    CHECK("epoll-empty", epoll_wait(ep, &out, 1, 0) == 0, "ready without data");
    close(sv[1]);
    n = epoll_wait(ep, &out, 1, 1000);
    CHECK("epoll-eof", n == 1 && out.data.u64 == 77 && (out.events & (EPOLLIN | EPOLLHUP)), "n=%d events=%#x", n, out.events);
    printf("%d failures\n", failures);
    return failures;
}
