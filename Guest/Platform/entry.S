/*
 * Swiftlet guest kernel: the first instructions, and every transition between the
 * program (ring 3) and the kernel. Hand-written because Swift cannot run before the
 * PVM switch (everything before it is emulated at ~1 us/instruction with no SSE) and
 * cannot express trap frames.
 *
 * Entry contract (Guest/ABI/BootLayout.swift): 64-bit mode, paging on with the VMM's
 * tables (only the kernel window 0x7e00_0000_0000 is mapped), RDI = FDT guest-physical
 * address, RSI = BootPlatform (0 ring0, 1 pvm).
 */
#define DIRECT_MAP      0x7e0000000000
#define PV_PAGE_GPA     0x1000
#define PV_VIF          (DIRECT_MAP + PV_PAGE_GPA)
#define MSR_PV_PAGE     0x4b564d10
#define PV_FLAGS        0x14            /* bit 2: GS swap at SYSCALL, bit 4: CR2 in page */
#define FRAME_SIZE      176             /* sizeof(TrapFrame) */
#define F_VECTOR        120
#define F_RIP           136
#define F_CS            144
#define F_RFLAGS        152
#define F_RSP           160
#define F_SS            168
#define USER_LIMIT      0x7e0000000000  /* BootLayout.userLimit */

    .section .text.entry, "ax"
    .globl _start
_start:
    cmpq $1, %rsi
    jne 1f
    /* PVM: turn on native supervisor mode. From the next instruction on we run in
     * hardware ring 3 (facts/pvm.md §3.1). */
    movl $MSR_PV_PAGE, %ecx
    movl $(PV_PAGE_GPA | PV_FLAGS), %eax
    xorl %edx, %edx
    wrmsr
    /* Self-check: in native mode %cs reads the host's user selector (RPL 3). */
    movw %cs, %ax
    andl $3, %eax
    movq %rax, boot_native_cpl(%rip)
    movabs $PV_VIF, %rax
    movq $0, (%rax)                      /* virtual IF off until the kernel is ready */
1:
    movq %rsi, boot_platform(%rip)
    leaq boot_stack_top(%rip), %rsp
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    movq %rax, boot_entry_tsc(%rip)
    /* kmain(fdtPhysical, platform) never returns. */
    call kmain
2:  hlt
    jmp 2b

/* ---------------------------------------------------------------------------------
 * Trap frame (matches TrapFrame in Platform/TrapFrame.swift, low to high address):
 *   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax  vector error
 *   rip cs rflags rsp ss       (the hardware frame)
 * 22 words = 176 bytes, so RSP stays 16-byte aligned for the call into Swift.
 * ------------------------------------------------------------------------------ */
.macro PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

    .text
/* SYSCALL from the program. RSP is still the user's and interrupts are masked (IF by
 * SFMASK on hardware; the virtual IF reads 0 at entry under PVM). One CPU, so a global
 * scratch slot holds the user RSP while we switch stacks. */
    .globl syscall_entry
    .p2align 4
syscall_entry:
    movq $0, in_user(%rip)              /* fast return (PVM-IRET): we are in the kernel now */
    movq %rsp, saved_user_rsp(%rip)
    movq kernel_stack_top(%rip), %rsp
    pushq $0x2b                         /* ss */
    pushq saved_user_rsp(%rip)          /* rsp */
    pushq %r11                          /* rflags */
    pushq $0x33                         /* cs */
    pushq %rcx                          /* rip */
    pushq %rax                          /* error: the syscall number, kept for restarts */
    pushq $0x100                        /* vector: SYSCALL */
    PUSH_GPRS
    cld
    cmpq $0, pvm_fast_return(%rip)      /* experiment probe: VIF as found at entry */
    je 5f
    movabs $PV_VIF, %rax
    movq (%rax), %rax
    orq %rax, syscall_vif_seen(%rip)
5:
    /* The ring-0 path on a PVM host (--platform emulated): the hypervisor does not
     * notice the emulated SYSRETQ to user mode, so the program's SYSCALL arrives here
     * at hardware CPL 3 where privileged instructions fault (measured: %cs = 0x33). An
     * exception is delivered properly, to an emulated CPL-0 handler, so the syscall is
     * bounced through INT3 (vector 3; trap_handler recognises it by the return address).
     * Measured: INT 0x80 and INT 0x81 raise #UD in this state; INT3 works. The frame
     * built above stays on the kernel stack, and the handler finds it through the RSP
     * the breakpoint saved. Returns to user then use IRETQ (see return_to_user). */
    movw %cs, %ax
    testb $3, %al
    jz 4f
    cmpq $0, platform_pvm_native(%rip)
    jne 4f
    movq $1, ring0_degraded(%rip)
    int3
    .globl syscall_bounce_return
syscall_bounce_return:
    jmp return_from_trap
4:  movq %rsp, %rdi
    call syscall_handler
    jmp return_from_trap

/* Exceptions and interrupts. Vectors without a CPU error code push a 0. */
.macro ISR_NOERR n
    .p2align 4
isr_\n:
    pushq $0
    pushq $\n
    jmp trap_common
