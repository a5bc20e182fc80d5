/* The static hello world that `swiftlet bench syscall` execs (execve_hello): it writes
 * one line to stdout (the probe points it at /dev/null) and exits 0. */
#include <unistd.h>

int main(void) {
    static const char msg[] = "hello, world\n";
    return write(1, msg, sizeof msg - 1) == (ssize_t)(sizeof msg - 1) ? 0 : 1;
}
