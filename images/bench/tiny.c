/* The smallest useful workload for `swiftlet bench boot`: it starts, reaches main and
 * exits 0. Boot time is what is measured, so the program itself must cost nothing.
 *
 * As the /init of a QEMU initramfs (argv[0] == "/init") it powers the VM off instead
 * of returning: PID 1 exiting would panic the kernel, which is slower and noisier. */
#include <string.h>
#include <sys/reboot.h>

int main(int argc, char **argv) {
    if (argc > 0 && strcmp(argv[0], "/init") == 0) reboot(RB_POWER_OFF);
    return 0;
}
