import PackagePlugin

/// Builds the Embedded Swift guest kernel during `swift build` by running
/// Guest/build-kernel.sh, and hands the VMM the path of the result through a generated
/// Swift file (so `swiftlet` finds its kernel with no flags). Only the generated file is
/// an output: declaring kernel.elf too would make SwiftPM treat it as a resource and
/// pull Foundation into the VMM (facts/toolchain.md §4).
///
/// SwiftPM computes a build command's input list once per build plan and keeps the plan
/// until the package graph changes, so a guest file added later is never among the
/// inputs (measured: edits to new files did not rebuild the kernel). Hence one more
/// input, a stamp the script touches on every run: the command reruns on every build,
/// and the script itself decides, in a few milliseconds, whether anything under Guest/
/// is newer than the kernel. (A prebuild command did not rerun at all with SwiftPM 6.3.)
@main
struct GuestKernelPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let guest = root.appending(path: "Guest")
        let out = context.pluginWorkDirectoryURL.appending(path: "guest")
        let generated = context.pluginWorkDirectoryURL.appending(path: "GuestKernelPath.swift")
        let stamp = out.appending(path: "rerun.stamp")
        try? FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: stamp.path) {
            FileManager.default.createFile(atPath: stamp.path, contents: Data())
        }
        var inputs: [URL] = [stamp]
        if let e = FileManager.default.enumerator(at: guest, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in e where !url.path.contains("/BuildPlugin") {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { inputs.append(url) }
            }
        }
        return [
            .buildCommand(
                displayName: "Building the Swiftlet guest kernel",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    guest.appending(path: "build-kernel.sh").path,
                    out.path,
                    generated.path,
                    try context.tool(named: "swiftc").url.path,
                    try context.tool(named: "clang").url.path,
                    try context.tool(named: "ld.lld").url.path,
                ],
                inputFiles: inputs,
                outputFiles: [generated]
            )
        ]
    }
}

import Foundation
