public import Foundation

/// A source of bytes that is read in chunks, so that files of hundreds of megabytes are never
/// held in memory at once.
///
/// Reads block: call them from a dedicated thread or queue (see ``BlockingBatchSequence``), never
/// from a task on the cooperative pool.
public protocol ByteSource {
    /// A name for messages (usually the file name).
    var name: String { get }
    /// Appends up to `maximumCount` bytes to `buffer`; returns how many were appended (0 at the end).
    mutating func read(appendingTo buffer: inout [UInt8], maximumCount: Int) throws -> Int
}

/// Bytes already in memory (tests, small uploads).
public struct MemoryByteSource: ByteSource, Sendable {
    public let name: String
    private let bytes: [UInt8]
    private var offset = 0

    /// Wraps `bytes`.
    public init(name: String = "memory", bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    /// Wraps the UTF-8 bytes of `text`.
    public init(name: String = "memory", text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    public mutating func read(appendingTo buffer: inout [UInt8], maximumCount: Int) throws -> Int {
        let count = min(maximumCount, self.bytes.count - self.offset)
        guard count > 0 else { return 0 }
        buffer.append(contentsOf: self.bytes[self.offset..<(self.offset + count)])
        self.offset += count
        return count
    }
}

/// Bytes read from a `FileHandle` (a file, a pipe, standard input) in chunks.
///
/// Not Sendable: a reader owns its handle's position; move the whole reader to the thread that
/// reads (``BlockingBatchSequence`` does).
public struct FileByteSource: ByteSource {
    public let name: String
    private let handle: FileHandle
    private let closesHandle: Bool

    /// Reads from an open handle (the caller keeps ownership and closes it).
    public init(name: String, handle: FileHandle) {
        self.name = name
        self.handle = handle
        self.closesHandle = false
    }

    /// Opens the file at `url` for reading.
    ///
    /// - Throws: ``ImportError`` `.unreadableSource` when the file cannot be opened.
    public init(url: URL) throws {
        do {
            self.handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ImportError(
                code: .unreadableSource,
                message: "cannot open \(url.path): \(error.localizedDescription)"
            )
        }
        self.name = url.lastPathComponent
        self.closesHandle = true
    }

    public mutating func read(appendingTo buffer: inout [UInt8], maximumCount: Int) throws -> Int {
        let data: Data?
        do {
            data = try self.handle.read(upToCount: maximumCount)
        } catch {
            throw ImportError(
                code: .unreadableSource,
                message: "cannot read \(self.name): \(error.localizedDescription)"
            )
        }
        guard let data, !data.isEmpty else { return 0 }
        buffer.append(contentsOf: data)
        return data.count
    }

    /// Closes the handle when this source opened it.
    public func close() {
        if self.closesHandle { try? self.handle.close() }
    }
}

/// A file source owns a read position: it is moved to the reading thread, never shared.
@available(*, unavailable)
extension FileByteSource: Sendable {}
