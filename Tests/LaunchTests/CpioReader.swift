@testable import Launch

/// An independent newc reader for the tests: checks the format rules the kernel's
/// unpacker relies on, and returns the entries.
struct CpioEntry: Equatable {
    var name: String
    var inode: UInt32
    var mode: UInt32
    var nlink: UInt32
    var mtime: UInt32
    var data: [UInt8]
}

enum CpioReadError: Error { case badMagic(Int), badHex(Int), badPadding(Int), truncated(Int), noTrailer }

func readCpio(_ bytes: [UInt8]) throws(CpioReadError) -> [CpioEntry] {
    var entries: [CpioEntry] = []
    var at = 0
    while true {
        guard at + 110 <= bytes.count else { throw .truncated(at) }
        guard at % 4 == 0 else { throw .badPadding(at) }
        guard String(decoding: bytes[at..<at + 6], as: UTF8.self) == "070701" else { throw .badMagic(at) }
        var fields: [UInt32] = []
        for i in 0..<13 {
            let start = at + 6 + i * 8
            guard let v = UInt32(String(decoding: bytes[start..<start + 8], as: UTF8.self), radix: 16) else {
                throw .badHex(start)
            }
            fields.append(v)
        }
        let nameSize = Int(fields[11]), fileSize = Int(fields[6])
        let nameStart = at + 110
        guard nameStart + nameSize <= bytes.count, nameSize >= 1, bytes[nameStart + nameSize - 1] == 0 else {
            throw .truncated(nameStart)
        }
        let name = String(decoding: bytes[nameStart..<nameStart + nameSize - 1], as: UTF8.self)
        var dataStart = nameStart + nameSize
        while dataStart % 4 != 0 {
            guard dataStart < bytes.count, bytes[dataStart] == 0 else { throw .badPadding(dataStart) }
            dataStart += 1
        }
        guard dataStart + fileSize <= bytes.count else { throw .truncated(dataStart) }
        let data = Array(bytes[dataStart..<dataStart + fileSize])
        at = dataStart + fileSize
        while at % 4 != 0 {
            guard at < bytes.count, bytes[at] == 0 else { throw .badPadding(at) }
            at += 1
        }
        if name == "TRAILER!!!" {
            guard at == bytes.count else { throw .badPadding(at) }
            return entries
        }
        entries.append(CpioEntry(name: name, inode: fields[0], mode: fields[1], nlink: fields[4], mtime: fields[5], data: data))
    }
}
