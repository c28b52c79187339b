/// The columns of a FEC file the importer reads (art. A47 A-1 LPF; the 19th `DateEcheance` is
/// the extra column our samples use for due dates; `Montant`/`Sens` is the legal alternative to
/// `Debit`/`Credit`).
package enum FECColumn: Int, CaseIterable, Sendable {
    case journalCode, journalLabel, entryNumber, entryDate, accountNumber, accountLabel
    case auxiliaryNumber, auxiliaryLabel, pieceReference, pieceDate, entryLabel
    case debit, credit, letteringCode, letteringDate, validationDate, currencyAmount, currency
    case dueDate, amount, direction

    /// Header name, lower-cased (headers are compared trimmed and case-insensitively).
    package var headerName: String {
        switch self {
        case .journalCode: "journalcode"
        case .journalLabel: "journallib"
        case .entryNumber: "ecriturenum"
        case .entryDate: "ecrituredate"
        case .accountNumber: "comptenum"
        case .accountLabel: "comptelib"
        case .auxiliaryNumber: "compauxnum"
        case .auxiliaryLabel: "compauxlib"
        case .pieceReference: "pieceref"
        case .pieceDate: "piecedate"
        case .entryLabel: "ecriturelib"
        case .debit: "debit"
        case .credit: "credit"
        case .letteringCode: "ecriturelet"
        case .letteringDate: "datelet"
        case .validationDate: "validdate"
        case .currencyAmount: "montantdevise"
        case .currency: "idevise"
        case .dueDate: "dateecheance"
        case .amount: "montant"
        case .direction: "sens"
        }
    }

    /// The spelling used in messages.
    package var displayName: String {
        switch self {
        case .journalCode: "JournalCode"
        case .journalLabel: "JournalLib"
        case .entryNumber: "EcritureNum"
        case .entryDate: "EcritureDate"
        case .accountNumber: "CompteNum"
        case .accountLabel: "CompteLib"
        case .auxiliaryNumber: "CompAuxNum"
        case .auxiliaryLabel: "CompAuxLib"
        case .pieceReference: "PieceRef"
        case .pieceDate: "PieceDate"
        case .entryLabel: "EcritureLib"
        case .debit: "Debit"
        case .credit: "Credit"
        case .letteringCode: "EcritureLet"
        case .letteringDate: "DateLet"
        case .validationDate: "ValidDate"
        case .currencyAmount: "Montantdevise"
        case .currency: "Idevise"
        case .dueDate: "DateEcheance"
        case .amount: "Montant"
        case .direction: "Sens"
        }
    }
}

/// The header line of a FEC file: separator and column positions.
package struct FECHeader: Sendable {
    /// The field separator byte.
    package var separator: UInt8
    /// Number of fields of the header (a trailing empty field from a trailing separator excluded).
    package var fieldCount: Int
    /// Whether the header ended with a separator (lines then carry one more, empty, field).
    package var hasTrailingSeparator: Bool
    /// Header names not recognised (extra columns are allowed after the 18th).
    package var extraColumns: [String]
    /// Index of each column, -1 when absent; indexed by `FECColumn.rawValue`.
    private var indices: [Int]

    /// Index of `column`, or `nil` when the file has no such column.
    package func index(of column: FECColumn) -> Int? {
        let index = self.indices[column.rawValue]
        return index >= 0 ? index : nil
    }

    /// Whether amounts come as `Montant` + `Sens` instead of `Debit` + `Credit`.
    package var usesAmountAndDirection: Bool {
        self.index(of: .debit) == nil && self.index(of: .amount) != nil
    }

    /// Human name of the separator.
    package var separatorName: String {
        switch self.separator {
        case 0x09: "tab"
        case 0x7C: "pipe"
        case 0x3B: "semicolon"
        default: "comma"
        }
    }

    /// Whether `line` looks like a FEC header (used to skip repeated headers of split files).
    package static func looksLikeHeader(_ line: ArraySlice<UInt8>) -> Bool {
        var bytes = line.drop(while: { $0 == 0x20 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF })
        bytes = bytes.prefix(11)
        return String(decoding: bytes, as: UTF8.self).lowercased() == "journalcode"
    }

    /// Reads the header line: detects the separator (tab, pipe, then `;` and `,`), maps the
    /// columns, and checks the required ones are there.
    ///
    /// - Throws: ``ImportError`` `.missingHeader` when the line is not a FEC header,
    ///   `.missingColumn` when a required column is absent.
    package static func parse(_ line: ArraySlice<UInt8>, source: String) throws -> FECHeader {
        let text = String(decoding: line, as: UTF8.self)
        for separator: UInt8 in [0x09, 0x7C, 0x3B, 0x2C] {
            var names = text.utf8.split(separator: separator, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self).trimmingSpaces().lowercased()
            }
            guard names.count >= 2, names.contains(FECColumn.journalCode.headerName),
                names.contains(FECColumn.accountNumber.headerName)
            else { continue }
            var hasTrailingSeparator = false
            if names.last == "" {
                names.removeLast()
                hasTrailingSeparator = true
            }
            var indices = [Int](repeating: -1, count: FECColumn.allCases.count)
            var extras: [String] = []
            for (position, name) in names.enumerated() {
                if let column = FECColumn.allCases.first(where: { $0.headerName == name }) {
                    if indices[column.rawValue] < 0 { indices[column.rawValue] = position }
                } else {
                    extras.append(name)
                }
            }
            let header = FECHeader(
                separator: separator,
                fieldCount: names.count,
                hasTrailingSeparator: hasTrailingSeparator,
                extraColumns: extras,
                indices: indices
            )
            var required: [FECColumn] = [.journalCode, .entryNumber, .entryDate, .accountNumber]
            required += header.usesAmountAndDirection ? [.amount, .direction] : [.debit, .credit]
            let missing = required.filter { header.index(of: $0) == nil }
            guard missing.isEmpty else {
                throw ImportError(
                    code: .missingColumn,
                    message: "\(source): the FEC header lacks "
                        + missing.map(\.displayName).joined(separator: ", ")
                )
            }
            return header
        }
        throw ImportError(
            code: .missingHeader,
            message: "\(source): the first line is not a FEC header "
                + "(expected JournalCode, JournalLib, EcritureNum … separated by tabs or pipes)"
        )
    }

    private init(separator: UInt8, fieldCount: Int, hasTrailingSeparator: Bool, extraColumns: [String], indices: [Int])
    {
        self.separator = separator
        self.fieldCount = fieldCount
        self.hasTrailingSeparator = hasTrailingSeparator
        self.extraColumns = extraColumns
        self.indices = indices
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces and tabs.
    package func trimmingSpaces() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) ?? first
        return String(scalars[first...last])
    }
}
