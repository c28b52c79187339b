/// The filter profile of a client: what dashboard filters look at (kpi-definitions §1.5, §7).
///
/// Rollups store parts per **client group** = clients sharing the same profile. Every filter is
/// a predicate on profiles, so a filtered total is the sum of whole groups, each client counted
/// once; a per-collaborator breakdown sums the groups whose `collaborators` contain that
/// collaborator (so a breakdown may sum to more than the total).
public struct ClientProfile: Hashable, Sendable, Codable {
    /// Office id.
    public var office: String?
    /// Bookkeeping mode.
    public var bookkeepingMode: ClientFact.BookkeepingMode
    /// Declared frequency (monthly when the client declares none).
    public var frequency: ClientFact.Frequency
    /// Deactivated file.
    public var deactivated: Bool
    /// The *set* of assigned collaborators.
    public var collaborators: Set<String>

    /// Creates a profile.
    public init(
        office: String?,
        bookkeepingMode: ClientFact.BookkeepingMode,
        frequency: ClientFact.Frequency,
        deactivated: Bool,
        collaborators: Set<String>
    ) {
        self.office = office
        self.bookkeepingMode = bookkeepingMode
        self.frequency = frequency
        self.deactivated = deactivated
        self.collaborators = collaborators
    }

    /// A stable text key for storage (`office|mode|frequency|deactivated|c1,c2`), collaborators
    /// sorted; fields are escaped so distinct profiles never share a key.
    public var groupKey: String {
        func escape(_ text: String) -> String {
            var escaped = ""
            for character in text {
                if character == "\\" || character == "|" || character == "," || character == "=" {
                    escaped.append("\\")
                }
                escaped.append(character)
            }
            return escaped
        }
        let office = self.office.map { "=" + escape($0) } ?? "-"
        return [
            office,
            self.bookkeepingMode.rawValue,
            self.frequency.rawValue,
            self.deactivated ? "1" : "0",
            self.collaborators.sorted().map(escape).joined(separator: ","),
        ].joined(separator: "|")
    }
}

/// A dashboard filter: selects client groups by profile (kpi-definitions §1.5). `nil` fields do
/// not filter; deactivated clients are excluded unless `includeDeactivated`.
public struct ClientFilter: Hashable, Sendable, Codable {
    /// Clients having **any** of these collaborators assigned.
    public var collaborators: Set<String>?
    /// Clients of any of these offices.
    public var offices: Set<String>?
    /// Clients with this bookkeeping mode.
    public var bookkeepingMode: ClientFact.BookkeepingMode?
    /// Clients with this declared frequency.
    public var frequency: ClientFact.Frequency?
    /// Include deactivated clients (default false).
    public var includeDeactivated: Bool

    /// Creates a filter; with no argument it selects every active client.
    public init(
        collaborators: Set<String>? = nil,
        offices: Set<String>? = nil,
        bookkeepingMode: ClientFact.BookkeepingMode? = nil,
        frequency: ClientFact.Frequency? = nil,
        includeDeactivated: Bool = false
    ) {
        self.collaborators = collaborators
        self.offices = offices
        self.bookkeepingMode = bookkeepingMode
        self.frequency = frequency
        self.includeDeactivated = includeDeactivated
    }

    /// Whether a client with `profile` is selected. The comparisons come first and the set
    /// look-ups last (dashboards match every group of a firm per answer).
    public func matches(_ profile: ClientProfile) -> Bool {
        if profile.deactivated && !self.includeDeactivated { return false }
        if let mode = self.bookkeepingMode, profile.bookkeepingMode != mode { return false }
        if let frequency = self.frequency, profile.frequency != frequency { return false }
        if let offices = self.offices {
            guard let office = profile.office, offices.contains(office) else { return false }
        }
        if let collaborators = self.collaborators {
            return profile.collaborators.contains { collaborators.contains($0) }
        }
        return true
    }
}
