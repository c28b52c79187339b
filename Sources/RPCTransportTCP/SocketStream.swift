internal import CRPCLinux
internal import Foundation
internal import Glibc
internal import RPCCore

/// A connected non-blocking TCP socket, read by its event loop and written from any thread.
final class SocketStream: RPCByteStream, EventLoopRegistrant, @unchecked Sendable {  // Safe: descriptor state under `lock`, `handler` loop-only.
    // @unchecked Sendable: `fd`, `isClosed`, `registrationID` and `isWatchingWritable` are
    // guarded by `lock` (writes from any thread must not race with the close that frees the
    // descriptor number); `handler` is set once in `start` on the loop and then read only there.

    let eventLoop: any RPCEventLoop
    let peerDescription: String
    private let loop: EventLoop
    private let lock = NSLock()
    private var fd: CInt
    private var isClosed = false
    private var registrationID: UInt64?
    private var isWatchingWritable = false
    private var handler: (any RPCByteStreamHandler)?
    private var isCloseDelivered = false

    init(fd: CInt, loop: EventLoop, peer: String) {
        self.fd = fd
        self.loop = loop
        self.eventLoop = loop
        self.peerDescription = peer
    }

    func start(handler: any RPCByteStreamHandler) {
        self.loop.execute {
            self.handler = handler
            let fd = self.lock.withLock { self.isClosed ? nil : self.fd }
            guard let fd else {
                self.deliverClose(error: nil)
                return
            }
            do {
                let id = try self.loop.register(fd, events: Self.readEvents, registrant: self)
                self.lock.withLock { self.registrationID = id }
            } catch {
                self.closeOnLoop(error: error)
            }
        }
    }

    private static let readEvents = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    private static let readWriteEvents = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLOUT.rawValue

    // MARK: - Writing (any thread)

    func writeSome(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        self.lock.lock()
        defer { self.lock.unlock() }
        guard !self.isClosed else { throw Errno(rawValue: EPIPE, function: "send") }
        let written = try Posix.send(self.fd, bytes)
        if written < bytes.count, !self.isWatchingWritable, let id = self.registrationID {
            self.isWatchingWritable = true
            try? self.loop.reregister(self.fd, id: id, events: Self.readWriteEvents)
        }
        return written
    }

    // MARK: - Events (loop thread)

    func handleEvents(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 {
            self.lock.withLock {
                if self.isWatchingWritable, !self.isClosed, let id = self.registrationID {
                    self.isWatchingWritable = false
                    try? self.loop.reregister(self.fd, id: id, events: Self.readEvents)
                }
            }
            self.handler?.streamBecameWritable()
        }
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            self.readAvailable()
        }
    }

    private func readAvailable() {
        // Bounded: a fast peer cannot monopolise the loop; level-triggered epoll brings us back.
        for _ in 0..<16 {
            let fd = self.lock.withLock { self.isClosed ? nil : self.fd }
            guard let fd else { return }
            let count: Int?
            do {
                count = try Posix.read(fd, into: self.loop.scratch)
            } catch {
                self.closeOnLoop(error: error)
                return
            }
            guard let count else { return }
            if count == 0 {
                self.closeOnLoop(error: nil)
                return
            }
            let bytes = [UInt8](UnsafeRawBufferPointer(rebasing: self.loop.scratch[0..<count]))
            self.handler?.streamReceived(bytes)
            if count < self.loop.scratch.count { return }
        }
    }

    // MARK: - Closing

    func close() {
        if self.loop.inEventLoop {
            self.closeOnLoop(error: nil)
        } else {
            self.loop.execute { self.closeOnLoop(error: nil) }
        }
    }

    private func closeOnLoop(error: (any Error)?) {
        let closed = self.lock.withLock { () -> (CInt, UInt64?)? in
            guard !self.isClosed else { return nil }
            self.isClosed = true
            return (self.fd, self.registrationID)
        }
        guard let (fd, id) = closed else { return }
        if let id { self.loop.deregister(fd, id: id) }
        // Hold the lock around close so no writer uses a recycled descriptor number.
        self.lock.withLock {
            Posix.close(fd)
            self.fd = -1
        }
        self.deliverClose(error: error)
    }

    private func deliverClose(error: (any Error)?) {
        guard !self.isCloseDelivered, let handler = self.handler else { return }
        self.isCloseDelivered = true
        handler.streamClosed(error: error)
    }
}
