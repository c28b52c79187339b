import Foundation
import PilotageProtocol
import Wire
import ProcessTestSupport

/// The seed's example (seed 004): one strategy, payment mode C: call 10 days before the due date,
/// e-mail 5 days after, letter 10 days after; V30: call 2 days after; N30: SMS the day after.
///
/// Clients (ingested without strategy: the tests assign it over RPC):
/// - K1 "Boulangerie Martin", mode C, agent alice, collective 411000: I1 due 2025-03-20 (1,200 €),
///   I4 due 2025-03-25 (600 €), an unapplied payment P1 of 100 € (a red item);
/// - K2 "SARL Dupuis", mode V30, agent bob, collective 411100: I2 due 2025-03-20 (2,400 €);
/// - K3 "SCI Horizon", mode N30, agent alice, collective 411000: I3 due 2025-03-20 (300 €).
///
/// Staff: alice and bob are agents, carla the collection manager, dan an account manager.
enum SeedExample {
    /// The business date of the gateway (a Monday).
    static let today = "2025-03-31"

    static let strategy = CollectionStrategyRecord(
        id: "STD",
        name: "Relance standard",
        actions: [
            StrategyAction(code: "C-APPEL", channel: .call, offsetDays: -10, paymentMode: "C"),
            StrategyAction(code: "C-MAIL", channel: .email, offsetDays: 5, paymentMode: "C"),
            StrategyAction(code: "C-COURRIER", channel: .letter, offsetDays: 10, paymentMode: "C"),
            StrategyAction(code: "V30-APPEL", channel: .call, offsetDays: 2, paymentMode: "V30"),
            StrategyAction(code: "N30-SMS", channel: .sms, offsetDays: 1, paymentMode: "N30"),
        ]
    )

    static func records(minimumDaysBetweenActions: Int? = nil) -> [any IngestibleRecord] {
        [
            FirmSettingsRecord(
                name: "Cabinet Démo",
                timeZone: "Europe/Paris",
                fiscalYearStartMonth: 1,
                fiscalYearStartDay: 1,
                minimumDaysBetweenActions: minimumDaysBetweenActions
            ),
            CollaboratorRecord(id: "alice", name: "Alice Agent", roles: [.agent]),
            CollaboratorRecord(id: "bob", name: "Bob Agent", roles: [.agent]),
            CollaboratorRecord(id: "carla", name: "Carla Responsable", roles: [.collectionManager]),
            CollaboratorRecord(id: "dan", name: "Dan Manager", roles: [.accountManager]),
            ClientRecord(id: "K1", name: "Boulangerie Martin", collectionAgent: "alice", paymentMode: "C", collectiveAccount: "411000"),
            ClientRecord(id: "K2", name: "SARL Dupuis", collectionAgent: "bob", paymentMode: "V30", collectiveAccount: "411100"),
            ClientRecord(id: "K3", name: "SCI Horizon", collectionAgent: "alice", paymentMode: "N30", collectiveAccount: "411000"),
            Self.installment("I1", client: "K1", due: "2025-03-20", euros: 1_200),
            Self.installment("I4", client: "K1", due: "2025-03-25", euros: 600),
            Self.installment("I2", client: "K2", due: "2025-03-20", euros: 2_400),
            Self.installment("I3", client: "K3", due: "2025-03-20", euros: 300),
            CreditDocumentRecord(id: "P1", kind: .payment, client: "K1", date: day("2025-03-01"), amount: eur(100)),
        ]
    }

    static func installment(_ id: String, client: String, due: String, euros: Int64) -> InstallmentRecord {
        let dueDate = day(due)
        return InstallmentRecord(
            id: id,
            client: client,
            invoiceID: "F-\(id)",
            invoiceDate: dueDate.advanced(by: -30),
            dueDate: dueDate,
            amount: eur(euros),
            amountHT: eur(euros) * 5 / 6
        )
    }
}
