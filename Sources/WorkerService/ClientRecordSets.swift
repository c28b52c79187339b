public import PilotageProtocol
public import Rollups
public import Wire

/// Each client's decoded records, in the order they were added: what a client-group batch's
/// facts stream decodes to, chunk by chunk.
public struct ClientRecordSets: Sendable {
    private var sets: [String: ClientRecordSet] = [:]

    /// No records.
    public init() {}

    /// The records of `client`, if any arrived.
    public subscript(client: String) -> ClientRecordSet? {
        self.sets[client]
    }

    /// Number of clients with records.
    public var clientCount: Int { self.sets.count }

    /// Decodes one record of `client` and files it.
    ///
    /// - Throws: `WireError` when the payload does not decode as its kind.
    public mutating func add(client: String, kind: EntityKind, bytes: UnsafeRawBufferPointer, decoder: WireDecoder) throws(WireError) {
        try self.sets[client, default: ClientRecordSet()].add(kind: kind, bytes: bytes, decoder: decoder)
    }

    /// Appends the records of a later part of the stream after these, client by client.
    public mutating func append(contentsOf later: ClientRecordSets) {
        for (client, set) in later.sets {
            if self.sets[client] == nil {
                self.sets[client] = set
            } else {
                self.sets[client]?.append(contentsOf: set)
            }
        }
    }
}
