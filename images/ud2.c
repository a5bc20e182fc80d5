/* Executes ud2 (#UD): SIGILL semantics, so `swiftlet` exits 128+4 = 132. */
int main(void) {
    __asm__ volatile("ud2");
    return 0; /* not reached */
}
