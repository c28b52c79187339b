import RPCCore
import Testing

@Suite("Status codes")
struct RPCStatusTests {
    static let table: [(String, UInt8)] = [
        ("OK", 0), ("CANCELLED", 1), ("INVALID_ARGUMENT", 3), ("DEADLINE_EXCEEDED", 4), ("NOT_FOUND", 5),
        ("ALREADY_EXISTS", 6), ("PERMISSION_DENIED", 7), ("RESOURCE_EXHAUSTED", 8), ("FAILED_PRECONDITION", 9),
        ("ABORTED", 10), ("UNIMPLEMENTED", 12), ("INTERNAL", 13), ("UNAVAILABLE", 14), ("UNAUTHENTICATED", 16),
    ]

    @Test("the closed set is exactly the 14 codes with gRPC numbers")
    func closedSet() {
        #expect(RPCStatus.Code.allCases.map(\.name) == Self.table.map(\.0))
        #expect(RPCStatus.Code.allCases.map(\.rawValue) == Self.table.map(\.1))
        #expect(RPCError.Code.allCases.count == 13)
    }

    @Test("names and numbers round-trip", arguments: Self.table)
    func roundTrip(name: String, number: UInt8) throws {
        let code = try #require(RPCStatus.Code(rawValue: number))
        #expect(code.name == name)
        #expect(RPCStatus.Code(name: name) == code)
    }

    @Test(
        "numbers outside the set are rejected, and a received one reads as INTERNAL",
        arguments: [2, 11, 15, 17, 255]
    )
    func unknownNumbers(number: UInt8) {
        #expect(RPCStatus.Code(rawValue: number) == nil)
        #expect(RPCStatus.Code(receivedRawValue: number) == .internalError)
    }

    @Test("RPCError cannot carry OK and compares without its cause")
    func errorSemantics() {
        #expect(RPCError(status: .ok) == nil)
        struct Boom: Error {}
        let a = RPCError(code: .notFound, message: "x", cause: Boom())
        let b = RPCError(code: .notFound, message: "x")
        #expect(a == b)
        #expect(a.status == RPCStatus(code: .notFound, message: "x"))
    }
}
