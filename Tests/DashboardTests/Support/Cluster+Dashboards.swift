import Foundation
import PilotageProtocol
import RPCCore
import RPCTransportTCP
import ServerSupport
import Storage
import Testing
import Wire
import WorkerService
import ProcessTestSupport

/// The receivables and client-table calls of these suites.
extension Cluster {
    /// `Receivables/Summary` acting as `user`.
    func summary(_ request: ReceivablesSummaryRequest, user: String?) async throws -> ReceivablesSummaryReply {
        try await self.client.unary(ReceivablesDashboardService.summary, request, metadata: self.metadata(user: user))
    }

    /// `Receivables/Series` acting as `user`.
    func series(_ request: SeriesRequest, user: String? = nil) async throws -> SeriesReply {
        try await self.client.unary(ReceivablesDashboardService.series, request, metadata: self.metadata(user: user))
    }

    /// `Clients/Page` acting as `user`.
    func page(_ request: TableRequest, user: String? = nil) async throws -> TableReply {
        try await self.client.unary(ClientsDashboardService.page, request, metadata: self.metadata(user: user))
    }

    /// `Clients/Export` acting as `user`: the chunks, in order.
    func export(_ request: TableRequest, user: String? = nil) async throws -> [String] {
        var chunks: [String] = []
        let stream = try await self.client.serverStreaming(ClientsDashboardService.export, request, metadata: self.metadata(user: user))
        for try await chunk in stream { chunks.append(chunk.text) }
        return chunks
    }

    /// Every page of a view, following the cursors (bounded).
    func allPages(_ request: TableRequest, user: String? = nil) async throws -> [TableReply] {
        var pages: [TableReply] = []
        var request = request
        for _ in 0..<1_000 {
            let page = try await self.page(request, user: user)
            pages.append(page)
            guard let next = page.nextCursor else { return pages }
            request.cursor = next
        }
        Issue.record("more than 1,000 pages")
        return pages
    }
}
