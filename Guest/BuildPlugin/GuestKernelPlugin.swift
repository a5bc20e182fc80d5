import PackagePlugin

/// Builds the Embedded Swift guest kernel during `swift build` by running
/// Guest/build-kernel.sh, and hands the VMM the path of the result through a generated
/// Swift file (so `swiftlet` finds its kernel with no flags). Only the generated file is
/// declared as an output: declaring kernel.elf too would make SwiftPM treat it as a
/// resource and pull Foundation into the VMM (facts/toolchain.md §4).
@main
struct GuestKernelPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let guest = root.appending(path: "Guest")
        let out = context.pluginWorkDirectoryURL.appending(path: "guest")
        let generated = context.pluginWorkDirectoryURL.appending(path: "GuestKernelPath.swift")
        var inputs: [URL] = []
        if let e = FileManager.default.enumerator(at: guest, includingPropertiesForKeys: nil) {
            for case let url as URL in e where !url.path.contains("/BuildPlugin/") {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                    inputs.append(url)
                }
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
