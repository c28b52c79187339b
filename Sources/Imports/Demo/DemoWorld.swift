internal import PilotageProtocol
internal import Wire

/// How a demo client pays.
enum DemoPayer: CaseIterable, Sendable {
    case good, average, late, bad
}

/// How a demo client sends documents.
enum DemoActivity: Sendable {
    case normal, declining, inactive
}

/// The hidden profile of a demo client: what its records are generated from.
struct DemoClient: Sendable {
    var index: Int
    var id: String
    var office: String
    var region: Int
    var paymentMode: String
    var termsDays: Int
    var strategy: String
    var agent: String
    var since: CalendarDate
    var deactivatedOn: CalendarDate?
    var doubtful: Bool
    var payer: DemoPayer
    var activity: DemoActivity
    var frequency: SendingFrequency
    var feeLevelEuros: Int
    var documentCount = 0
    var installmentCount = 0
    var record: ClientRecord
}

/// Everything about the firm that the per-client generation needs: units, staff, strategies,
/// client profiles. Small (a few thousand entries even for the large firm).
struct DemoWorld: Sendable {
    var settings: FirmSettingsRecord
    var units: [OrganisationUnitRecord] = []
    var offices: [(id: String, region: Int)] = []
    var collaborators: [CollaboratorRecord] = []
    var agentsByRegion: [[String]] = []
    var allAgents: [String] = []
    var managersByOffice: [String: [String]] = [:]
    var allManagers: [String] = []
    var validatorsByRegion: [[String]] = []
    var collaboratorsByOffice: [String: [String]] = [:]
    var strategies: [CollectionStrategyRecord] = []
    var actionsByStrategy: [String: [StrategyAction]] = [:]
    var clients: [DemoClient] = []

    static let paymentModes: [(mode: String, terms: Int, weight: Double)] = [
        ("C", 30, 30), ("V30", 30, 35), ("N30", 30, 15), ("V45", 45, 10), ("PRLV", 15, 10),
    ]

    /// The seed's strategy (seed 004): mode C call −10 / mail +5 / letter +10, V30 call +2, N30 SMS +1.
    static let seedStrategy = CollectionStrategyRecord(
        id: "STRAT-SEED",
        name: "Relances par mode de règlement",
        actions: [
            StrategyAction(code: "C-APPEL", channel: .call, offsetDays: -10, paymentMode: "C"),
            StrategyAction(code: "C-MAIL", channel: .email, offsetDays: 5, paymentMode: "C"),
            StrategyAction(code: "C-COURRIER", channel: .letter, offsetDays: 10, paymentMode: "C"),
            StrategyAction(code: "V30-APPEL", channel: .call, offsetDays: 2, paymentMode: "V30"),
            StrategyAction(code: "N30-SMS", channel: .sms, offsetDays: 1, paymentMode: "N30"),
        ]
    )

    static let otherStrategies = [
        CollectionStrategyRecord(
            id: "STRAT-STD",
            name: "Relance standard",
            actions: [
                StrategyAction(code: "R1-MAIL", channel: .email, offsetDays: 7),
                StrategyAction(code: "R2-APPEL", channel: .call, offsetDays: 15),
                StrategyAction(code: "R3-COURRIER", channel: .letter, offsetDays: 30),
                StrategyAction(code: "R4-MISE-EN-DEMEURE", channel: .letter, offsetDays: 45),
            ]
        ),
        CollectionStrategyRecord(
            id: "STRAT-DOUCE",
            name: "Relance douce",
            actions: [
                StrategyAction(code: "D1-MAIL", channel: .email, offsetDays: -3),
                StrategyAction(code: "D2-SMS", channel: .sms, offsetDays: 10),
                StrategyAction(code: "D3-APPEL", channel: .call, offsetDays: 20),
            ]
        ),
    ]

    init(parameters p: DemoFirmParameters) {
        self.settings = FirmSettingsRecord(
            name: p.firmName,
            timeZone: "Europe/Paris",
            fiscalYearStartMonth: p.fiscalYearStartMonth,
            fiscalYearStartDay: 1,
            dsoWindowDays: 90,
            agedBucketBoundaries: [30, 60, 90, 120],
            provisionGridBasisPoints: [0, 0, 0, 0, 2_500, 5_000]
        )
        self.makeUnits(p)
        self.makeCollaborators(p)
        self.strategies = [Self.seedStrategy] + Self.otherStrategies
        for strategy in self.strategies { self.actionsByStrategy[strategy.id] = strategy.actions }
        self.makeClients(p)
    }

