import Foundation
import Imports
import PilotageProtocol
import Wire

/// One record of each kind with every optional field set (to check field-name tables).
enum FullRecords {
    static let all: [RecordBatch] = [
        .firmSettings([
            FirmSettingsRecord(
                name: "C",
                timeZone: "Europe/Paris",
                fiscalYearStartMonth: 1,
                fiscalYearStartDay: 1,
                dsoWindowDays: 90,
                excludeDoubtfulFromDSO: false,
                prepaymentsAsUnapplied: false,
                agedBucketBoundaries: [30],
                riskDaysPastDue: 90,
                onTimeGraceDays: 0,
                forecastHistoryInstallments: 12,
                forecastMinimumInstallments: 2,
                forecastHorizonDays: 90,
                forecastMaxDaysPastDue: 365,
                provisionGridBasisPoints: [0],
                inactivityDays: 30,
                decliningRatioPercent: 50,
                decliningMinimumDocuments: 4,
                minimumDaysBetweenActions: 1
            )
        ]),
        .organisationUnits([OrganisationUnitRecord(id: "O", name: "N", kind: .office, parent: "P")]),
        .collaborators([
            CollaboratorRecord(
                id: "U",
                name: "N",
                office: "O",
                roles: [.agent],
                confidentialityGroup: "G",
                active: true
            )
        ]),
        .clients([
            ClientRecord(
                id: "C",
                name: "N",
                practiceCode: "P",
                office: "O",
                bookkeepingMode: .firm,
                frequency: .monthly,
                assignedCollaborators: ["U"],
                collectionAgent: "U",
                strategy: "S",
                paymentMode: "C",
                paymentTermsDays: 30,
                creditLimit: 1,
                category: "K",
                collectiveAccount: "411000",
                doubtful: false,
                deactivated: false
            )
        ]),
        .supplierRules([
            SupplierRuleRecord(id: "R", client: "C", supplier: "S", createdOn: day("2025-01-01"), autoPublish: true)
        ]),
        .documents([
            DocumentRecord(
                id: "D",
                client: "C",
                receivedOn: day("2025-01-01"),
                channel: .email,
                kind: .cost,
                supplier: "S",
                statusHistory: [.init(status: .toReview, on: day("2025-01-01"))],
                autoCategorised: true,
                autoPublished: true,
                amount: 1
            )
        ]),
        .installments([
            InstallmentRecord(
                id: "I",
                client: "C",
                invoiceID: "F",
                invoiceDate: day("2025-01-01"),
                dueDate: day("2025-01-31"),
                amount: 1,
                amountHT: 1,
                paymentMode: "C"
            )
        ]),
        .debitDocuments([DebitDocumentRecord(id: "B", kind: .refund, client: "C", date: day("2025-01-01"), amount: 1)]),
        .creditDocuments([
            CreditDocumentRecord(
                id: "K",
                kind: .creditNote,
                client: "C",
                date: day("2025-01-01"),
                amount: 1,
                amountHT: 1
            )
        ]),
        .allocations([
            AllocationRecord(
                id: "A",
                source: "K",
                target: "I",
                targetKind: .installment,
                amount: 1,
                recordedOn: day("2025-01-01"),
                method: .auto
            )
        ]),
        .disputes([
            DisputeRecord(
                id: "D",
                installment: "I",
                openedOn: day("2025-01-01"),
                resolvedOn: day("2025-01-02"),
                outcome: "O",
                reason: "R"
            )
        ]),
        .provisions([
            ProvisionRecord(
                id: "P",
                installment: "I",
                amountHT: 1,
                date: day("2025-01-01"),
                releasedOn: day("2025-01-02")
            )
        ]),
        .offLedgerExposures([
            OffLedgerExposureRecord(
                id: "E",
                client: "C",
                date: day("2025-01-01"),
                amount: 1,
                kind: "BILL",
                endsOn: day("2025-02-01")
            )
        ]),
        .collectionStrategies([
            CollectionStrategyRecord(
                id: "S",
                name: "N",
                actions: [StrategyAction(code: "A", channel: .sms, offsetDays: 1, paymentMode: "C")]
            )
        ]),
        .collectionEvents([
            CollectionEventRecord(
                id: "V",
                installment: "I",
                actionCode: "A",
                outcome: .modified,
                replacementCode: "B",
                actor: "U",
                at: Date(timeIntervalSince1970: 0),
                note: "N"
            )
        ]),
        .deals([
            DealRecord(
                id: "L",
                prospectName: "N",
                organisationUnit: "O",
                fiscalYear: 2025,
                team: DealTeam(partner: "U", manager: "U", clientLead: "U"),
                statusHistory: [.init(status: .open, on: day("2025-01-01"))]
            )
        ]),
        .offerDocuments([
            OfferDocumentRecord(
                id: "F",
                deal: "L",
                type: "T",
                template: "M",
                statusHistory: [.init(status: .sent, on: day("2025-01-01"))],
                signatory: "S",
                feesRecurringHT: 1,
                feesExceptionalHT: 1
            )
        ]),
    ]
}