.endm
.macro ISR_ERR n
    .p2align 4
isr_\n:
    pushq $\n
    jmp trap_common
.endm

trap_common:
    PUSH_GPRS
    cmpq $0, pvm_fast_return(%rip)
    jne fast_event
    /* PVM: external interrupts use IST1 (CPU.swift), because one can arrive in the last
     * instructions of sysret_to_user, after RSP already holds the user's stack pointer:
     * the hypervisor delivers it as a kernel-mode event on the current stack, which
     * would write the frame over the program's red zone (or fault on a copy-on-write
     * stack page and triple-fault). From the IST stack a kernel-mode event returns with
     * the emulated IRETQ, which restores that RSP. A user-mode event arrives on IST1 too:
     * its frame moves to the top of the task's kernel stack, where every user frame
     * lives and from where the scheduler may switch tasks. */
    cmpq $1, platform_pvm_native(%rip)
    jne trap_common_frame
    testb $3, F_CS(%rsp)
    jz trap_common_frame
    movq kernel_stack_top(%rip), %rdi
    subq $176, %rdi
    cmpq %rsp, %rdi
    je trap_common_frame
    movq %rsp, %rsi
    movl $22, %ecx
    cld
    rep movsq
    movq kernel_stack_top(%rip), %rsp
    subq $176, %rsp
trap_common_frame:
    movq %rsp, %rdi
    cld
    call trap_handler
    /* fall through */

/* Leave the kernel through the frame at RSP. */
    .globl return_from_trap
return_from_trap:
    testb $3, F_CS(%rsp)
    jz return_to_kernel

/* Under PVM every return to user mode is a SYSRETQ: it is the only correct way
 * (facts/pvm.md §3.7), since a native IRETQ to ring 3 is invisible to the hypervisor.
 * SYSRETQ takes RIP from RCX and RFLAGS from R11, so Platform.prepareUserReturn has
 * already rewritten frames whose RCX/R11 must survive to go through the user
 * trampoline, and checked that RIP is canonical (a non-canonical RCX makes SYSRETQ
 * fault in ring 0 on Intel, which matters on the hardware path). */
return_to_user:
    cmpq $0, pvm_fast_return(%rip)
    jne fast_return_to_user
    cmpq $1, platform_pvm_native(%rip)
    je 2f
    /* Ring 0: SYSRETQ for syscalls (fast, RCX/R11 are dead by definition), IRETQ for
     * everything else. On a PVM host the ring-0 path always uses IRETQ: there the
     * hypervisor still believes we run in supervisor mode, where SYSRETQ faults. */
    cmpq $1, ring0_degraded(%rip)
    je 1f
    cmpq $0x100, F_VECTOR(%rsp)
    je 2f
1:  POP_GPRS
    addq $16, %rsp
    iretq
2:
sysret_to_user:
    POP_GPRS
    addq $16, %rsp                      /* vector, error */
    /* Virtual IF on while still on the kernel stack: an interrupt arriving now is a
     * kernel-mode event and pushes below RSP, over registers already popped. On the
     * ring-0 path the word is unused and R11's IF does the job. */
    cmpq $1, platform_pvm_native(%rip)
    jne 1f
    movabs $PV_VIF, %rcx
    movq $1, (%rcx)
1:
    movq (%rsp), %rcx                   /* user rip */
    movq 16(%rsp), %r11                 /* user rflags */
    movq 24(%rsp), %rsp                 /* user rsp */
    sysretq

return_to_kernel:
    cmpq $0, pvm_fast_return(%rip)
    jne fast_return_to_kernel
    POP_GPRS
    addq $16, %rsp
    iretq                               /* traps and is emulated under PVM; restores VIF */

/* ---------------------------------------------------------------------------------
 * PVM fast return (`--pvm-return iret`, an experiment; see BENCHMARKS.md "PVM fast
 * return"). User mode is entered with a native IRETQ, which the hypervisor does not
 * see: it keeps believing the vCPU runs in supervisor mode, so it delivers every later
 * event as a kernel-mode event (CS = 0x10 in the frame, no RSP0 switch). Every IDT
 * gate therefore uses IST1, and the kernel tells "from user" by its own flag
 * `in_user` (set just before the IRETQ, cleared at every entry) plus the interrupted
 * RIP (user code lies below USER_LIMIT; the kernel's return sequence above it).
 * The frame is then copied off the IST stack: to the task's kernel stack for user
 * events (as the normal path expects), or below the interrupted kernel RSP (after a
 * 128-byte gap) for kernel events, which return by a software return.
 * ------------------------------------------------------------------------------ */
fast_event:
    cld
    cmpq $0, in_user(%rip)
    je 1f
    movq F_RIP(%rsp), %rax
    movq $USER_LIMIT, %rbx
    cmpq %rbx, %rax
    jae 1f
    /* From user mode. */
    movq $0, in_user(%rip)
    movq F_CS(%rsp), %rcx               /* experiment probe: bit (CS & 63) of the */
    andl $63, %ecx                      /* selectors seen in user-event frames */
    movl $1, %eax
    shlq %cl, %rax
    orq %rax, fast_event_cs_seen(%rip)
    movq kernel_stack_top(%rip), %rdi
    subq $FRAME_SIZE, %rdi
    movq $0x33, F_CS(%rsp)
    movq $0x2b, F_SS(%rsp)
    jmp 2f
