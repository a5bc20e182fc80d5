/* Writes distinct bytes to fd 1 and fd 2, interleaved, so a test can check that
 * the two streams reach the host's stdout and stderr separately and unchanged.
 * The last write to stdout has no trailing newline on purpose. */
#include <string.h>
#include <unistd.h>

static void put(int fd, const char *s) {
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) _exit(3);
        s += w;
        n -= (size_t)w;
    }
}

int main(void) {
    put(1, "out1\n");
    put(2, "err1\n");
    put(1, "out2\n");
    put(2, "err2\n");
    put(1, "tail-without-newline");
    return 0;
}
