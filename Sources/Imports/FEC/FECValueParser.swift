package import Wire

/// Parses FEC amounts and dates straight from bytes (no intermediate `String`).
package enum FECValueParser {
    /// Result of parsing an amount.
    package enum AmountResult: Equatable {
        /// Cents; `usedDecimalPoint` when `.` was the decimal separator (non-standard, warned).
        case value(Int64, usedDecimalPoint: Bool)
        /// Not a number, or more than two significant decimals, or out of range.
        case invalid(String)
    }

    /// Parses a FEC amount: optional sign first or last, spaces around, zero padding, decimal
    /// comma (or point), at most two significant decimals. Empty means 0.
    package static func amount(_ bytes: ArraySlice<UInt8>) -> AmountResult {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        guard start < end else { return .value(0, usedDecimalPoint: false) }
        var negative = false
        if bytes[start] == 0x2D || bytes[start] == 0x2B {
            negative = bytes[start] == 0x2D
            start += 1
            while start < end, bytes[start] == 0x20 { start += 1 }
        } else if bytes[end - 1] == 0x2D || bytes[end - 1] == 0x2B {
            negative = bytes[end - 1] == 0x2D
            end -= 1
            while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        }
        var units: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var sawDigit = false
        var separator: UInt8? = nil
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte >= 0x30, byte <= 0x39 {
                sawDigit = true
                let digit = Int64(byte - 0x30)
                if separator == nil {
                    let (times, overflow1) = units.multipliedReportingOverflow(by: 10)
                    let (plus, overflow2) = times.addingReportingOverflow(digit)
                    guard !overflow1, !overflow2, plus <= Int64.max / 100 else {
                        return .invalid("amount out of range")
                    }
                    units = plus
                } else if fractionDigits < 2 {
                    fraction = fraction * 10 + digit
                    fractionDigits += 1
                } else if digit != 0 {
                    return .invalid("amount has more than two decimals")
                }
            } else if byte == 0x2C || byte == 0x2E, separator == nil {
                separator = byte
            } else {
                return .invalid("not an amount")
            }
            index += 1
        }
        guard sawDigit else { return .invalid("not an amount") }
        if fractionDigits == 1 { fraction *= 10 }
        let cents = units * 100 + fraction
        return .value(negative ? -cents : cents, usedDecimalPoint: separator == 0x2E)
    }

    /// Result of parsing a date.
    package enum DateResult: Equatable {
        /// The field is empty.
        case empty
        /// A date; `isNonStandard` when it was not written `YYYYMMDD` (warned).
        case value(CalendarDate, isNonStandard: Bool)
        /// Not a date.
        case invalid
    }

    /// Parses a FEC date: `YYYYMMDD` (the legal form), else `DD/MM/YYYY`, `DD-MM-YYYY`,
    /// `YYYY-MM-DD` or `DDMMYYYY` (old exporters), flagged non-standard. Years outside
    /// 1900–2200 are refused.
    package static func date(_ bytes: ArraySlice<UInt8>) -> DateResult {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 { end -= 1 }
        guard start < end else { return .empty }
        let count = end - start
        func number(_ offset: Int, _ length: Int) -> Int? {
            var value = 0
            for index in (start + offset)..<(start + offset + length) {
                let byte = bytes[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        func make(_ year: Int, _ month: Int, _ day: Int) -> CalendarDate? {
            guard (1900...2200).contains(year) else { return nil }
            return CalendarDate(year: year, month: month, day: day)
        }
        if count == 8 {
            guard let year = number(0, 4), let month = number(4, 2), let day = number(6, 2) else { return .invalid }
            if let date = make(year, month, day) { return .value(date, isNonStandard: false) }
            if let day = number(0, 2), let month = number(2, 2), let year = number(4, 4),
                let date = make(year, month, day)
            {
                return .value(date, isNonStandard: true)
            }
            return .invalid
        }
        if count == 10 {
            let third = bytes[start + 2]
            let fifth = bytes[start + 4]
            if third == 0x2F || third == 0x2D || third == 0x2E, bytes[start + 5] == third,
                let day = number(0, 2), let month = number(3, 2), let year = number(6, 4),
                let date = make(year, month, day)
            {
                return .value(date, isNonStandard: true)
            }
            if fifth == 0x2D || fifth == 0x2F, bytes[start + 7] == fifth, let year = number(0, 4),
                let month = number(5, 2), let day = number(8, 2), let date = make(year, month, day)
            {
                return .value(date, isNonStandard: true)
            }
        }
        return .invalid
    }
}
