import Launch
import Testing

@Suite struct SizeParserTests {
    @Test(arguments: [
        ("0", UInt64(0)),
        ("4096", 4096),
        ("1K", 1024),
        ("1k", 1024),
        ("1KiB", 1024),
        ("1kib", 1024),
        ("128M", 128 << 20),
        ("128m", 128 << 20),
        ("128MiB", 128 << 20),
        ("1G", 1 << 30),
        ("1GiB", 1 << 30),
        ("3gib", 3 << 30),
        ("0x1000", 4096),
        ("0X10M", 16 << 20),
        ("18446744073709551615", UInt64.max),
        ("17179869183G", 17_179_869_183 << 30),
    ] as [(String, UInt64)])
    func valid(text: String, expected: UInt64) {
        #expect(parseSize(text) == expected)
    }

    @Test(arguments: ["", "abc", "M", "1.5G", "-1", " 1M", "1M ", "1 M", "1MB", "1KB", "1T", "1Gi", "0x", "0xG", "1e3", "+5", "１"])
    func invalid(text: String) {
        #expect(parseSize(text) == nil)
        #expect(throws: SizeParseFailure.invalid) { try parseSizeChecked(text) }
    }

    @Test(arguments: ["18446744073709551616", "17179869184G", "16777216T0", "99999999999999999999K", "0x10000000000000000"])
    func overflow(text: String) {
        #expect(parseSize(text) == nil)
        if text == "16777216T0" {
            #expect(throws: SizeParseFailure.invalid) { try parseSizeChecked(text) }
        } else {
            #expect(throws: SizeParseFailure.overflow) { try parseSizeChecked(text) }
        }
    }
}

@Suite struct ExitCodeTests {
    @Test func values() {
        #expect(ExitCode.swiftletFailed.rawValue == 125)
        #expect(ExitCode.cannotExecute.rawValue == 126)
        #expect(ExitCode.programNotFound.rawValue == 127)
    }

    @Test func programStatusPassesThroughAndSignalsAdd128() {
        #expect(ExitCode.forProgram(status: 0, signal: 0) == 0)
        #expect(ExitCode.forProgram(status: 3, signal: 0) == 3)
        #expect(ExitCode.forProgram(status: 255, signal: 0) == 255)
        #expect(ExitCode.forProgram(status: 0, signal: 9) == 137)
        #expect(ExitCode.forProgram(status: 0, signal: 11) == 139)
    }
}
