// swift-tools-version:6.0
// Swiftlet: a microVM monitor on /dev/kvm (host side, ordinary Swift) plus a guest
// kernel in Embedded Swift (built by GuestKernelPlugin through Guest/build-kernel.sh).
import PackageDescription

// HdrHistogram gives `swiftlet bench` its percentiles (VMM/Bench/LatencySummary.swift).
// It is linked into `swiftlet` but touched only by `swiftlet bench`, never by `run`.
// SWIFTLET_NO_HDRHISTOGRAM=1 builds without it (exact nearest-rank percentiles instead).
let useHdrHistogram = Context.environment["SWIFTLET_NO_HDRHISTOGRAM"] != "1"
let benchDependencies: [Target.Dependency] = ["Launch", "Machine"]
    + (useHdrHistogram ? [.product(name: "Histogram", package: "hdrhistogram-swift")] : [])

let package = Package(
    name: "Swiftlet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "swiftlet", targets: ["swiftlet"]),
    ],
    dependencies: useHdrHistogram
        ? [.package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0")] : [],
    targets: [
        // ---- Shared ABI: Linux and Swiftlet boot/host-call layouts, used by both sides.
        .target(name: "GuestABI", path: "Guest/ABI"),

        // ---- Guest logic that also compiles as ordinary Swift, so it gets host unit tests.
        // The same files are compiled into the guest kernel by Guest/build-kernel.sh.
        .target(name: "GuestKernel", dependencies: ["GuestABI"], path: "Guest/Kernel/Portable"),

        // ---- Host VMM
        .target(name: "CKVM", path: "VMM/CKVM"),
        .systemLibrary(name: "CFDT", path: "VMM/CFDT", providers: [.apt(["libfdt-dev"])]),
        // Plain x86 register state (segments, descriptor tables) shared by Boot and KVM,
        // so that Boot stays free of KVM types without a second copy of the struct.
        .target(name: "X86State", path: "VMM/X86State"),
        .target(name: "KVM", dependencies: ["CKVM", "X86State"], path: "VMM/KVM"),
        .target(name: "GuestMemory", path: "VMM/GuestMemory"),
        .target(name: "Boot", dependencies: ["GuestABI", "GuestMemory", "CFDT", "X86State"], path: "VMM/Boot"),
        .target(name: "HostCall", dependencies: ["GuestABI", "GuestMemory"], path: "Devices/HostCall"),
        // ---- virtio (issue 4): the transport and split queue, then the device models.
        .target(name: "Virtio", dependencies: ["GuestMemory", "GuestABI"], path: "Devices/Virtio"),
        .target(name: "Console", dependencies: ["Virtio", "GuestMemory"], path: "Devices/Console"),
        .target(name: "Block", dependencies: ["Virtio", "GuestMemory"], path: "Devices/Block"),
        .target(name: "VirtioTesting", dependencies: ["Virtio", "Console", "Block", "GuestMemory", "GuestABI"], path: "Devices/Testing"),
        .target(name: "Machine", dependencies: ["KVM", "GuestMemory", "Boot", "HostCall", "GuestABI", "Virtio", "Console", "Block", "X86State"], path: "VMM/Machine"),
        .target(name: "Launch", dependencies: ["Machine", "Boot", "KVM", "HostCall", "GuestMemory", "GuestABI", "X86State", "CKVM"], path: "VMM/Launch"),
        .target(name: "Bench", dependencies: benchDependencies, path: "VMM/Bench"),
        .executableTarget(
            name: "swiftlet",
            dependencies: ["Launch", "Machine", "Bench"],
            path: "VMM/CLI",
            plugins: ["GuestKernelPlugin"]
        ),
        .plugin(name: "GuestKernelPlugin", capability: .buildTool(), path: "Guest/BuildPlugin"),

        // ---- Tests
        .testTarget(name: "BootTests", dependencies: ["Boot", "GuestMemory", "X86State"], path: "Tests/BootTests"),
        .testTarget(name: "GuestKernelTests", dependencies: ["GuestKernel", "GuestABI", "Virtio", "Block", "Console", "VirtioTesting", "GuestMemory"], path: "Tests/GuestKernelTests"),
        .testTarget(name: "HostCallTests", dependencies: ["HostCall", "GuestMemory"], path: "Tests/HostCallTests"),
        .testTarget(name: "LaunchTests", dependencies: ["Launch", "Machine"], path: "Tests/LaunchTests"),
        .testTarget(name: "IntegrationTests", path: "Tests/IntegrationTests"),
        .testTarget(name: "VirtioTests", dependencies: ["Virtio", "Console", "Block", "VirtioTesting", "GuestMemory", "Machine", "KVM", "GuestABI", "Boot"], path: "Tests/VirtioTests"),
        .testTarget(name: "BenchTests", dependencies: ["Bench"], path: "Tests/BenchTests"),
        .testTarget(name: "MachineTests", dependencies: ["Machine", "KVM", "Boot"], path: "Tests/MachineTests"),
    ]
)
