/// A JSON document, written by hand (Foundation stays out of the swiftlet binary).
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONField])

    public static func uint(_ v: UInt64) -> JSONValue { .int(Int64(clamping: v)) }

    /// Pretty-printed with two-space indentation and a final newline.
    public func render() -> String {
        var out = ""
        write(to: &out, indent: 0)
        return out + "\n"
    }

    private func write(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): out += JSONValue.quote(s)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, indent: indent + 1)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += close + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, f) in fields.enumerated() {
                out += pad + JSONValue.quote(f.key) + ": "
                f.value.write(to: &out, indent: indent + 1)
                out += i + 1 < fields.count ? ",\n" : "\n"
            }
            out += close + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// One member of a JSON object (an array of these keeps the order stable).
public struct JSONField: Equatable, Sendable {
    public var key: String
    public var value: JSONValue
    public init(_ key: String, _ value: JSONValue) { self.key = key; self.value = value }
}

extension LatencySummary {
    /// `{"count", "min", "median", "p90", "p99", "max", "mean"}` in the given unit.
    public func json(unit: String) -> JSONValue {
        .object([
            JSONField("unit", .string(unit)),
            JSONField("count", .int(Int64(count))),
            JSONField("min", .uint(min)), JSONField("median", .uint(median)),
            JSONField("p90", .uint(p90)), JSONField("p99", .uint(p99)),
            JSONField("max", .uint(max)), JSONField("mean", .uint(mean)),
        ])
    }
}

extension HostDescription {
    public var json: JSONValue {
        .object([
            JSONField("kvm", .string(kvm)), JSONField("cpu", .string(cpuModel)),
            JSONField("cpus", .int(Int64(cpus))), JSONField("memory_mib", .uint(memoryMiB)),
            JSONField("kernel", .string(kernel)),
            JSONField("percentiles", .string(LatencySummary.usesHdrHistogram ? "hdrhistogram" : "exact")),
        ])
    }
}