    // MARK: - Organisation

    private mutating func makeUnits(_ p: DemoFirmParameters) {
        var random = Xoshiro256(seed: p.seed, stream: 1, index: 0)
        var agencyRegion: [Int] = []
        for region in 0..<p.regions {
            let name =
                DemoNames.regions[region % DemoNames.regions.count]
                + (region >= DemoNames.regions.count ? " \(region + 1)" : "")
            self.units.append(
                OrganisationUnitRecord(id: DemoNames.id("REG-", region + 1, width: 2), name: name, kind: .region)
            )
        }
        var cities = DemoNames.cities
        for index in stride(from: cities.count - 1, to: 0, by: -1) { cities.swapAt(index, random.below(index + 1)) }
        for agency in 0..<p.agencies {
            let region = agency % p.regions
            agencyRegion.append(region)
            let city = cities[agency % cities.count]
            self.units.append(
                OrganisationUnitRecord(
                    id: DemoNames.id("AGE-", agency + 1, width: 3),
                    name: "Agence " + (Self.startsWithVowel(city) ? "d'" : "de ") + city
                        + (agency >= cities.count ? " \(agency + 1)" : ""),
                    kind: .agency,
                    parent: DemoNames.id("REG-", region + 1, width: 2)
                )
            )
        }
        for office in 0..<p.offices {
            let agency = office % p.agencies
            let city = cities[agency % cities.count]
            let id = DemoNames.id("BUR-", office + 1, width: 3)
            self.units.append(
                OrganisationUnitRecord(
                    id: id,
                    name: "Bureau \(city) \(DemoNames.districts[(office / p.agencies) % DemoNames.districts.count])",
                    kind: .office,
                    parent: DemoNames.id("AGE-", agency + 1, width: 3)
                )
            )
            self.offices.append((id, agencyRegion[agency]))
        }
    }

    private mutating func makeCollaborators(_ p: DemoFirmParameters) {
        self.agentsByRegion = Array(repeating: [], count: p.regions)
        self.validatorsByRegion = Array(repeating: [], count: p.regions)
        for index in 0..<p.collaborators {
            var random = Xoshiro256(seed: p.seed, stream: 2, index: UInt64(index))
            let office = self.offices[index % self.offices.count]
            var roles: [CollaboratorRole]
            switch index {
            case 0: roles = [.admin, .collectionManager]
            case 1: roles = [.offerValidator, .accountManager]
            case 2, 3: roles = [.agent]
            case 4..<(4 + p.regions): roles = [.offerValidator, .accountManager]
            default:
                let draw = random.unit()
                roles =
                    if draw < 0.06 {
                        [.collectionManager]
                    } else if draw < 0.2 {
                        [.agent]
                    } else if draw < 0.28 {
                        [.offerValidator, .accountManager]
                    } else if draw < 0.3 {
                        [.admin, .accountManager]
                    } else {
                        [.accountManager]
                    }
            }
            let id = DemoNames.id("COL-", index + 1, width: 4)
            let active = index < 4 + p.regions || !random.chance(0.05)
            self.collaborators.append(
                CollaboratorRecord(
                    id: id,
                    name: DemoNames.person(&random),
                    office: office.id,
                    roles: roles,
                    confidentialityGroup: DemoNames.id("GRP-", office.region + 1, width: 2),
                    active: active
                )
            )
            guard active else { continue }
            self.collaboratorsByOffice[office.id, default: []].append(id)
            if roles.contains(.agent) {
                self.agentsByRegion[office.region].append(id)
                self.allAgents.append(id)
            }
            if roles.contains(.accountManager) {
                self.managersByOffice[office.id, default: []].append(id)
                self.allManagers.append(id)
            }
            if roles.contains(.offerValidator) { self.validatorsByRegion[office.region].append(id) }
        }
    }

    // MARK: - Clients

