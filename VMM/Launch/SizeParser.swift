/// Byte sizes on the command line (`--memory 128M`).
///
/// Accepted: a decimal number (or `0x` hexadecimal) of bytes, optionally followed by a
/// binary suffix `K`/`M`/`G` or `KiB`/`MiB`/`GiB`, case-insensitive. Every suffix is a
/// power of 1024, as for `qemu -m` and `docker -m`; there is no decimal (1000) form
/// because guest RAM is always sized in pages.
public enum SizeParseFailure: Error, Equatable, Sendable {
    case invalid
    /// The value does not fit in 64 bits.
    case overflow
}

/// Parses a size, or returns nil when it is malformed or overflows.
public func parseSize(_ text: String) -> UInt64? {
    try? parseSizeChecked(text)
}

/// Like `parseSize`, but says why it failed, so the CLI can report overflow distinctly.
public func parseSizeChecked(_ text: String) throws(SizeParseFailure) -> UInt64 {
    var digits = Substring(text)
    var radix: UInt64 = 10
    if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
        radix = 16
        digits = digits.dropFirst(2)
    }
    // Split number from suffix at the first character that is not a digit of the radix.
    let numberEnd = digits.firstIndex { digitValue($0, radix: radix) == nil } ?? digits.endIndex
    let number = digits[..<numberEnd]
    let suffix = digits[numberEnd...].lowercased()
    guard !number.isEmpty else { throw .invalid }

    let shift: UInt64
    switch suffix {
    case "": shift = 0
    case "k", "kib": shift = 10
    case "m", "mib": shift = 20
    case "g", "gib": shift = 30
    default: throw .invalid
    }

    var value: UInt64 = 0
    for ch in number {
        guard let d = digitValue(ch, radix: radix) else { throw .invalid }
        let (m, o1) = value.multipliedReportingOverflow(by: radix)
        let (a, o2) = m.addingReportingOverflow(d)
        if o1 || o2 { throw .overflow }
        value = a
    }
    // Shifting must not lose high bits.
    guard shift == 0 || value <= (UInt64.max >> shift) else { throw .overflow }
    return value << shift
}

private func digitValue(_ ch: Character, radix: UInt64) -> UInt64? {
    guard let ascii = ch.asciiValue else { return nil }
    let v: UInt64
    switch ascii {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): v = UInt64(ascii - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): v = UInt64(ascii - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): v = UInt64(ascii - UInt8(ascii: "A") + 10)
    default: return nil
    }
    return v < radix ? v : nil
}
