public import Foundation
public import KPI
internal import Wire

/// The printable document of a supervisor selection (seed 004 "Impression des échéances"): one
/// self-contained HTML page, grouped as the current grouping, with a subtotal per group, the colour
/// class of every item and a grand total. Every text is HTML-escaped.
public struct SupervisorDocument: Sendable {
    /// Title printed at the top.
    public var title: String
    /// Firm name, if known.
    public var firm: String?
    /// Who printed.
    public var actor: String
    /// When (UTC).
    public var printedAt: Date
    /// The groups to print.
    public var groups: [SupervisorGroup]

    /// Creates a document.
    public init(title: String, firm: String?, actor: String, printedAt: Date, groups: [SupervisorGroup]) {
        self.title = title
        self.firm = firm
        self.actor = actor
        self.printedAt = printedAt
        self.groups = groups
    }

    /// The HTML page.
    public var html: String {
        let total = self.groups.reduce(WideInt.zero) { $0 + $1.subtotal }
        let count = self.groups.reduce(0) { $0 + $1.count }
        var html = """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>\(Self.escape(self.title))</title>
            <style>
            body{font-family:sans-serif;font-size:11pt;margin:1.5cm}
            table{border-collapse:collapse;width:100%;margin-bottom:1em}
            th,td{border-bottom:1px solid #ccc;padding:2px 6px;text-align:left}
            td.amount,th.amount{text-align:right}
            tr.RED td{color:#c00}tr.BLUE td{color:#00c}tr.BLACK td{color:#000}
            tr.subtotal td{font-weight:bold;border-top:1px solid #000}
            h2{font-size:13pt;margin:1em 0 .3em}h3{font-size:12pt;margin:.6em 0 .2em 1em}
            @media print{h2{page-break-after:avoid}}
            </style></head><body>
            <h1>\(Self.escape(self.title))</h1>
            <p class="meta">\(self.firm.map { Self.escape($0) + " — " } ?? "")imprimé par \(Self.escape(self.actor)) le \(Self.instant(self.printedAt)) — \(count) échéance(s), total \(Self.amount(total))</p>

            """
        for group in self.groups {
            html += "<section class=\"group\" data-key=\"\(Self.escape(group.key))\">\n"
            html += "<h2>\(Self.escape(group.label)) — \(group.count) échéance(s), \(Self.amount(group.subtotal))</h2>\n"
            if group.subgroups.isEmpty {
                html += Self.table(group.items, subtotal: group.subtotal)
            } else {
                for subgroup in group.subgroups {
                    html += "<h3>\(Self.escape(subgroup.label)) — \(subgroup.count) échéance(s)</h3>\n"
                    html += Self.table(subgroup.items, subtotal: subgroup.subtotal)
                }
            }
            html += "</section>\n"
        }
        html += "<p class=\"total\">Total : \(Self.amount(total))</p>\n</body></html>\n"
        return html
    }

    private static func table(_ items: [SupervisorItem], subtotal: WideInt) -> String {
        var html = """
            <table><thead><tr><th>Client</th><th>Échéance</th><th>Pièce</th><th>Date d'échéance</th>\
            <th class="amount">Montant ouvert</th><th>Mode</th><th>Retard (j)</th><th>Action</th><th>Canal</th><th>Déclenchement</th></tr></thead><tbody>

            """
        for item in items {
            html += "<tr class=\"\(item.colour.rawValue)\" data-item=\"\(Self.escape(item.id))\">"
            let cells = [
                Self.escape(item.clientName), Self.escape(item.id), Self.escape(item.reference), item.dueDate.description,
            ]
            html += cells.map { "<td>\($0)</td>" }.joined()
            html += "<td class=\"amount\">\(Self.amount(item.open))</td>"
            html += "<td>\(Self.escape(item.paymentMode ?? ""))</td><td>\(item.daysPastDue)</td>"
            html += "<td>\(Self.escape(item.nextAction?.action.code ?? ""))</td>"
            html += "<td>\(item.nextAction?.action.channel.rawValue ?? "")</td>"
            html += "<td>\(item.nextAction?.triggerDate.description ?? "")</td></tr>\n"
        }
        html += "<tr class=\"subtotal\"><td colspan=\"4\">Sous-total</td><td class=\"amount\">\(Self.amount(subtotal))</td><td colspan=\"5\"></td></tr>\n"
        html += "</tbody></table>\n"
        return html
    }

    /// `1 234,56 €` from cents.
    static func amount(_ cents: WideInt) -> String {
        let value = SupervisorBoard.cents(cents)
        let negative = value < 0
        let magnitude = value.magnitude
        let euros = String(magnitude / 100)
        var grouped = ""
        for (index, character) in euros.enumerated() {
            if index > 0, (euros.count - index) % 3 == 0 { grouped += "\u{202F}" }
            grouped.append(character)
        }
        let centsText = String(magnitude % 100)
        return "\(negative ? "-" : "")\(grouped),\(centsText.count == 1 ? "0" : "")\(centsText) €"
    }

    /// `2025-03-31 14:05 UTC`.
    static func instant(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        let day = CalendarDate(daysSinceEpoch: Int32(clamping: days))?.description ?? "?"
        let hours = rest / 3600
        let minutes = (rest % 3600) / 60
        return "\(day) \(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes) UTC"
    }

    /// Escapes `& < > " '` for HTML text and attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
