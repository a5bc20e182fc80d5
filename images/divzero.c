/* Integer division by zero (#DE): SIGFPE semantics, so `swiftlet` exits 128+8 = 136.
 * `volatile` keeps the compiler from folding or removing the idiv. */
int main(void) {
    volatile int numerator = 1;
    volatile int denominator = 0;
    volatile int quotient = numerator / denominator;
    (void)quotient;
    return 0; /* not reached */
}
