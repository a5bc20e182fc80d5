// libFuzzer target over the virtio transport, the split queue and the device request
// parsing, with arbitrary guest memory contents. Built by Tests/Fuzz/run.sh with
// `swiftc -sanitize=fuzzer,address` (not part of the SwiftPM build). The input layout
// and the harness are in Devices/Testing/VirtioFuzzHarness.swift, which the unit test
// FuzzCorpusTests also replays over every committed seed.
import VirtioTesting

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    VirtioFuzzHarness.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
