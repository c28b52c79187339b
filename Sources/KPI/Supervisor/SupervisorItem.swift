public import Wire

/// Colour class of a supervisor item (seed 004): red for negative items (credit notes, unapplied
/// payments, prepayments), blue for items not yet due, black for overdue positive items.
public enum SupervisorColour: String, Hashable, Sendable, Codable, CaseIterable {
    /// Negative item.
    case red = "RED"
    /// Not yet due (dpd ≤ 0).
    case blue = "BLUE"
    /// Overdue positive item.
    case black = "BLACK"

    /// The colour of an item with `open` amount (negative for credits) and `daysPastDue`.
    public static func of(open: WideInt, daysPastDue: Int) -> SupervisorColour {
        if open < .zero { return .red }
        return daysPastDue <= 0 ? .blue : .black
    }
}

/// An action planned on an installment: the strategy action and its trigger date.
public struct PlannedAction: Hashable, Sendable, Codable {
    /// The strategy action.
    public var action: CollectionStrategyFact.Action
    /// `due_date + offset`.
    public var triggerDate: CalendarDate

    /// Creates a planned action.
    public init(action: CollectionStrategyFact.Action, triggerDate: CalendarDate) {
        self.action = action
        self.triggerDate = triggerDate
    }
}

/// One line of the supervisor or of the client receivables view.
public struct SupervisorItem: Hashable, Sendable, Codable {
    /// What the line is.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// An open installment (positive).
        case installment = "INSTALLMENT"
        /// An unapplied credit (negative): payment, credit note, prepayment …
        case credit = "CREDIT"
    }

    /// Installment or credit id.
    public var id: String
    /// Kind of line.
    public var kind: Kind
    /// Client id.
    public var client: String
    /// Client name.
    public var clientName: String
    /// Collection agent of the client.
    public var agent: String?
    /// Collective account of the client.
    public var collectiveAccount: String?
    /// Invoice (or credit document) reference.
    public var reference: String
    /// Due date (document date for a credit).
    public var dueDate: CalendarDate
    /// Open amount at D, cents; negative for a credit.
    public var open: WideInt
    /// Payment mode (the installment's, else the client's).
    public var paymentMode: String?
    /// Days past due at D.
    public var daysPastDue: Int
    /// Colour class.
    public var colour: SupervisorColour
    /// The next action, if any applicable action has no recorded outcome.
    public var nextAction: PlannedAction?

    /// Whether the next action is due at `date` (trigger date ≤ date).
    public func isDue(at date: CalendarDate) -> Bool {
        self.nextAction.map { $0.triggerDate <= date } ?? false
    }
}
