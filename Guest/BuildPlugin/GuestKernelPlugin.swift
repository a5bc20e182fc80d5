import PackagePlugin

/// Builds the Embedded Swift guest kernel during `swift build` by running
/// Guest/build-kernel.sh, and hands the VMM the path of the result through a generated
/// Swift file (so `swiftlet` finds its kernel with no flags). Only the generated file is
/// an output: declaring kernel.elf too would make SwiftPM treat it as a resource and
/// pull Foundation into the VMM (facts/toolchain.md §4).
///
/// A prebuild command, not a build command: SwiftPM computes a build command's input
/// list once per build plan, so guest files added later were not seen and edits to them
/// did not rebuild the kernel (measured). The script runs on every build and checks
/// itself whether anything under Guest/ is newer than the kernel (a few ms).
@main
struct GuestKernelPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let guest = root.appending(path: "Guest")
        let out = context.pluginWorkDirectoryURL.appending(path: "guest")
        let generatedDirectory = context.pluginWorkDirectoryURL.appending(path: "generated")
        let generated = generatedDirectory.appending(path: "GuestKernelPath.swift")
        return [
            .prebuildCommand(
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
                outputFilesDirectory: generatedDirectory
            )
        ]
    }
}

import Foundation
