internal import Dispatch
internal import Foundation
internal import Glibc
package import RPCCore

/// A hand-driven TCP connection speaking raw frames, for tests that must send what a correct
/// client never would (garbage, truncated frames, oversize lengths, silence).
///
/// Blocking socket calls run on a private dispatch queue, never on the cooperative pool; reads
/// time out (`SO_RCVTIMEO`) so a test can never hang.
public final class RawConnection: @unchecked Sendable {
    // @unchecked Sendable: `fd` is immutable; `decoder` is only touched on `queue`.
    private let fd: CInt
    private let queue = DispatchQueue(label: "raw.connection")
    private var decoder = FrameDecoder(maxFrameSize: 64 * 1024 * 1024, expectsPreface: true)
    private var hasPreface = false

    /// The failure of a raw socket operation.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) async throws {
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: CInt = 1
        setsockopt(fd, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        self.fd = fd
        let target = address
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<CInt, Never>) in
            self.queue.async {
                var address = target
                let result = withUnsafePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                continuation.resume(returning: result == 0 ? 0 : errno)
            }
        }
        guard result == 0 else {
            Glibc.close(fd)
            throw Failure(description: "connect failed: errno \(result)")
        }
    }

    deinit {
        Glibc.close(self.fd)
    }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) async throws {
        let failed = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            self.queue.async {
                var offset = 0
                while offset < bytes.count {
                    let written = bytes[offset...].withUnsafeBytes {
                        Glibc.send(self.fd, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL))
                    }
                    if written <= 0 {
                        continuation.resume(returning: true)
                        return
                    }
                    offset += written
                }
                continuation.resume(returning: false)
            }
        }
        if failed { throw Failure(description: "send failed") }
    }

    /// Sends frames.
    package func send(_ frames: [(FramePayload, UInt32)]) async throws {
        var bytes: [UInt8] = []
        for (payload, callID) in frames { Frame.encode(payload, callID: callID, into: &bytes) }
        try await self.send(bytes)
    }

    /// Sends the preface and SETTINGS, then reads the server's preface and SETTINGS.
    package func handshake(settings: ConnectionSettings = ConnectionSettings()) async throws {
        var bytes = ConnectionPreface().bytes
        Frame.encode(.settings(settings), callID: 0, into: &bytes)
        try await self.send(bytes)
        guard let frame = try await self.nextFrame(timeout: .seconds(5)) else {
            throw Failure(description: "connection closed during the handshake")
        }
        guard case .settings = try frame.decodePayload() else {
            throw Failure(description: "expected SETTINGS, got \(frame.kind)")
        }
    }

    /// What a read returned.
    package enum ReadResult: Sendable {
        case frame(Frame)
        case closed
        case timedOut
    }

    /// The next frame (after the server preface, which is checked and skipped), `nil` when the
    /// server closed the connection.
    ///
    /// - Throws: when nothing arrives within `timeout`.
    package func nextFrame(timeout: Duration = .seconds(5)) async throws -> Frame? {
        switch try await self.read(timeout: timeout) {
        case .frame(let frame): return frame
        case .closed: return nil
        case .timedOut: throw Failure(description: "no frame within \(timeout)")
        }
    }

    /// Reads the next frame, the close, or a timeout.
    package func read(timeout: Duration) async throws -> ReadResult {
        let deadline = ContinuousClock.now + timeout
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ReadResult, any Error>) in
            self.queue.async {
                do {
                    continuation.resume(returning: try self.readBlocking(deadline: deadline))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Reads frames until the server closes the connection (or `timeout`, which throws).
    package func framesUntilClosed(timeout: Duration = .seconds(5)) async throws -> [Frame] {
        let deadline = ContinuousClock.now + timeout
        var frames: [Frame] = []
        while true {
            switch try await self.read(timeout: deadline - ContinuousClock.now) {
            case .frame(let frame): frames.append(frame)
            case .closed: return frames
            case .timedOut: throw Failure(description: "the server did not close the connection within \(timeout)")
            }
        }
    }

    private func readBlocking(deadline: ContinuousClock.Instant) throws -> ReadResult {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if !self.hasPreface {
                if try self.decoder.nextPreface() != nil { self.hasPreface = true }
            }
            if self.hasPreface, let frame = try self.decoder.nextFrame() { return .frame(frame) }
            if ContinuousClock.now >= deadline { return .timedOut }
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(self.fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return .closed }
            if count < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { continue }
                if code == ECONNRESET { return .closed }
                throw Failure(description: "recv failed: errno \(code)")
            }
            self.decoder.append(Array(chunk[0..<count]))
        }
    }

    /// Half-closes the sending side (the server reads end of stream).
    public func shutdownWrite() {
        Glibc.shutdown(self.fd, CInt(SHUT_WR))
    }
}

/// A port on 127.0.0.1 with nothing listening, chosen below the kernel's ephemeral range
/// (`ip_local_port_range` starts at 32768 here) so that no port-0 server and no outgoing
/// connection of a test running in parallel can take it in the meantime.
public func unusedLocalPort() throws -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 20_000..<32_000)
        let fd = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result == 0 { return port }
    }
    throw RawConnection.Failure(description: "no free port found in 20000..<32000")
}
