public import Wire

/// Where ``ReceivablesKPI`` gets **merged** parts for the current selection of clients.
///
/// The gateway implements it over stored rollups (sum of the selected client groups' parts,
/// flows summed over the days/buckets of the period); ``ReceivablesRollup`` and
/// ``MaterializedReceivablesParts`` are the in-memory versions; ``ReceivablesPartsCalculator`` computes the parts from facts directly.
public protocol ReceivablesPartsSource {
    /// Merged snapshot parts at the end of `date`.
    func snapshot(at date: CalendarDate) -> ReceivablesSnapshot
    /// Merged flow parts over `period`.
    func flow(over period: Period) -> ReceivablesFlow
    /// Merged AR-REC-RATE parts of `period`.
    func collectionRate(over period: Period) -> CollectionRateParts
    /// Merged AR-FCST parts at `date`.
    func forecast(asOf date: CalendarDate) -> ForecastParts
}

extension ReceivablesPartsCalculator: ReceivablesPartsSource {}