    private mutating func makeClients(_ p: DemoFirmParameters) {
        let start = p.dataStart
        let period = start.days(until: p.today)
        var documentWeights: [Double] = []
        var installmentWeights: [Double] = []
        for index in 0..<p.clients {
            var random = Xoshiro256(seed: p.seed, stream: 3, index: UInt64(index))
            let office = self.offices[random.below(self.offices.count)]
            let mode = Self.paymentModes[random.weighted(Self.paymentModes.map(\.weight))]
            let strategy =
                ["C", "V30", "N30"].contains(mode.mode) && random.chance(0.65)
                ? Self.seedStrategy.id : random.pick(Self.otherStrategies).id
            let regionAgents = self.agentsByRegion[office.region]
            let agent = regionAgents.isEmpty ? random.pick(self.allAgents) : random.pick(regionAgents)
            let managers = self.managersByOffice[office.id] ?? self.allManagers
            var assigned = [random.pick(managers)]
            let extra = random.weighted([70, 25, 5])
            for _ in 0..<extra {
                let candidate = random.pick(random.chance(0.7) ? managers : self.allManagers)
                if !assigned.contains(candidate) { assigned.append(candidate) }
            }
            let doubtful = random.chance(0.03)
            let payer: DemoPayer = doubtful ? .bad : DemoPayer.allCases[random.weighted([55, 25, 14, 6])]
            let deactivatedOn = random.chance(0.05) ? start.advanced(by: 90 + random.below(max(1, period - 120))) : nil
            let activityDraw = random.unit()
            let activity: DemoActivity = activityDraw < 0.06 ? .inactive : activityDraw < 0.14 ? .declining : .normal
            let bookkeeping: BookkeepingMode = random.chance(0.75) ? .firm : .client
            let frequency = SendingFrequency.allCases[
                random.weighted(bookkeeping == .firm ? [60, 30, 10] : [40, 40, 20])
            ]
            let skew = random.unit()
            let feeLevel = 120 + Int(skew * skew * skew * 2_400)
            var since = random.chance(0.85) ? start : start.advanced(by: random.below(max(1, period - 30)))
            if let deactivatedOn, deactivatedOn < since.advanced(by: 60) { since = start }
            let name = DemoNames.company(&random)
            let creditLimit: Int64? = random.chance(0.4) ? Int64(max(1, feeLevel * 6 / 1_000)) * 100_000 : nil
            let id = DemoNames.id("CLI-", index + 1)
            let record = ClientRecord(
                id: id,
                name: name,
                practiceCode: DemoNames.id("DOS", index + 1),
                office: office.id,
                bookkeepingMode: bookkeeping,
                frequency: frequency,
                assignedCollaborators: assigned,
                collectionAgent: agent,
                strategy: strategy,
                paymentMode: mode.mode,
                paymentTermsDays: mode.terms,
                creditLimit: creditLimit,
                category: random.pick(DemoNames.categories),
                collectiveAccount: "411000",
                doubtful: doubtful,
                deactivated: deactivatedOn != nil
            )
            self.clients.append(
                DemoClient(
                    index: index,
                    id: id,
                    office: office.id,
                    region: office.region,
                    paymentMode: mode.mode,
                    termsDays: mode.terms,
                    strategy: strategy,
                    agent: agent,
                    since: since,
                    deactivatedOn: deactivatedOn,
                    doubtful: doubtful,
                    payer: payer,
                    activity: activity,
                    frequency: frequency,
                    feeLevelEuros: feeLevel,
                    record: record
                )
            )
            // Heavy-tailed volumes; shorter histories get proportionally less.
            let span = Double(since.days(until: deactivatedOn ?? p.today) + 1) / Double(period + 1)
            let volume = 0.15 + pow4(random.unit()) * 5
            documentWeights.append(volume * span * (frequency == .yearly ? 0.4 : 1))
            installmentWeights.append((0.5 + random.unit()) * span)
        }
        let documents = Self.apportion(p.documents, weights: documentWeights)
        let installments = Self.apportion(p.installments, weights: installmentWeights)
        for index in self.clients.indices {
            self.clients[index].documentCount = documents[index]
            self.clients[index].installmentCount = installments[index]
        }
    }

    private static func startsWithVowel(_ text: String) -> Bool {
        guard let first = text.first else { return false }
        return "AEIOUYÉÈÎ".contains(first)
    }

    /// Splits `total` over `weights` exactly (largest remainders, ties to the lower index).
    static func apportion(_ total: Int, weights: [Double]) -> [Int] {
        let sum = weights.reduce(0) { $0 + Swift.max(0, $1) }
        guard sum > 0, !weights.isEmpty else { return weights.map { _ in 0 } }
        let quotas = weights.map { Double(total) * Swift.max(0, $0) / sum }
        var counts = quotas.map { Int($0) }
        var left = total - counts.reduce(0, +)
        let order = quotas.indices.sorted {
            (quotas[$0] - Double(counts[$0]), -$0) > (quotas[$1] - Double(counts[$1]), -$1)
        }
        var position = 0
        while left > 0 {
            counts[order[position % order.count]] += 1
            left -= 1
            position += 1
        }
        return counts
    }
}

private func pow4(_ value: Double) -> Double {
    value * value * value * value
}
