/// The version of the KPI contract this module implements; every reply carries it.
public enum KPIDefinitions {
    /// `kpi-definitions v1.1`: §1–§9 plus the FEC and short-history rules of §10.
    public static let version = "kpi-definitions v1.1"
}
