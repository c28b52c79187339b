public import Foundation
public import Wire

/// A collection strategy: actions with an offset from the due date (kpi-definitions §8).
public struct CollectionStrategyFact: Hashable, Sendable, Codable {
    /// Channel of an action.
    public enum Channel: String, Hashable, Sendable, Codable, CaseIterable {
        /// A phone call.
        case call = "CALL"
        /// Sent by e-mail.
        case email = "EMAIL"
        /// A text message.
        case sms = "SMS"
        /// A letter.
        case letter = "LETTER"
    }

    /// One action of the strategy.
    public struct Action: Hashable, Sendable, Codable {
        /// Action code, unique within the strategy.
        public var code: String
        /// Channel.
        public var channel: Channel
        /// Days from the due date (negative = before).
        public var offsetDays: Int
        /// Only for installments with this payment mode; `nil` = every mode.
        public var paymentMode: String?

        /// Creates an action.
        public init(code: String, channel: Channel, offsetDays: Int, paymentMode: String? = nil) {
            self.code = code
            self.channel = channel
            self.offsetDays = offsetDays
            self.paymentMode = paymentMode
        }
    }

    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// Actions, in the firm's order.
    public var actions: [Action]

    /// Creates a strategy.
    public init(id: String, name: String = "", actions: [Action]) {
        self.id = id
        self.name = name
        self.actions = actions
    }
}

/// An outcome recorded for a collection action on an installment.
public struct CollectionEventFact: Hashable, Sendable, Codable {
    /// What was done.
    public enum Outcome: String, Hashable, Sendable, Codable, CaseIterable {
        /// The action was done.
        case validated = "VALIDATED"
        /// Another action (`replacementCode`) was done instead.
        case modified = "MODIFIED"
        /// The action is suspended.
        case ignored = "IGNORED"
        /// The item was printed (does not move the next action).
        case printed = "PRINTED"

        /// Whether this outcome settles the action (moves the next action forward).
        public var settlesAction: Bool {
            self != .printed
        }
    }

    /// External id.
    public var id: String
    /// Installment id.
    public var installment: String
    /// Action code of the strategy.
    public var actionCode: String
    /// Outcome.
    public var outcome: Outcome
    /// For MODIFIED: the action done instead.
    public var replacementCode: String?
    /// Collaborator who recorded it.
    public var actor: String
    /// Instant (UTC) it was recorded.
    public var at: Date
    /// Business date of `at` in the firm's time zone (mapped by the gateway), for periods.
    public var recordedOn: CalendarDate
    /// Free note.
    public var note: String?

    /// Creates an event.
    public init(
        id: String,
        installment: String,
        actionCode: String,
        outcome: Outcome,
        replacementCode: String? = nil,
        actor: String,
        at: Date,
        recordedOn: CalendarDate,
        note: String? = nil
    ) {
        self.id = id
        self.installment = installment
        self.actionCode = actionCode
        self.outcome = outcome
        self.replacementCode = replacementCode
        self.actor = actor
        self.at = at
        self.recordedOn = recordedOn
        self.note = note
    }
}

/// A member of the firm's staff, with the roles that drive visibility.
public struct CollaboratorFact: Hashable, Sendable, Codable {
    /// A role inside the firm.
    public enum Role: String, Hashable, Sendable, Codable, CaseIterable {
        /// Administrator.
        case admin = "ADMIN"
        /// Account manager.
        case accountManager = "ACCOUNT_MANAGER"
        /// Collection agent: sees the items of their clients.
        case agent = "AGENT"
        /// Collection manager (responsable): sees every agent's items.
        case collectionManager = "COLLECTION_MANAGER"
        /// May validate offers and filter prospects across their scope.
        case offerValidator = "OFFER_VALIDATOR"
    }

    /// External id.
    public var id: String
    /// Display name.
    public var name: String
    /// Office (organisation unit id).
    public var office: String?
    /// Roles.
    public var roles: Set<Role>
    /// Confidentiality group (prospects).
    public var confidentialityGroup: String?

    /// Creates a collaborator.
    public init(
        id: String,
        name: String = "",
        office: String? = nil,
        roles: Set<Role> = [],
        confidentialityGroup: String? = nil
    ) {
        self.id = id
        self.name = name
        self.office = office
        self.roles = roles
        self.confidentialityGroup = confidentialityGroup
    }
}
