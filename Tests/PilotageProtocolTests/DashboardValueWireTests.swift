internal import PilotageProtocol
internal import Testing
internal import Wire

/// The hand-written Wire encodings of the dashboard leaf values write exactly the bytes of their
/// Codable conformances and read them back.
@Suite("Dashboard values on the wire: fast path = Codable bytes")
struct DashboardValueWireTests {
    static let values: [DashboardValue] = [
        DashboardValue(value: "42.5", exact: "85/2", decimals: 1, unit: "DAYS", reason: nil, flags: nil),
        DashboardValue(value: nil, exact: nil, decimals: 0, unit: "PERCENT", reason: "ZERO_DENOMINATOR", flags: ["PARTIAL_HISTORY"]),
        DashboardValue(value: "-1200", exact: nil, decimals: 2, unit: "CENTS", reason: nil, flags: []),
        DashboardValue(value: "0", exact: "0", decimals: 0, unit: "COUNT", reason: "NO_DATA", flags: ["A", "B"]),
    ]

    @Test("every optional present or absent: same bytes as Codable, round trip", arguments: Self.values)
    func value(_ value: DashboardValue) throws {
        let encoder = WireEncoder()
        #expect(try encoder.encode(value) == encoder.encodeWithoutFastPath(value))
        #expect(try WireDecoder().decode(DashboardValue.self, from: encoder.encodeWithoutFastPath(value)) == value)
        let named = NamedValue(name: "AR-DSO-STD", value: value)
        #expect(try encoder.encode(named) == encoder.encodeWithoutFastPath(named))
        #expect(try WireDecoder().decode(NamedValue.self, from: encoder.encode(named)) == named)
        let dated = DatedValue(date: try #require(CalendarDate("2025-06-30")), value: value)
        #expect(try encoder.encode(dated) == encoder.encodeWithoutFastPath(dated))
        #expect(try WireDecoder().decode(DatedValue.self, from: encoder.encode(dated)) == dated)
    }

    @Test("a series message with history decodes to what was encoded, through either path")
    func series() throws {
        let start = try #require(CalendarDate("2025-06-01"))
        let series = KPISeriesMessage(
            kpi: "AR-DSO-STD",
            history: Self.values.enumerated().map { DatedValue(date: start.advanced(by: $0.offset), value: $0.element) },
            trend: Self.values[0]
        )
        let encoder = WireEncoder()
        #expect(try encoder.encode(series) == encoder.encodeWithoutFastPath(series))
        #expect(try WireDecoder().decode(KPISeriesMessage.self, from: encoder.encode(series)) == series)
    }

    @Test("breakdown lines (team, aged balance by axis): same bytes as Codable, round trip, either order of fields")
    func breakdownLines() throws {
        let values = Self.values.enumerated().map { NamedValue(name: "V\($0.offset)", value: $0.element) }
        let team = TeamMemberMessage(collaborator: "marie", name: "Marie É.", clients: 42, values: values)
        let aged = AxisAgedMessage(axis: "OFFICE", key: "PAR", clients: 7, aged: Array(values.prefix(2)))
        let empty = AxisAgedMessage(axis: "COLLABORATOR", key: "-", clients: 0, aged: [])
        let encoder = WireEncoder()
        #expect(try encoder.encode(team) == encoder.encodeWithoutFastPath(team))
        #expect(try WireDecoder().decode(TeamMemberMessage.self, from: encoder.encode(team)) == team)
        for line in [aged, empty] {
            #expect(try encoder.encode(line) == encoder.encodeWithoutFastPath(line))
            #expect(try WireDecoder().decode(AxisAgedMessage.self, from: encoder.encode(line)) == line)
        }
        // Fields in another order (a future encoder), an unknown field: read like Codable.
        struct Reordered: Codable { var aged: [NamedValue]; var extra: Int; var clients: Int; var key: String; var axis: String }
        let reordered = try encoder.encode(Reordered(aged: aged.aged, extra: 1, clients: aged.clients, key: aged.key, axis: aged.axis))
        #expect(try WireDecoder().decode(AxisAgedMessage.self, from: reordered) == aged)
        struct Partial: Codable { var axis: String; var key: String; var aged: [NamedValue] }
        let partial = try encoder.encode(Partial(axis: "OFFICE", key: "PAR", aged: []))
        #expect(throws: WireError.self) { try WireDecoder().decode(AxisAgedMessage.self, from: partial) }
    }

    @Test("a value without its required fields is refused, not defaulted")
    func missingFields() throws {
        struct Partial: Codable { var value: String }
        let bytes = try WireEncoder().encode(Partial(value: "1"))
        #expect(throws: WireError.self) { try WireDecoder().decode(DashboardValue.self, from: bytes) }
    }
}
