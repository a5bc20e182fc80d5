/* Never exits: used to check that `swiftlet run --timeout N` stops the VM with 125. */
int main(void) {
    for (;;) {
        __asm__ volatile("pause");
    }
}
