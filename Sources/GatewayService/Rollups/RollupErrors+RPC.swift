public import RPCCore
public import RollupStore
public import Rollups

// Rollup errors choose their status here, in the service layer.

extension RollupStoreError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        switch self.code {
        case .invalidCommit, .invalidRequest: .invalidArgument
        case .settingsChanged, .tooStale: .failedPrecondition
        default: .internalError
        }
    }

    public var rpcErrorMessage: String { self.message }
}

extension RollupError: RPCErrorConvertible {
    public var rpcErrorCode: RPCError.Code {
        self.code == .invalidPartition ? .invalidArgument : .internalError
    }

    public var rpcErrorMessage: String {
        self.rpcErrorCode == .internalError ? "internal rollup error: \(self.message)" : self.message
    }
}
