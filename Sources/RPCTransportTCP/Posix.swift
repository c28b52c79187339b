internal import CRPCLinux
internal import Glibc

/// A failed system call: the `errno` value read immediately after the call, and the call's name.
public struct Errno: Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw `errno` value.
    public var rawValue: CInt
    /// The C function that failed (`connect`, `accept4`…).
    public var function: String

    /// Creates an error.
    public init(rawValue: CInt, function: String) {
        self.rawValue = rawValue
        self.function = function
    }

    /// `strerror` text.
    public var message: String {
        String(cString: strerror(self.rawValue))
    }

    public var description: String { "\(self.function): \(self.message) (errno \(self.rawValue))" }

    /// EAGAIN / EWOULDBLOCK: the non-blocking call would block.
    public var isWouldBlock: Bool { self.rawValue == EAGAIN || self.rawValue == EWOULDBLOCK }
}

/// The single choke point for the socket and epoll system calls: each libc function is wrapped
/// once, `EINTR` is retried, and `errno` is read right after the call into an ``Errno``.
enum Posix {
    /// Runs `call` until it does not fail with EINTR; a `-1` result becomes ``Errno``.
    @inline(__always)
    private static func retrying<Result: BinaryInteger>(
        _ function: String,
        _ call: () -> Result
    ) throws(Errno) -> Result {
        while true {
            let result = call()
            if result != -1 { return result }
            let code = errno
            if code == EINTR { continue }
            throw Errno(rawValue: code, function: function)
        }
    }

    /// The corresponding C function is `socket`.
    static func socket(domain: CInt, type: CInt, protocol: CInt) throws(Errno) -> CInt {
        try self.retrying("socket") { Glibc.socket(domain, type, `protocol`) }
    }

