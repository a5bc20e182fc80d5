// C shim for the KVM module: <linux/kvm.h> structs import into Swift directly, but the
// _IO/_IOR/_IOW ioctl request macros and the variadic ioctl() do not (facts/toolchain.md §6).
#ifndef CKVM_H
#define CKVM_H

#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <pthread.h>
#include <stdint.h>
// The Glibc module map leaves these out; the Machine's I/O thread (ioeventfd/irqfd
// doorbells, epoll) needs them.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>
// malloc_trim: Launch returns the boot-time heap to the host before the run.
#include <malloc.h>

// fallocate(2) and O_DIRECT are _GNU_SOURCE-only in glibc's headers: reach them directly.
static inline int ckvm_fallocate(int fd, int mode, int64_t offset, int64_t length) {
    return (int)syscall(SYS_fallocate, fd, mode, offset, length);
}
static const int CKVM_O_DIRECT = 040000; // x86_64 value

// ---- /dev/kvm (system) requests
static const unsigned long CKVM_GET_API_VERSION = KVM_GET_API_VERSION;
static const unsigned long CKVM_CREATE_VM = KVM_CREATE_VM;
static const unsigned long CKVM_CHECK_EXTENSION = KVM_CHECK_EXTENSION;
static const unsigned long CKVM_GET_VCPU_MMAP_SIZE = KVM_GET_VCPU_MMAP_SIZE;
static const unsigned long CKVM_GET_SUPPORTED_CPUID = KVM_GET_SUPPORTED_CPUID;

// ---- VM requests
static const unsigned long CKVM_SET_TSS_ADDR = KVM_SET_TSS_ADDR;
static const unsigned long CKVM_SET_IDENTITY_MAP_ADDR = KVM_SET_IDENTITY_MAP_ADDR;
static const unsigned long CKVM_CREATE_IRQCHIP = KVM_CREATE_IRQCHIP;
static const unsigned long CKVM_SET_USER_MEMORY_REGION = KVM_SET_USER_MEMORY_REGION;
static const unsigned long CKVM_IOEVENTFD = KVM_IOEVENTFD;
static const unsigned long CKVM_IRQFD = KVM_IRQFD;
static const unsigned long CKVM_IRQ_LINE = KVM_IRQ_LINE;
static const unsigned long CKVM_CREATE_VCPU = KVM_CREATE_VCPU;

// ---- vCPU requests
static const unsigned long CKVM_RUN = KVM_RUN;
static const unsigned long CKVM_GET_REGS = KVM_GET_REGS;
static const unsigned long CKVM_SET_REGS = KVM_SET_REGS;
static const unsigned long CKVM_GET_SREGS = KVM_GET_SREGS;
static const unsigned long CKVM_SET_SREGS = KVM_SET_SREGS;
static const unsigned long CKVM_GET_MSRS = KVM_GET_MSRS;
static const unsigned long CKVM_SET_MSRS = KVM_SET_MSRS;
static const unsigned long CKVM_SET_CPUID2 = KVM_SET_CPUID2;
static const unsigned long CKVM_GET_XCRS = KVM_GET_XCRS;
static const unsigned long CKVM_SET_XCRS = KVM_SET_XCRS;
static const unsigned long CKVM_GET_FPU = KVM_GET_FPU;
static const unsigned long CKVM_SET_FPU = KVM_SET_FPU;
static const unsigned long CKVM_GET_TSC_KHZ = KVM_GET_TSC_KHZ;

/// Non-variadic ioctl with an integer argument (KVM_SET_TSS_ADDR takes a value > INT_MAX).
static inline int ckvm_ioctl(int fd, unsigned long req, unsigned long arg) {
    return ioctl(fd, req, arg);
}

/// Non-variadic ioctl with a pointer argument.
static inline int ckvm_ioctl_ptr(int fd, unsigned long req, void *arg) {
    return ioctl(fd, req, arg);
}

static inline uint64_t ckvm_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/// kvm_run.immediate_exit is written by the watchdog thread while the vCPU thread is
/// inside KVM_RUN or about to enter it; an atomic store keeps that well-defined.
static inline void ckvm_set_immediate_exit(struct kvm_run *run, uint8_t value) {
    __atomic_store_n(&run->immediate_exit, value, __ATOMIC_SEQ_CST);
}

/// Installs a no-op handler for `signo` *without* SA_RESTART, so a signal sent to a
/// thread blocked in KVM_RUN makes the ioctl return EINTR. Also unblocks `signo` in the
/// calling thread. Returns 0 or -1 (errno set). sigaction's handler union is awkward
/// from Swift, hence C.
int ckvm_install_kick_handler(int signo);

#endif
