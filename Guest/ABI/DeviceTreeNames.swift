/// Names of the FDT nodes and properties the VMM writes and the guest reads.
/// Standard properties keep their Linux spelling; Swiftlet's own carry a `swiftlet,` prefix.
public enum DTName {
    public static let chosen = "chosen"
    public static let memory = "memory"
    public static let bootargs = "bootargs"
    /// u64 guest-physical start and end (exclusive) of the initramfs (cpio newc).
    public static let initrdStart = "linux,initrd-start"
    public static let initrdEnd = "linux,initrd-end"
    /// u32 `BootPlatform` raw value.
    public static let platform = "swiftlet,platform"
    /// u32: 1 when every paging entry must carry U/S=1 (PVM hosts).
    public static let pteUserAll = "swiftlet,pte-user-all"
    /// u32 TSC frequency in kHz.
    public static let tscKHz = "swiftlet,tsc-khz"
    /// u64 host CLOCK_REALTIME in ns, taken just before the first KVM_RUN.
    public static let realtimeNs = "swiftlet,realtime-ns"
    /// u32 1 when the boot trace is wanted.
    public static let trace = "swiftlet,trace"
    /// u32 bit mask: bit N set when host fd N (0, 1, 2) is a terminal.
    public static let ttyMask = "swiftlet,tty-mask"
    /// u32 pair: rows, columns of the host terminal (0, 0 if none).
    public static let winsize = "swiftlet,winsize"
    /// Path of the program inside the initramfs, e.g. "/bin/hello".
    public static let initPath = "swiftlet,init"
    /// NUL-separated string lists (like `compatible`).
    public static let argv = "swiftlet,argv"
    public static let envp = "swiftlet,envp"
    /// 32 random bytes from the host, seeding AT_RANDOM and getrandom.
    public static let random = "swiftlet,random"
    /// u32 1 when the kernel log should also go out on the serial port as it is written
    /// (`--kernel-log`). Each serial byte is an exit (~50 µs under PVM), so by default
    /// the log only goes to the in-memory ring.
    public static let kernelLog = "swiftlet,kernel-log"
    /// u32 1 when the kernel self-test (10M-iteration timed loop) should run.
    public static let selfTest = "swiftlet,self-test"
    /// u32 how the PVM-native kernel returns to user mode: 0 = emulated SYSRETQ (default),
    /// 1 = native IRETQ with IST event delivery (experiment, `--pvm-return iret`),
    /// 2 = IRETQ after events, SYSRETQ after syscalls (probe, `--pvm-return hybrid`).
    public static let pvmReturn = "swiftlet,pvm-return"
    /// u32 test hook: 1 = hang forever in the kernel after init (watchdog test).
    public static let testHang = "swiftlet,test-hang"
}
