/* The vDSO image, embedded in the kernel (built by Guest/build-kernel.sh). */
    .section .rodata
    .p2align 12
    .globl vdso_image_start, vdso_image_end
vdso_image_start:
    .incbin VDSO_PATH
vdso_image_end:
