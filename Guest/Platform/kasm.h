/* Privileged instructions and raw memory for the Swift side of Guest/Platform.
 * Everything is always_inline: swiftc must inline these into Swift callers
 * (facts/toolchain.md §2). This header is the only place with inline assembly. */
#pragma once
#include <stdint.h>
#include <stddef.h>

#define KASM static inline __attribute__((always_inline))

KASM void k_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
KASM void k_outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port) : "memory"); }
KASM uint8_t k_inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
/* One exit carries a whole string to the serial port (KVM's string PIO). */
KASM void k_outsb(uint16_t port, const void *p, uint64_t n) {
    __asm__ volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}
KASM uint64_t k_rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return ((uint64_t)hi << 32) | lo; }
KASM void k_wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory"); }
KASM uint64_t k_rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }
KASM uint64_t k_read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
KASM uint64_t k_read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
KASM void k_write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
KASM uint64_t k_read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
KASM uint64_t k_read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
KASM void k_invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" :: "r"(va) : "memory"); }
KASM void k_hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
/* A one-instruction loop: the VMM watchdog's test hook (RIP never changes). */
KASM __attribute__((noreturn)) void k_hang(void) { for (;;) __asm__ volatile("1: jmp 1b"); }
/* The facts' dec/jnz loop, opaque to the optimiser: n iterations of two instructions. */
KASM void k_spin(uint64_t n) { if (n) __asm__ volatile("1: dec %0; jnz 1b" : "+r"(n) :: "cc"); }
KASM void k_pause(void) { __asm__ volatile("pause"); }
KASM void k_cli(void) { __asm__ volatile("cli" ::: "memory"); }
KASM void k_sti(void) { __asm__ volatile("sti" ::: "memory"); }
KASM uint64_t k_rbp(void) { uint64_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }
KASM void k_wrfsbase(uint64_t v) { __asm__ volatile("wrfsbase %0" :: "r"(v) : "memory"); }
KASM void k_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
/* RDRAND, 0 on failure (CF clear). */
KASM int k_rdrand(uint64_t *out) { unsigned char ok; __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok)); return ok; }

struct k_dtr { uint16_t limit; uint64_t base; } __attribute__((packed));
KASM void k_lgdt(uint64_t base, uint16_t limit) { struct k_dtr d = { limit, base }; __asm__ volatile("lgdt %0" :: "m"(d) : "memory"); }
KASM void k_lidt(uint64_t base, uint16_t limit) { struct k_dtr d = { limit, base }; __asm__ volatile("lidt %0" :: "m"(d) : "memory"); }
KASM void k_ltr(uint16_t sel) { __asm__ volatile("ltr %0" :: "r"(sel) : "memory"); }

/* Volatile 64-bit access (PV page words, heartbeat). */
KASM uint64_t k_load64(uint64_t addr) { return *(volatile uint64_t *)addr; }
KASM void k_store64(uint64_t addr, uint64_t v) { *(volatile uint64_t *)addr = v; }
/* Volatile 16/32-bit access and barriers for virtqueues and MMIO registers (Drivers). */
KASM uint16_t k_load16(uint64_t addr) { return *(volatile uint16_t *)addr; }
KASM void k_store16(uint64_t addr, uint16_t v) { *(volatile uint16_t *)addr = v; }
KASM uint32_t k_load32(uint64_t addr) { return *(volatile uint32_t *)addr; }
KASM void k_store32(uint64_t addr, uint32_t v) { *(volatile uint32_t *)addr = v; }
KASM void k_mfence(void) { __asm__ volatile("mfence" ::: "memory"); }
KASM void k_compiler_barrier(void) { __asm__ volatile("" ::: "memory"); }
KASM uint64_t k_xchg64(uint64_t addr, uint64_t v) { __asm__ volatile("xchgq %0, (%1)" : "+r"(v) : "r"(addr) : "memory"); return v; }

/* Raw copies between kernel addresses (the direct map); bounds are checked in Swift. */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
KASM void k_copy(uint64_t dst, uint64_t src, uint64_t n) { memcpy((void *)dst, (const void *)src, n); }
KASM void k_zero(uint64_t dst, uint64_t n) { memset((void *)dst, 0, n); }

/* Symbols from entry.S and the linker script. */
extern uint64_t ring0_degraded, boot_platform, boot_native_cpl, boot_entry_tsc, kernel_stack_top, platform_pvm_native;
extern uint64_t pvm_fast_return, in_user;   /* PVM fast return (experiment) */
extern const uint64_t isr_table[256];
extern char syscall_entry[], syscall_bounce_return[], user_return_trampoline[], boot_stack_top[], ist_stack_top[];
extern char __kernel_start[], __kernel_end[];
KASM uint64_t k_addr_syscall_entry(void) { return (uint64_t)syscall_entry; }
KASM uint64_t k_addr_bounce_return(void) { return (uint64_t)syscall_bounce_return; }
KASM uint64_t k_addr_trampoline(void) { return (uint64_t)user_return_trampoline; }
KASM uint64_t k_addr_stack_top(void) { return (uint64_t)boot_stack_top; }
KASM uint64_t k_addr_ist_top(void) { return (uint64_t)ist_stack_top; }
KASM uint64_t k_addr_kernel_end(void) { return (uint64_t)__kernel_end; }
KASM uint64_t k_addr_kernel_start(void) { return (uint64_t)__kernel_start; }
KASM uint64_t k_isr(int i) { return isr_table[i]; }

/* VDSO/vdso_blob.S: the vDSO image. */
extern const char vdso_image_start[], vdso_image_end[];
KASM uint64_t k_vdso_start(void) { return (uint64_t)vdso_image_start; }
KASM uint64_t k_vdso_size(void) { return (uint64_t)(vdso_image_end - vdso_image_start); }
/* rt.c: the kernel heap backing the Swift runtime. */
void k_heap_init(uint64_t start, uint64_t limit);
uint64_t k_heap_used(void);
/* Upper bound the heap may grow to; the frame allocator moves it down as it takes pages. */
void k_heap_set_limit(uint64_t limit);
uint64_t k_heap_break(void);
/* entry.S: the scheduler's kernel-stack switch, and where a new task starts. */
void switch_context(uint64_t *old_rsp, uint64_t new_rsp);
extern char task_entry[];
KASM uint64_t k_addr_task_entry(void) { return (uint64_t)task_entry; }
/* The program's x87/SSE state (512-byte, 16-aligned FXSAVE area). Native under PVM. */
KASM void k_fxsave(void *area) { __asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory"); }
KASM void k_fxrstor(const void *area) { __asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory"); }
/* XSAVE/XRSTOR of the components in `mask` (XCR0), 64-byte aligned area. */
KASM void k_xsave(void *area, uint64_t mask) { __asm__ volatile("xsave64 (%0)" :: "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory"); }
KASM void k_xrstor(const void *area, uint64_t mask) { __asm__ volatile("xrstor64 (%0)" :: "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory"); }
KASM uint64_t k_xgetbv0(void) { uint32_t lo, hi; __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0)); return ((uint64_t)hi << 32) | lo; }
/* entry.S: leave for user mode through the frame at `frame` (never returns). */
void enter_user(void *frame) __attribute__((noreturn));
