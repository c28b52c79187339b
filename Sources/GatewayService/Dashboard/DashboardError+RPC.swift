internal import Dashboards
internal import RPCCore

extension RPCError {
    /// The RPC status a dashboard error stands for, with its message.
    init(_ error: DashboardError) {
        let code: RPCError.Code =
            switch error.code {
            case .invalidArgument: .invalidArgument
            case .failedPrecondition: .failedPrecondition
            case .resourceExhausted: .resourceExhausted
            }
        self.init(code: code, message: error.message)
    }
}