1:  /* From kernel code (HLT in idle, or the window of a return sequence). */
    movq F_RSP(%rsp), %rdi
    subq $(128 + FRAME_SIZE), %rdi
    andq $-16, %rdi
    movq $0x10, F_CS(%rsp)
    movq $0x18, F_SS(%rsp)
2:  movq %rsp, %rsi
    movq %rdi, %rdx
    movl $(FRAME_SIZE / 8), %ecx
    rep movsq
    movq %rdx, %rsp
    jmp trap_common_frame

fast_return_to_user:
    /* Probe mode 2 (--pvm-return hybrid): syscalls still leave through SYSRETQ, to see
     * whether it puts the hypervisor's mode tracking back to "user". */
    cmpq $2, pvm_fast_return(%rip)
    jne 0f
    cmpq $0x100, F_VECTOR(%rsp)
    jne 0f
    movq $1, in_user(%rip)
    jmp sysret_to_user
0:
    /* Virtual IF on first: an interrupt from here to the IRETQ is a kernel event (RIP
     * above USER_LIMIT) and comes back here by the software return. */
    movabs $PV_VIF, %rax
    movl $1, %ebx
    xchgq %rbx, (%rax)
    testl $0x100, %ebx
    jz 1f
    movq %cr2, %rax                     /* traps: delivers the held-back interrupt */
1:  movq $1, in_user(%rip)
    POP_GPRS
    addq $16, %rsp                      /* vector, error */
    iretq                               /* native: the hypervisor does not see it */

fast_return_to_kernel:
    /* Software return: RIP and RFLAGS go just below the target RSP (inside the 128-byte
     * gap fast_event left), then popfq + retq. */
    movq F_RSP(%rsp), %rax
    subq $16, %rax
    movq F_RIP(%rsp), %rbx
    movq %rbx, 8(%rax)
    movq F_RFLAGS(%rsp), %rbx
    movq %rbx, (%rax)
    movq %rax, F_RSP(%rsp)
    testl $0x200, F_RFLAGS(%rsp)
    jz 1f
    movabs $PV_VIF, %rax
    movl $1, %ebx
    xchgq %rbx, (%rax)
    testl $0x100, %ebx
    jz 1f
    movq %cr2, %rax
1:  POP_GPRS
    addq $16, %rsp                      /* vector, error */
    movq 24(%rsp), %rsp                 /* the saved RSP: target - 16 */
    popfq
    retq

/* Runs in USER mode (its page carries U/S=1 under PVM). Restores the RCX and R11 that
 * SYSRETQ consumed, then returns to the interrupted RIP and drops the red-zone gap. */
    .p2align 4
    .globl user_return_trampoline
user_return_trampoline:
    popq %r11
    popq %rcx
    retq $128

ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
.irp n, 22,23,24,25,26,27,28,29,30,31
ISR_NOERR \n
.endr
.altmacro
.set i, 32
.rept 224
    ISR_NOERR %i
    .set i, i+1
.endr
.noaltmacro

/* Table of the 256 stub addresses, read by the IDT builder in Swift. */
    .section .rodata
    .p2align 3
    .globl isr_table
.macro ISR_ADDR n
    .quad isr_\n
.endm
isr_table:
.altmacro
.set i, 0
.rept 256
    ISR_ADDR %i
    .set i, i+1
.endr
.noaltmacro

    .data
    .p2align 3
    .globl boot_platform, boot_native_cpl, boot_entry_tsc, kernel_stack_top, platform_pvm_native
boot_platform:       .quad 0
boot_native_cpl:     .quad 0
boot_entry_tsc:      .quad 0
saved_user_rsp:      .quad 0
kernel_stack_top:    .quad boot_stack_top
platform_pvm_native: .quad 0
    .globl ring0_degraded
ring0_degraded:      .quad 0
    .globl pvm_fast_return, in_user
pvm_fast_return:     .quad 0
in_user:             .quad 0
    .globl syscall_vif_seen
syscall_vif_seen:    .quad 0
    .globl fast_event_cs_seen
fast_event_cs_seen:  .quad 0

    .bss
    .p2align 12
    .globl boot_stack_top, ist_stack_top
boot_stack:
    .skip 65536
boot_stack_top:
ist_stack:
    .skip 32768
ist_stack_top:

/* enter_user(frame): start the program (or resume after exec) from a frame built in
 * Swift at the top of the process's kernel stack. */
    .text
    .globl enter_user
enter_user:
    movq %rdi, %rsp
    jmp return_from_trap

/* switch_context(&old_saved_rsp, new_saved_rsp): the scheduler's stack switch. Only
 * callee-saved registers need saving: the switch is an ordinary call for both sides. */
    .globl switch_context
switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    retq

/* First "return" of a new task (fork child, new thread): its kernel stack holds a
 * TrapFrame right above this return address. */
    .globl task_entry
task_entry:
    jmp return_from_trap
