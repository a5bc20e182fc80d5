/* Writes through a NULL pointer: the guest must deliver SIGSEGV semantics,
 * so `swiftlet` exits 128+11 = 139 and names the signal on stderr.
 * The empty asm hides the NULL from gcc, which would otherwise turn a known
 * NULL store into a trap (ud2) and test SIGILL instead. */
int main(void) {
    volatile int *p;
    __asm__("" : "=r"(p) : "0"(0L));
    *p = 42;
    return 0; /* not reached */
}
