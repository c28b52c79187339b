public import RPCCore
public import Storage

// Storage errors choose their status here, in the service layer (style.md §2.5 item 6).

extension StorageError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self.code {
        case .invalidFirmID, .invalidArgument: .invalidArgument
        case .firmNotFound, .credentialNotFound: .notFound
        case .firmAlreadyExists: .alreadyExists
        case .leaseLost, .staleFence, .schemaTooNew: .failedPrecondition
        case .closed: .unavailable
        default: .internalError
        }
    }

    public var rpcErrorMessage: String {
        self.rpcErrorCode == .internalError ? "internal storage error" : self.message
    }
}

extension SQLiteError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self.code {
        case .busy, .locked: .unavailable
        default: .internalError
        }
    }

    public var rpcErrorMessage: String {
        self.rpcErrorCode == .unavailable ? "the firm's database is busy, retry" : "internal storage error"
    }
}
