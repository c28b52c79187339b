public import KPI
public import PilotageProtocol

extension ClientFilterMessage {
    /// The KPI domain's filter (absent message: every active client).
    public var kpiFilter: ClientFilter {
        ClientFilter(
            collaborators: self.collaborators.map(Set.init),
            offices: self.offices.map(Set.init),
            bookkeepingMode: self.bookkeepingMode.map { $0 == .firm ? .firm : .client },
            frequency: self.frequency.map(FactMapper.frequency),
            includeDeactivated: self.includeDeactivated ?? false
        )
    }
}
