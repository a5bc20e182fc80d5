#if canImport(Glibc)
import Glibc
#endif

/// Result of offering guest receive buffers to the host's input.
public enum ConsoleReadResult: Equatable, Sendable {
    /// `n` > 0 bytes landed in the buffers.
    case bytes(Int)
    /// Nothing available now; try again when the input is readable.
    case wouldBlock
    /// End of input (read returned 0).
    case endOfFile
}

/// The host side of one console port. The device hands it iovecs that point straight
/// into guest RAM (zero copy); implementations call readv/writev on their fds.
public protocol ConsoleBackend: AnyObject {
    /// Writes all of the iovecs, in order, before returning (so output is never lost
    /// when the program exits right after writing). Returns false if the output is gone
    /// (EPIPE and the like): the data is dropped and counted.
    func write(_ iovecs: [iovec]) -> Bool
    /// Reads what is available into the iovecs without blocking.
    func read(into iovecs: [iovec]) -> ConsoleReadResult
    /// A terminal can deliver more input after an EOF (^D); a pipe or file cannot.
    var inputIsTerminal: Bool { get }
    /// (rows, columns) if the input is a terminal.
    var windowSize: (rows: UInt16, columns: UInt16)? { get }
}
