/* Prints what the kernel handed the program at entry (argv, envp, auxv) in a
 * stable line format, then exits with $EXIT_CODE (default 0).
 *
 * Output, one item per line, "key=value":
 *   argc=N
 *   argv[i]=<bytes>
 *   envc=N
 *   env[i]=<bytes>
 *   AT_xxx=<value>           raw auxv values (decimal) or derived checks
 * The values are printed raw (no escaping): the tests only pass arguments
 * without newlines.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;

/* Linker-defined: the ELF header as mapped in memory (relocated in static-PIE).
 * It lets us check AT_PHDR/AT_PHNUM without trusting auxv-derived libc state. */
extern const Elf64_Ehdr __ehdr_start;
extern void _start(void);

static void print_ulong(const char *key, unsigned long v) {
    printf("%s=%lu\n", key, v);
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    if (argv[argc] != NULL) printf("argv_terminated=0\n");
    else printf("argv_terminated=1\n");

    int envc = 0;
    while (environ[envc] != NULL) envc++;
    printf("envc=%d\n", envc);
    for (int i = 0; i < envc; i++) printf("env[%d]=%s\n", i, environ[i]);

    print_ulong("AT_PAGESZ", getauxval(AT_PAGESZ));
    print_ulong("AT_UID", getauxval(AT_UID));
    print_ulong("AT_EUID", getauxval(AT_EUID));
    print_ulong("AT_GID", getauxval(AT_GID));
    print_ulong("AT_EGID", getauxval(AT_EGID));
    print_ulong("AT_SECURE", getauxval(AT_SECURE));
    print_ulong("AT_CLKTCK", getauxval(AT_CLKTCK));
    print_ulong("AT_PHENT", getauxval(AT_PHENT));
    print_ulong("AT_PHNUM", getauxval(AT_PHNUM));
    printf("AT_HWCAP_nonzero=%d\n", getauxval(AT_HWCAP) != 0);
    printf("AT_ENTRY_nonzero=%d\n", getauxval(AT_ENTRY) != 0);
    printf("getuid=%lu\n", (unsigned long)getuid());
    printf("getgid=%lu\n", (unsigned long)getgid());

    /* AT_RANDOM: 16 readable bytes. Print them so a test can see they are not
     * all zero (and differ between boots). */
    const unsigned char *rnd = (const unsigned char *)getauxval(AT_RANDOM);
    if (rnd == NULL) {
        printf("AT_RANDOM=null\n");
    } else {
        printf("AT_RANDOM=");
        for (int i = 0; i < 16; i++) printf("%02x", rnd[i]);
        printf("\n");
    }

    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN=%s\n", execfn ? execfn : "(null)");
    const char *platform = (const char *)getauxval(AT_PLATFORM);
    printf("AT_PLATFORM=%s\n", platform ? platform : "(null)");

    /* AT_PHDR must point at this image's program headers, wherever the kernel
     * loaded it; AT_ENTRY must be this image's entry point, _start. */
    uintptr_t base = (uintptr_t)&__ehdr_start;
    uintptr_t expected_phdr = base + (uintptr_t)__ehdr_start.e_phoff;
    printf("AT_PHDR_matches=%d\n", getauxval(AT_PHDR) == expected_phdr);
    printf("AT_PHNUM_matches=%d\n", getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
    printf("AT_ENTRY_matches=%d\n", getauxval(AT_ENTRY) == (uintptr_t)&_start);
    printf("load_base_nonzero=%d\n", base != 0);

    const char *code = getenv("EXIT_CODE");
    int status = code ? atoi(code) : 0;
    printf("exit=%d\n", status);
    fflush(stdout);
    return status;
}
