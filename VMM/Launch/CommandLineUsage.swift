/// Texts for `--help` and `--version`. Kept as literals: printing them must not pull
/// in anything that costs start-up time.
public enum CommandLineUsage {
    public static let version = "0.1.0"
    public static let versionText = "swiftlet \(version)\n"

    public static let helpText = """
    Usage: swiftlet run [OPTIONS] PROGRAM [ARGS...]
           swiftlet bench boot|syscall|density [-n N] [--json] [--plot DIR] (bench --help)
           swiftlet --help | -h | help
           swiftlet --version

    Runs one static Linux x86_64 PROGRAM (a host file) in a fresh microVM. Options go
    before PROGRAM; everything after PROGRAM is passed to it untouched.

    Options:
      -m, --memory SIZE        guest RAM (default 128M; K, M, G or KiB, MiB, GiB)
          --kernel PATH        guest kernel ELF (default: the one built with swiftlet)
          --kernel-log         show the guest kernel log on stderr
          --virtio-console     carry stdio over virtio-console (default: host calls, faster boot)
          --trace-boot         print boot milestones (µs since process start) to stderr
          --add HOST[:GUEST]   add a file or directory (recursively) to the initramfs;
                               GUEST defaults to HOST's absolute path (repeatable)
          --disk PATH[:ro][:direct]
                               attach a disk image as /dev/vda, /dev/vdb, … (repeatable);
                               ro: read-only, direct: O_DIRECT on the host file
          --disk-direct        open every --disk with O_DIRECT
      -e, --env K=V            set an environment variable (repeatable); '--env K'
                               copies K from the host environment if set
          --platform MODE      auto (default), pvm or emulated
          --pvm-return HOW     sysret (default) or iret: how the PVM-native kernel
                               returns to user mode (experiment; also SWIFTLET_PVM_RETURN)
          --timeout SECONDS    wall-clock limit for the whole run
          --watchdog SECONDS   stall limit for a vCPU making no progress (default 10)
          --                   ends options (PROGRAM follows)

    Exit status: the program's own status; 128+N if it was killed by signal N;
    125 if swiftlet failed, 126 if PROGRAM cannot be executed, 127 if not found.

    """
}
