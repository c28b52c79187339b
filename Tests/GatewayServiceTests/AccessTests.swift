import Foundation
import GatewayService
import PilotageProtocol
import RPCCore
import Testing
import Wire

@Suite("Access over TCP")
struct AccessTests {
    /// Every non-open method of the gateway, from reflection, so a new service is covered automatically.
    static func tenantMethods(_ harness: GatewayHarness) async throws -> [String] {
        let services = try await harness.client.unary(ReflectionService.listServices, ListServicesRequest())
        return services.services.filter { AccessPolicy.audience(ofService: $0.name) == .tenant }
            .flatMap { service in service.methods.map { "\(service.name)/\($0)" } }
    }

    @Test("a back-office credential never reaches another firm, for every tenant method")
    func crossFirmDenied() async throws {
        try await GatewayHarness.with { harness in
            let firmA = try await harness.firm("a")
            _ = try await harness.firm("b")
            let methods = try await Self.tenantMethods(harness)
            #expect(methods.count >= 3)
            var onB = firmA
            onB = Metadata(onB.map { ($0.key, $0.key == MetadataKey.tenant ? "b" : $0.value) })
            for method in methods {
                // The request body is irrelevant: access is checked before the handler decodes it.
                let error = await #expect(throws: RPCError.self, "\(method)") {
                    _ = try await harness.client.rawUnary(method: method, request: Array("{}".utf8), metadata: onB)
                }
                #expect(error?.code == .permissionDenied, "\(method): \(String(describing: error))")
            }
            // Same for a firm that does not exist: denied, not NOT_FOUND (no probing of firm ids).
            let ghost = Metadata(firmA.map { ($0.key, $0.key == MetadataKey.tenant ? "ghost" : $0.value) })
            let error = await #expect(throws: RPCError.self) {
                _ = try await harness.client.unary(IngestionService.getLimits, GetLimitsRequest(), metadata: ghost)
            }
            #expect(error?.code == .permissionDenied)
        }
    }

    @Test("no, unknown, malformed or revoked credentials are UNAUTHENTICATED; wrong audience is PERMISSION_DENIED")
    func credentials() async throws {
        try await GatewayHarness.with { harness in
            let firm = try await harness.firm("a")
            let limits = IngestionService.getLimits
            func code(_ metadata: Metadata) async -> RPCError.Code? {
                do {
                    _ = try await harness.client.unary(limits, GetLimitsRequest(), metadata: metadata)
                    return nil
                } catch let error as RPCError {
                    return error.code
                } catch {
                    return .internalError
                }
            }
            #expect(await code(firm) == nil)
            #expect(await code([MetadataKey.tenant: "a"]) == .unauthenticated)
            #expect(await code([MetadataKey.tenant: "a", MetadataKey.authorization: "plt_nope_nope"]) == .unauthenticated)
            #expect(await code([MetadataKey.tenant: "a", MetadataKey.authorization: "garbage"]) == .unauthenticated)
            // Operators do not reach firm data; back-offices do not reach the operator service.
            #expect(await code([MetadataKey.tenant: "a", MetadataKey.authorization: harness.operatorToken]) == .permissionDenied)
            await #expect(throws: RPCError.self) {
                _ = try await harness.client.unary(OperatorService.listFirms, ListFirmsRequest(), metadata: firm)
            }
            // Revocation takes effect on the next call, even though the token was cached.
            let credentials = try await harness.client.unary(OperatorService.listCredentials, ListCredentialsRequest(), metadata: harness.operatorMetadata)
            let backOffice = try #require(credentials.credentials.first { $0.kind == .backOffice })
            _ = try await harness.client.unary(OperatorService.revokeCredential, RevokeCredentialRequest(credentialID: backOffice.credentialID), metadata: harness.operatorMetadata)
            #expect(await code(firm) == .unauthenticated)
        }
    }

    @Test("a suspended firm refuses tenant calls with FAILED_PRECONDITION until resumed")
    func suspension() async throws {
        try await GatewayHarness.with { harness in
            let firm = try await harness.firm("a")
            _ = try await harness.client.unary(OperatorService.setFirmStatus, SetFirmStatusRequest(firmID: "a", suspended: true), metadata: harness.operatorMetadata)
            let error = await #expect(throws: RPCError.self) {
                _ = try await harness.client.unary(IngestionService.getLimits, GetLimitsRequest(), metadata: firm)
            }
            #expect(error?.code == .failedPrecondition)
            _ = try await harness.client.unary(OperatorService.setFirmStatus, SetFirmStatusRequest(firmID: "a", suspended: false), metadata: harness.operatorMetadata)
            _ = try await harness.client.unary(IngestionService.getLimits, GetLimitsRequest(), metadata: firm)
        }
    }

    @Test("operator reports every firm's schema version, size and last ingestion; tokens are shown once")
    func operatorReport() async throws {
        try await GatewayHarness.with { harness in
            let firm = try await harness.firm("a")
            _ = try await harness.ingest([try row(ClientRecord(id: "C", name: "c"))], metadata: firm)
            let list = try await harness.client.unary(OperatorService.listFirms, ListFirmsRequest(), metadata: harness.operatorMetadata)
            let summary = try #require(list.firms.first)
            #expect(summary.firmID == "a" && summary.schemaVersion == summary.latestSchemaVersion)
            #expect((summary.fileBytes ?? 0) > 0 && summary.lastIngestionAt != nil)
            let catalog = try Data(contentsOf: harness.directory.appendingPathComponent("catalog.sqlite"))
            let wal = (try? Data(contentsOf: harness.directory.appendingPathComponent("catalog.sqlite-wal"))) ?? Data()
            let secret = try #require(firm[MetadataKey.authorization]?.split(separator: "_").last)
            #expect(catalog.range(of: Data(secret.utf8)) == nil && wal.range(of: Data(secret.utf8)) == nil)
        }
    }
}
