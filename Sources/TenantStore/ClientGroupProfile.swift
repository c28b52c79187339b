public import PilotageProtocol

/// The filter profile of a client: every attribute a dashboard filter can select on.
/// Clients with equal profiles share one rollup group.
public struct ClientGroupProfile: Hashable, Sendable {
    /// Office (organisation unit id).
    public var office: String?
    /// Bookkeeping mode.
    public var bookkeepingMode: BookkeepingMode
    /// Declared sending frequency.
    public var frequency: SendingFrequency?
    /// Deactivated client.
    public var deactivated: Bool
    /// Assigned collaborators, sorted and without repeats.
    public var collaborators: [String]

    public init(office: String?, bookkeepingMode: BookkeepingMode, frequency: SendingFrequency?, deactivated: Bool, collaborators: [String]) {
        self.office = office
        self.bookkeepingMode = bookkeepingMode
        self.frequency = frequency
        self.deactivated = deactivated
        self.collaborators = Array(Set(collaborators)).sorted()
    }

    /// The profile of `client`.
    public init(_ client: ClientRecord) {
        self.init(
            office: client.office,
            bookkeepingMode: client.bookkeepingMode,
            frequency: client.frequency,
            deactivated: client.deactivated,
            collaborators: client.assignedCollaborators
        )
    }

    /// The profile of a client referenced by facts before its own record arrived (never
    /// happens after validation, kept for robustness): no office, firm-kept, no collaborator.
    public static let unknown = ClientGroupProfile(office: nil, bookkeepingMode: .firm, frequency: nil, deactivated: false, collaborators: [])

    /// A canonical text form, unique per profile (the `client_groups.profile` column).
    /// Fields are length-prefixed so that no id can collide with a separator.
    public var canonicalText: String {
        var parts: [String] = [
            self.office ?? "",
            self.bookkeepingMode.rawValue,
            self.frequency?.rawValue ?? "",
            self.deactivated ? "1" : "0",
        ]
        parts += self.collaborators
        return parts.map { "\($0.utf8.count):\($0)" }.joined()
    }
}
