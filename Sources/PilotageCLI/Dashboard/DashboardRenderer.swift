internal import Foundation
package import Wire

/// Renders any dashboard reply as readable terminal text, from its JSON (the CLI reads replies
/// through reflection, so it needs no Swift type of the dashboards):
///
/// - scalars at the top (`as_of`, `clients` …) and the `freshness` object make the header;
/// - an array of `{kpi, history, trend}` (level 1) is a KPI table with a sparkline of the history;
/// - an array of `{kpi, points}` (level 2) is one bar chart per KPI;
/// - `columns` + `rows` (level 3) is a table, with the paging line under it;
/// - an array of `{name, value}` is a two-column table; other arrays of objects are tables whose
///   columns are the objects' keys; nested objects are sections.
///
/// Dashboard values (`{value, unit, reason, flags …}`) print as their rounded value, or
/// `null REASON`.
package struct DashboardRenderer {
    /// Width of the bars of a level-2 chart.
    package var barWidth = 40

    /// Creates a renderer.
    package init(barWidth: Int = 40) {
        self.barWidth = barWidth
    }

    /// The whole reply.
    package func render(_ reply: JSONValue, title: String) -> String {
        guard case .object(let members) = reply else { return Self.scalar(reply) ?? "" }
        var header: [String] = []
        var body: [String] = []
        let isTable = members.contains { $0.key == "rows" } && members.contains { $0.key == "columns" }
        for member in members {
            if isTable, member.key == "total_rows" || member.key == "next_cursor" {
                continue  // shown under the table
            } else if let scalar = Self.scalar(member.value) {
                header.append("\(member.key)=\(scalar)")
            } else if member.key == "freshness" {
                header.append(Self.freshness(member.value))
            } else {
                body.append(contentsOf: self.section(member.key, member.value, siblings: members))
            }
        }
        var lines = ["\(title)  " + header.joined(separator: "  ")]
        lines.append(contentsOf: body)
        return lines.joined(separator: "\n")
    }

    /// One member that is not a scalar.
    func section(_ key: String, _ value: JSONValue, siblings: [JSONMember]) -> [String] {
        switch value {
        case .array(let elements) where elements.isEmpty:
            return []
        case .array(let elements) where elements.allSatisfy({ $0.member("history") != nil && $0.member("kpi") != nil }):
            return ["", "\(key):"] + self.level1(elements)
        case .array(let elements) where elements.allSatisfy({ $0.member("points") != nil && $0.member("kpi") != nil }):
            return elements.flatMap { self.level2($0) }
        case .array(let elements) where key == "rows" && siblings.contains(where: { $0.key == "columns" }):
            return [""] + self.level3(columns: siblings.first { $0.key == "columns" }?.value, rows: elements, siblings: siblings)
        case .array where key == "columns" && siblings.contains(where: { $0.key == "rows" }):
            return []
        case .array(let elements) where elements.allSatisfy({ $0.member("name") != nil && $0.member("value") != nil }):
            let rows = elements.map { [Self.scalar($0.member("name") ?? .null) ?? "", Self.cell($0.member("value") ?? .null)] }
            return ["", "\(key):"] + Self.indent(CLIOutput.table(rows, header: ["NAME", "VALUE"]))
        case .array(let elements) where elements.allSatisfy({ if case .object = $0 { true } else { false } }):
            return ["", "\(key):"] + Self.indent(Self.objectTable(elements))
        case .array(let elements):
            return ["", "\(key): " + elements.map(Self.cell).joined(separator: ", ")]
        case .object(let members) where Self.isDashboardValue(members):
            return ["\(key): \(Self.cell(value))"]
        case .object(let members):
            var lines = ["", "\(key):"]
            let scalars = members.compactMap { member in Self.scalar(member.value).map { "\(member.key)=\($0)" } }
            if !scalars.isEmpty { lines.append("  " + scalars.joined(separator: "  ")) }
            for member in members where Self.scalar(member.value) == nil {
                lines.append(contentsOf: self.section(member.key, member.value, siblings: members).map { $0.isEmpty ? $0 : "  " + $0 })
            }
            return lines
        default:
            return []
        }
    }

    /// Level 1: KPI, value at D, trend, 30-day sparkline.
    func level1(_ series: [JSONValue]) -> [String] {
        let rows = series.map { entry -> [String] in
            let history = entry.member("history")?.elements ?? []
            let values = history.map { Self.number($0.member("value") ?? .null) }
            let current = history.last?.member("value").map(Self.cell) ?? "-"
            let trend = entry.member("trend").map(Self.cell) ?? "-"
            return [Self.scalar(entry.member("kpi") ?? .null) ?? "?", current, trend, Self.sparkline(values)]
        }
        return Self.indent(CLIOutput.table(rows, header: ["KPI", "VALUE", "TREND", "HISTORY (30 DAYS)"]))
    }

    /// Level 2: a horizontal bar per bucket, scaled to the largest magnitude of the series.
    func level2(_ series: JSONValue) -> [String] {
        let points = series.member("points")?.elements ?? []
        let kpi = Self.scalar(series.member("kpi") ?? .null) ?? "?"
        let values = points.map { Self.number($0.member("value") ?? .null) }
        let largest = values.compactMap { $0.map(abs) }.max() ?? 0
        let labelWidth = points.map { (Self.scalar($0.member("label") ?? .null) ?? "").count }.max() ?? 0
        var lines = ["", "\(kpi):"]
        for (point, value) in zip(points, values) {
            let label = (Self.scalar(point.member("label") ?? .null) ?? "").padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            let length = largest > 0 ? Int(((value.map(abs) ?? 0) / largest * Double(self.barWidth)).rounded()) : 0
            let bar = String(repeating: (value ?? 0) < 0 ? "░" : "█", count: length)
            lines.append("  \(label) │\(bar.padding(toLength: self.barWidth, withPad: " ", startingAt: 0)) \(Self.cell(point.member("value") ?? .null))")
        }
        return lines
    }

    /// Level 3: the page as a table, then where it stands.
    func level3(columns: JSONValue?, rows: [JSONValue], siblings: [JSONMember]) -> [String] {
        guard case .array(let columnValues)? = columns else { return [] }
        let names = columnValues.map { ($0.member("title").flatMap(Self.scalar)) ?? ($0.member("name").flatMap(Self.scalar)) ?? "?" }
        let units = columnValues.map { $0.member("unit").flatMap(Self.scalar) }
        let cells = rows.map { row -> [String] in
            row.member("cells")?.elements.enumerated().map { index, cell in
                guard let text = Self.present(cell) else { return "" }
                return index < units.count && units[index] == "CENTS" ? Self.euros(cents: text) : text
            } ?? []
        }
        var lines = CLIOutput.table(cells, header: names).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let total = siblings.first { $0.key == "total_rows" }.flatMap { Self.scalar($0.value) } ?? "?"
        var footer = "\(rows.count) of \(total) rows"
        if let cursor = siblings.first(where: { $0.key == "next_cursor" }).flatMap({ Self.scalar($0.value) }) {
            footer += "; next page: --cursor \(cursor)"
        }
        lines.append(footer)
        return lines
    }

    // MARK: - Values

    /// A one-line text for a scalar; `nil` for arrays and objects.
    static func scalar(_ value: JSONValue) -> String? {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): number.text
        case .string(let text): text
        case .array, .object: nil
        }
    }

    /// A scalar's text, `nil` for JSON `null`.
    static func present(_ value: JSONValue) -> String? {
        if case .null = value { return nil }
        return Self.scalar(value)
    }

    /// A table cell: a dashboard value as its rounded text (or `null REASON`), a scalar as itself.
    static func cell(_ value: JSONValue) -> String {
        if let scalar = Self.scalar(value) { return scalar }
        guard case .object(let members) = value else { return "…" }
        if Self.isDashboardValue(members) {
            let reason = value.member("reason").flatMap(Self.present)
            let flags = (value.member("flags")?.elements ?? []).compactMap(Self.scalar)
            var text: String
            if let rounded = value.member("value").flatMap(Self.present) {
                let unit = value.member("unit").flatMap(Self.scalar)
                text = (unit == "CENTS" ? Self.euros(cents: rounded) : rounded) + (reason.map { " (\($0))" } ?? "")
            } else {
                text = "null" + (reason.map { " \($0)" } ?? "")
            }
            if !flags.isEmpty { text += " [\(flags.joined(separator: ","))]" }
            return text
        }
        if let inner = value.member("value") { return Self.cell(inner) }
        return members.map { "\($0.key)=\(Self.scalar($0.value) ?? "…")" }.joined(separator: " ")
    }

    /// The numeric value of a dashboard value or a number, for charts.
    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let number): number.double
        case .string(let text): Double(text)
        case .object: value.member("value").flatMap(Self.number)
        default: nil
        }
    }

    /// `1140000` → `11 400.00`: cents as euros with thin grouping, for reading (JSON keeps cents).
    package static func euros(cents text: String) -> String {
        guard let cents = Int64(text) else { return text }
        let negative = cents < 0
        let magnitude = cents.magnitude
        var whole = String(magnitude / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = " " + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let fraction = magnitude % 100
        return (negative ? "-" : "") + whole + grouped + "." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    static func isDashboardValue(_ members: [JSONMember]) -> Bool {
        members.contains { $0.key == "unit" } && members.contains { $0.key == "decimals" }
    }

    /// `▁▂▃▄▅▆▇█` scaled between the series' minimum and maximum; a space for `null`.
    package static func sparkline(_ values: [Double?]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█")
        let present = values.compactMap { $0 }
        guard let low = present.min(), let high = present.max() else { return String(repeating: " ", count: values.count) }
        return String(
            values.map { value in
                guard let value else { return " " }
                guard high > low else { return blocks[3] }
                return blocks[Int(((value - low) / (high - low) * Double(blocks.count - 1)).rounded())]
            }
        )
    }

    static func freshness(_ value: JSONValue) -> String {
        let watermark = value.member("watermark_sequence").flatMap(Self.scalar) ?? "?"
        let last = value.member("last_sequence").flatMap(Self.scalar) ?? "?"
        let pending = value.member("pending_partitions").flatMap(Self.scalar) ?? "?"
        return pending == "0" ? "fresh (watermark \(watermark)/\(last))" : "watermark \(watermark)/\(last), \(pending) partition(s) pending"
    }

    static func objectTable(_ objects: [JSONValue]) -> String {
        var keys: [String] = []
        for object in objects {
            guard case .object(let members) = object else { continue }
            for member in members where !keys.contains(member.key) { keys.append(member.key) }
        }
        let rows = objects.map { object in keys.map { key in object.member(key).map(Self.cell) ?? "" } }
        return CLIOutput.table(rows, header: keys.map { $0.uppercased() })
    }

    static func indent(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
    }
}

extension JSONValue {
    /// The member named `key` of an object.
    func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The elements of an array; empty for anything else.
    var elements: [JSONValue] {
        guard case .array(let elements) = self else { return [] }
        return elements
    }
}
