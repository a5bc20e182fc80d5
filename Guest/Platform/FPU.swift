import KernelASM

/// The program's floating-point and vector registers. The kernel itself never uses
/// them (it is built without SSE), so they only need saving when switching tasks and
/// around signal handlers. With OSXSAVE the whole XCR0 state (AVX, AVX-512) goes
/// through XSAVE; otherwise FXSAVE covers x87 and SSE.
enum FPU {
    nonisolated(unsafe) static var useXSAVE = false
    nonisolated(unsafe) static var mask: UInt64 = 0
    /// Bytes per save area (at least the 512-byte legacy region, 64-byte multiple).
    nonisolated(unsafe) static var areaSize = 512

    static func detect() {
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        k_cpuid(1, 0, &a, &b, &c, &d)
        let osxsave = c & (1 << 27) != 0 && k_read_cr4() & (1 << 18) != 0
        guard osxsave else { return }
        mask = k_xgetbv0()
        k_cpuid(0xD, 0, &a, &b, &c, &d)                     // EBX: size for XCR0's features
        guard b >= 576 else { return }
        useXSAVE = true
        areaSize = (Int(b) + 63) & ~63
    }

    /// A save area holding the state a new program starts with (FNINIT, MXCSR 0x1f80;
    /// a zero XSAVE header means every other component is in its initial state).
    static func allocateArea() -> UnsafeMutableRawPointer {
        let area = UnsafeMutableRawPointer.allocate(byteCount: areaSize, alignment: 64)
        reset(area)
        return area
    }

    static func reset(_ area: UnsafeMutableRawPointer) {
        k_zero(UInt64(UInt(bitPattern: area)), UInt64(areaSize))
        area.storeBytes(of: UInt16(0x37f), toByteOffset: 0, as: UInt16.self)
        area.storeBytes(of: UInt32(0x1f80), toByteOffset: 24, as: UInt32.self)
        if useXSAVE {
            // XSTATE_BV: x87 and SSE come from the legacy region above.
            area.storeBytes(of: UInt64(3), toByteOffset: 512, as: UInt64.self)
        }
    }

    @inline(__always) static func save(_ area: UnsafeMutableRawPointer) {
        if useXSAVE { k_xsave(area, mask) } else { k_fxsave(area) }
    }

    @inline(__always) static func restore(_ area: UnsafeMutableRawPointer) {
        if useXSAVE { k_xrstor(area, mask) } else { k_fxrstor(area) }
    }
}
