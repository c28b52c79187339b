/// A connection of its own for a ``Database`` helper actor (a reader, the checkpointer): the
/// file and options it opens with, and the connection once opened. Owned by one actor, whose
/// queue is the only one to touch it.
struct LazyConnection {
    /// The database file.
    let path: String
    /// The options it opens with.
    let options: SQLiteConnection.Options
    /// Interrupts the connection's running statement (a reader's cancellation).
    let interrupt: InterruptHandle
    private var connection: SQLiteConnection?

    /// `options` as the helper needs them: read-write without creating the file or switching its
    /// journal mode (the writer did both at open), `query_only` for a reader.
    init(path: String, options: SQLiteConnection.Options, queryOnly: Bool, interrupt: InterruptHandle = InterruptHandle()) {
        var options = options
        options.access = .readWrite(create: false)
        options.enablesWAL = false
        options.queryOnly = queryOnly
        self.path = path
        self.options = options
        self.interrupt = interrupt
    }

    /// The connection, opened on first use.
    mutating func open() throws -> SQLiteConnection {
        if let connection = self.connection { return connection }
        let connection = try SQLiteConnection(path: self.path, options: self.options, interruptHandle: self.interrupt)
        self.connection = connection
        return connection
    }

    /// Closes the connection (the next ``open()`` opens it again).
    mutating func close() {
        self.connection?.close()
        self.connection = nil
    }
}
