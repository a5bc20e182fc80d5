/// STUB: replaced by the VFS work (open file descriptions, fd flags).
public final class FileTable {
    public init() {}
}