    /// The corresponding C function is `setsockopt`, for an `Int32` option.
    static func setOption(_ fd: CInt, level: CInt, name: CInt, value: CInt) throws(Errno) {
        var value = value
        _ = try self.retrying("setsockopt") {
            Glibc.setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<CInt>.size))
        }
    }

    /// The corresponding C function is `getsockopt(SOL_SOCKET, SO_ERROR)`.
    static func pendingError(_ fd: CInt) throws(Errno) -> CInt {
        var value: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        _ = try self.retrying("getsockopt") { Glibc.getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) }
        return value
    }

    /// The corresponding C function is `bind`.
    static func bind(_ fd: CInt, _ address: sockaddr_in) throws(Errno) {
        var address = address
        _ = try self.retrying("bind") {
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    /// The corresponding C function is `listen`.
    static func listen(_ fd: CInt, backlog: CInt) throws(Errno) {
        _ = try self.retrying("listen") { Glibc.listen(fd, backlog) }
    }

    /// The corresponding C function is `accept4` (non-blocking, close-on-exec); `nil` when no
    /// connection is pending.
    static func accept(_ fd: CInt) throws(Errno) -> (CInt, sockaddr_in)? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        do throws(Errno) {
            let client = try self.retrying("accept4") {
                withUnsafeMutablePointer(to: &address) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        CRPCLinux.accept4(fd, $0, &length, CInt(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
                    }
                }
            }
            return (client, address)
        } catch  where error.isWouldBlock || error.rawValue == ECONNABORTED {
            return nil
        }
    }

    /// The corresponding C function is `connect`; returns `false` when the connection is in
    /// progress (EINPROGRESS) on a non-blocking socket.
    static func connect(_ fd: CInt, _ address: sockaddr_in) throws(Errno) -> Bool {
        var address = address
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result == 0 { return true }
        let code = errno
        if code == EINPROGRESS || code == EINTR { return false }
        throw Errno(rawValue: code, function: "connect")
    }

    /// The corresponding C function is `getsockname`.
    static func localAddress(_ fd: CInt) throws(Errno) -> sockaddr_in {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = try self.retrying("getsockname") {
            withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.getsockname(fd, $0, &length) }
            }
        }
        return address
    }

    /// The corresponding C function is `read`; returns 0 at end of stream, `nil` when it would block.
    static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int? {
        do throws(Errno) {
            return try self.retrying("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
        } catch  where error.isWouldBlock {
            return nil
        }
    }

    /// The corresponding C function is `send` with `MSG_NOSIGNAL` (no SIGPIPE); returns 0 when it
    /// would block.
    static func send(_ fd: CInt, _ bytes: UnsafeRawBufferPointer) throws(Errno) -> Int {
        guard !bytes.isEmpty else { return 0 }
        do throws(Errno) {
            return try self.retrying("send") { Glibc.send(fd, bytes.baseAddress, bytes.count, CInt(MSG_NOSIGNAL)) }
        } catch  where error.isWouldBlock {
            return 0
        }
    }

    /// The corresponding C function is `close`; errors are ignored (the descriptor is gone either way).
    static func close(_ fd: CInt) {
        _ = Glibc.close(fd)
    }

    /// The corresponding C function is `shutdown(SHUT_RDWR)`.
    static func shutdown(_ fd: CInt) {
        _ = Glibc.shutdown(fd, CInt(SHUT_RDWR))
    }

    /// The corresponding C function is `epoll_create1(EPOLL_CLOEXEC)`.
    static func epollCreate() throws(Errno) -> CInt {
        try self.retrying("epoll_create1") { CRPCLinux.epoll_create1(CInt(EPOLL_CLOEXEC)) }
    }

    /// The corresponding C function is `epoll_ctl`.
    static func epollControl(_ epollFD: CInt, _ operation: CInt, _ fd: CInt, events: UInt32, data: UInt64) throws(Errno)
    {
        var event = epoll_event()
        event.events = events
        event.data.u64 = data
        _ = try self.retrying("epoll_ctl") { CRPCLinux.epoll_ctl(epollFD, operation, fd, &event) }
    }

    /// The corresponding C function is `epoll_wait`; EINTR returns 0 events.
    static func epollWait(
        _ epollFD: CInt,
        _ events: UnsafeMutableBufferPointer<epoll_event>,
        timeoutMilliseconds: CInt
    ) throws(Errno) -> Int {
        let result = CRPCLinux.epoll_wait(epollFD, events.baseAddress, CInt(events.count), timeoutMilliseconds)
        if result >= 0 { return Int(result) }
        let code = errno
        if code == EINTR { return 0 }
        throw Errno(rawValue: code, function: "epoll_wait")
    }

    /// The corresponding C function is `eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)`.
    static func eventFD() throws(Errno) -> CInt {
        try self.retrying("eventfd") { CRPCLinux.eventfd(0, CInt(EFD_NONBLOCK) | CInt(EFD_CLOEXEC)) }
    }

    /// The corresponding C function is `eventfd_write`; a full counter (EAGAIN) already means "signalled".
    static func eventFDSignal(_ fd: CInt) {
        _ = CRPCLinux.eventfd_write(fd, 1)
    }

    /// The corresponding C function is `eventfd_read`.
    static func eventFDDrain(_ fd: CInt) {
        var value: eventfd_t = 0
        _ = CRPCLinux.eventfd_read(fd, &value)
    }
}

extension sockaddr_in {
    /// Parses a dotted IPv4 address (`localhost` means 127.0.0.1).
    static func ipv4(host: String, port: Int) -> sockaddr_in? {
        guard (0...65535).contains(port) else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let literal = host == "localhost" ? "127.0.0.1" : host
        guard inet_pton(AF_INET, literal, &address.sin_addr) == 1 else { return nil }
        return address
    }

    /// `host:port` text.
    var text: String {
        var copy = self.sin_addr
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &copy, &buffer, socklen_t(INET_ADDRSTRLEN))
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(host):\(UInt16(bigEndian: self.sin_port))"
    }

    var port: Int { Int(UInt16(bigEndian: self.sin_port)) }

    var host: String {
        let text = self.text
        return String(text[..<(text.lastIndex(of: ":") ?? text.endIndex)])
    }
}
