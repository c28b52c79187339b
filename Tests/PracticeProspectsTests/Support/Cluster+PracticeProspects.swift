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

/// The practice and prospects calls of these suites.
extension Cluster {
    /// `Practice/Summary`.
    func practice(_ request: PracticeSummaryRequest = PracticeSummaryRequest(), user: String? = nil) async throws -> PracticeSummaryReply {
        try await self.client.unary(PracticeDashboardService.summary, request, metadata: self.metadata(user: user))
    }

    /// `Practice/Series`.
    func practiceSeries(_ request: SeriesRequest = SeriesRequest(), user: String? = nil) async throws -> SeriesReply {
        try await self.client.unary(PracticeDashboardService.series, request, metadata: self.metadata(user: user))
    }

    /// `Prospects/Summary`.
    func prospects(_ request: ProspectsSummaryRequest = ProspectsSummaryRequest(), user: String? = nil) async throws -> ProspectsSummaryReply {
        try await self.client.unary(ProspectsDashboardService.summary, request, metadata: self.metadata(user: user))
    }

    /// `Prospects/Series`.
    func prospectsSeries(_ request: SeriesRequest = SeriesRequest(), user: String? = nil) async throws -> SeriesReply {
        try await self.client.unary(ProspectsDashboardService.series, request, metadata: self.metadata(user: user))
    }

    /// `Prospects/Deals`.
    func deals(_ request: TableRequest = TableRequest(), user: String? = nil) async throws -> TableReply {
        try await self.client.unary(ProspectsDashboardService.deals, request, metadata: self.metadata(user: user))
    }

    /// `Prospects/ExportDeals`, the chunks joined.
    func exportDeals(_ request: TableRequest, user: String? = nil) async throws -> String {
        let stream = try await self.client.serverStreaming(ProspectsDashboardService.exportDeals, request, metadata: self.metadata(user: user))
        var text = ""
        for try await chunk in stream { text += chunk.text }
        return text
    }
}
