import Foundation
import TenantStore
import Testing

/// The stored instants: the hand-written format is exactly ISO8601DateFormatter's (with
/// milliseconds), and parsing reads both the millisecond and the whole-second forms.
@Suite("Tenant timestamps")
struct TenantTimestampTests {
    @Test("format and parse agree with ISO8601DateFormatter to the millisecond", arguments: [1, 2, 3, 4] as [UInt64])
    func agreement(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for _ in 0..<500 {
            // Milliseconds between 1970 and 2200, and a few before 1970.
            let milliseconds = Int64(random.next() % 7_258_118_400_000) - 86_400_000
            let instant = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
            let text = TenantTimestamp.format(instant)
            #expect(text == reference.string(from: instant))
            #expect(TenantTimestamp.parse(text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } == milliseconds)
        }
    }

    @Test("whole seconds (files written before milliseconds) and other RFC 3339 forms parse; garbage does not")
    func otherForms() {
        #expect(TenantTimestamp.parse("2025-03-31T08:15:02Z") == Date(timeIntervalSince1970: 1_743_408_902))
        #expect(TenantTimestamp.parse("2025-03-31T10:15:02+02:00") == Date(timeIntervalSince1970: 1_743_408_902))
        #expect(TenantTimestamp.parse("2025-02-30T08:15:02.000Z") == nil)
        #expect(TenantTimestamp.parse("yesterday") == nil)
    }
}
