// Closed value sets of the data contract. On the wire and in JSON/CSV they are the upper-case
// strings of `data-contract.md`; an unknown string is rejected with `BAD_VALUE`.

/// The kinds of record a firm sends, as named in JSON lines (`{"kind": "installment", …}`) and CSV file names.
public enum EntityKind: String, Codable, CaseIterable, Sendable, Hashable {
    case firmSettings = "firm_settings"
    case organisationUnit = "organisation_unit"
    case collaborator
    case client
    case supplierRule = "supplier_rule"
    case document
    case installment
    case debitDocument = "debit_document"
    case creditDocument = "credit_document"
    case allocation
    case dispute
    case provision
    case offLedgerExposure = "off_ledger_exposure"
    case collectionStrategy = "collection_strategy"
    case collectionEvent = "collection_event"
    case deal
    case offerDocument = "offer_document"
}

/// A collaborator's roles inside the firm; they drive visibility (kpi-definitions §8, §9).
public enum CollaboratorRole: String, Codable, CaseIterable, Sendable, Hashable {
    case admin = "ADMIN"
    case accountManager = "ACCOUNT_MANAGER"
    case agent = "AGENT"
    case collectionManager = "COLLECTION_MANAGER"
    case offerValidator = "OFFER_VALIDATOR"
}

/// Kind of an organisation unit (region → agency → office).
public enum OrganisationUnitKind: String, Codable, CaseIterable, Sendable, Hashable {
    case region = "REGION"
    case agency = "AGENCY"
    case office = "OFFICE"
}

/// Who keeps a client's books ("tenue"): the firm or the client.
public enum BookkeepingMode: String, Codable, CaseIterable, Sendable, Hashable {
    case firm = "FIRM"
    case client = "CLIENT"
}

/// Declared frequency at which a client sends documents.
public enum SendingFrequency: String, Codable, CaseIterable, Sendable, Hashable {
    case monthly = "MONTHLY"
    case quarterly = "QUARTERLY"
    case yearly = "YEARLY"
}

/// Channel through which a document reached the firm.
public enum DocumentChannel: String, Codable, CaseIterable, Sendable, Hashable {
    case email = "EMAIL"
    case upload = "UPLOAD"
    case mobile = "MOBILE"
    case bankFeed = "BANK_FEED"
    case supplierFetch = "SUPPLIER_FETCH"
    case paper = "PAPER"
    case api = "API"
}

/// Nature of a client document.
public enum DocumentKind: String, Codable, CaseIterable, Sendable, Hashable {
    case cost = "COST"
    case sale = "SALE"
    case expense = "EXPENSE"
}

/// Processing status of a document: `TO_REVIEW` → `READY` → `PUBLISHED`, or `DELETED`.
public enum DocumentStatus: String, Codable, CaseIterable, Sendable, Hashable {
    case toReview = "TO_REVIEW"
    case ready = "READY"
    case published = "PUBLISHED"
    case deleted = "DELETED"
}

/// Debit documents other than invoice installments: they increase the receivable, never count as sales.
public enum DebitDocumentKind: String, Codable, CaseIterable, Sendable, Hashable {
    case refund = "REFUND"
    case debitAdjustment = "DEBIT_ADJUSTMENT"
}

/// Credit documents: they reduce the receivable.
public enum CreditDocumentKind: String, Codable, CaseIterable, Sendable, Hashable {
    case payment = "PAYMENT"
    case creditNote = "CREDIT_NOTE"
    case writeOff = "WRITE_OFF"
    case adjustment = "ADJUSTMENT"
    case prepayment = "PREPAYMENT"
}

/// What an allocation settles: an invoice installment (the default) or a debit document.
public enum AllocationTargetKind: String, Codable, CaseIterable, Sendable, Hashable {
    case installment = "INSTALLMENT"
    case debitDocument = "DEBIT_DOCUMENT"
}

/// How a matching (lettrage) was made.
public enum AllocationMethod: String, Codable, CaseIterable, Sendable, Hashable {
    case auto = "AUTO"
    case manual = "MANUAL"
}

/// Channel of a collection action.
public enum ActionChannel: String, Codable, CaseIterable, Sendable, Hashable {
    case call = "CALL"
    case email = "EMAIL"
    case sms = "SMS"
    case letter = "LETTER"
}

/// Outcome recorded on an installment for a collection action.
public enum CollectionOutcome: String, Codable, CaseIterable, Sendable, Hashable {
    case validated = "VALIDATED"
    case modified = "MODIFIED"
    case ignored = "IGNORED"
    case printed = "PRINTED"
}

/// Status of a prospect deal.
public enum DealStatus: String, Codable, CaseIterable, Sendable, Hashable {
    case open = "OPEN"
    case won = "WON"
    case abandoned = "ABANDONED"
}

/// Status of an offer document (lettre de mission, proposition).
public enum OfferStatus: String, Codable, CaseIterable, Sendable, Hashable {
    case draft = "DRAFT"
    case sent = "SENT"
    case signed = "SIGNED"
    case refused = "REFUSED"
}
