/* The C runtime the Embedded Swift kernel links against (facts/toolchain.md §1): the
 * mem* and str* primitives, and the heap behind swift_allocObject (posix_memalign/free).
 *
 * Heap: a bump region growing up from the end of the kernel image, with free lists.
 * Blocks carry a 16-byte header {total size, magic}. Totals up to 4 KiB use power-of-two
 * classes; larger blocks are page multiples kept on one first-fit list. The frame
 * allocator grows down from the top of RAM and lowers `heap_limit` as it goes, so the
 * split between heap and page frames adapts to the workload. */
#include "kasm.h"

void *memset(void *d, int c, size_t n) {
    unsigned char *p = d;
    /* Word stores first: this runs natively under PVM but ~1 us/instruction emulated. */
    uint64_t w = (unsigned char)c; w |= w << 8; w |= w << 16; w |= w << 32;
    while (n && ((uintptr_t)p & 7)) { *p++ = (unsigned char)c; n--; }
    while (n >= 8) { *(uint64_t *)p = w; p += 8; n -= 8; }
    while (n--) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n) {
    void *ret = d;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
    return ret;
}

void *memmove(void *d, const void *s, size_t n) {
    unsigned char *dp = d; const unsigned char *sp = s;
    if (dp == sp || n == 0) return d;
    if (dp < sp || dp >= sp + n) return memcpy(d, s, n);
    while (n--) dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

/* ---- heap ---- */
#define HDR 16
#define MAGIC 0x5357494654484541ull   /* "SWIFTHEA" */
#define MAGIC_ALIGNED 0x414c49474e454421ull  /* header of an over-aligned block */
#define NCLASS 8                      /* 32 .. 4096 */
struct hdr { uint64_t total; uint64_t magic; };
struct freeblk { struct freeblk *next; uint64_t total; };

static uint64_t heap_start, heap_brk, heap_limit;
static struct freeblk *small_free[NCLASS];
static struct freeblk *large_free;
static uint64_t heap_in_use;

void k_heap_init(uint64_t start, uint64_t limit) { heap_start = heap_brk = start; heap_limit = limit; }
void k_heap_set_limit(uint64_t limit) { heap_limit = limit; }
uint64_t k_heap_break(void) { return heap_brk; }
uint64_t k_heap_used(void) { return heap_in_use; }

extern void kernel_out_of_memory(uint64_t size);

static void *bump(uint64_t total, uint64_t align) {
    uint64_t p = (heap_brk + align - 1) & ~(align - 1);
    if (p + total > heap_limit || p + total < p) return 0;
    heap_brk = p + total;
    return (void *)p;
}

static int class_of(uint64_t total) {
    int c = 0; uint64_t s = 32;
    while (s < total) { s <<= 1; c++; }
    return c;
}

static void *alloc_block(uint64_t size) {
    if (size > (1ull << 40)) return 0;
    uint64_t total = (size + HDR + 15) & ~15ull;
    struct hdr *h;
    if (total <= 4096) {
        int c = class_of(total);
        total = 32ull << c;
        if (small_free[c]) { h = (struct hdr *)small_free[c]; small_free[c] = small_free[c]->next; }
        else if (!(h = bump(total, 16))) return 0;
    } else {
        total = (total + 4095) & ~4095ull;
        struct freeblk **pp = &large_free, *b;
        h = 0;
        for (; (b = *pp); pp = &b->next) {
            /* Reuse a block if it is not wastefully larger (no splitting, no coalescing). */
            if (b->total >= total && b->total <= total * 2) { *pp = b->next; total = b->total; h = (struct hdr *)b; break; }
        }
        if (!h && !(h = bump(total, 4096))) return 0;
    }
    h->total = total; h->magic = MAGIC;
    heap_in_use += total;
    return (char *)h + HDR;
}

void free(void *p) {
    if (!p) return;
    struct hdr *h = (struct hdr *)((char *)p - HDR);
    if (h->magic == MAGIC_ALIGNED) { void *orig = (void *)h->total; h->magic = 0; free(orig); return; }
    if (h->magic != MAGIC) { extern void kernel_heap_corrupt(uint64_t); kernel_heap_corrupt((uint64_t)p); return; }
    uint64_t total = h->total;
    h->magic = 0;
    heap_in_use -= total;
    if (total > 4096 && (uint64_t)h + total == heap_brk) {
        /* area: shm: the top block returns to the bump region, and so do the free large
         * blocks below it, so page frames can use the memory again (MemoryReserve.swift). */
        heap_brk = (uint64_t)h;
        for (int again = 1; again;) {
            again = 0;
            for (struct freeblk **pp = &large_free, *b; (b = *pp); pp = &b->next) {
                if ((uint64_t)b + b->total == heap_brk) { *pp = b->next; heap_brk = (uint64_t)b; again = 1; break; }
            }
        }
        return;
    }
    struct freeblk *f = (struct freeblk *)h;
    f->total = total;
    if (total <= 4096) { int c = class_of(total); f->next = small_free[c]; small_free[c] = f; }
    else { f->next = large_free; large_free = f; }
}

extern int kernel_heap_grow(uint64_t size);   /* area: shm: take back free frames (MemoryReserve.swift) */

void *malloc(size_t n) {
    void *p = alloc_block(n);
    while (!p && kernel_heap_grow(n)) p = alloc_block(n);
    if (!p) kernel_out_of_memory(n);
    return p;
}

int posix_memalign(void **out, size_t align, size_t size) {
    /* Up to 16-byte alignment comes naturally. Larger alignment over-allocates and
     * puts a second header in front of the aligned pointer that leads free() back to
     * the real block. */
    if (align <= 16) { *out = malloc(size); return 0; }
    void *p = malloc(size + align + HDR);
    uint64_t a = ((uint64_t)p + HDR + align - 1) & ~(uint64_t)(align - 1);
    struct hdr *h = (struct hdr *)(a - HDR);
    if ((void *)h != (char *)p - HDR) { h->total = (uint64_t)p; h->magic = MAGIC_ALIGNED; }
    *out = (void *)a;
    return 0;
}

void *calloc(size_t n, size_t s) {
    size_t t = n * s;
    if (s && t / s != n) return 0;
    void *p = malloc(t);
    memset(p, 0, t);
    return p;
}

/* ---- misc symbols the Swift runtime may want ---- */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
void arc4random_buf(void *buf, size_t n) {
    unsigned char *p = buf;
    rng_state ^= k_rdtsc();
    for (size_t i = 0; i < n; i++) {
        rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
        p[i] = (unsigned char)rng_state;
    }
}

/* print() in Embedded Swift ends here: one line at a time to the kernel log. */
static char line[256];
static unsigned line_len;
int putchar(int c) {
    line[line_len++] = (char)c;
    if (c == '\n' || line_len == sizeof line) { extern void kernel_log_bytes(const char *, uint64_t); kernel_log_bytes(line, line_len); line_len = 0; }
    return c;
}

void __stack_chk_fail(void) { extern void kernel_panic_c(const char *); kernel_panic_c("stack protector"); for (;;) k_hlt(); }
