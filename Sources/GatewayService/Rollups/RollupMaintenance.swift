internal import Foundation
internal import PilotageProtocol
internal import RollupStore
internal import ServerSupport
internal import Storage
internal import TenantStore
internal import Wire

/// The gateway's background rollup duties, for as long as it serves:
/// - at start-up, finds the firms with pending partitions (``PendingWork``) and rolls over the
///   client groups whose rollups were computed for an earlier day;
/// - then, every `interval`, the **daily roll-over**: when a firm's business date changes, the
///   current month's partition of every client group (and the current and previous prospects
///   years) becomes dirty, so that workers compute the new day.
///
/// With a fixed business date (tests) the date never changes and only the start-up scan runs.
struct RollupMaintenance: Sendable {
    let catalog: Catalog
    let tenants: TenantPool
    let pending: PendingWork
    let clock: FirmClock
    let interval: Duration
    let logger: Logger

    /// Runs until cancelled.
    func run() async {
        var lastToday: [FirmID: CalendarDate] = [:]
        var zones: [FirmID: String?] = [:]
        await self.pass(lastToday: &lastToday, zones: &zones, startup: true)
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: self.interval)
            } catch {
                return
            }
            await self.pass(lastToday: &lastToday, zones: &zones, startup: false)
        }
    }

    private func pass(lastToday: inout [FirmID: CalendarDate], zones: inout [FirmID: String?], startup: Bool) async {
        let firms: [Firm]
        do {
            firms = try await self.catalog.firms().filter { $0.status == .active }
        } catch {
            self.logger.warning("rollup maintenance cannot list firms", metadata: ["error": "\(error)"])
            return
        }
        for firm in firms where !Task.isCancelled {
            if !startup, let zone = zones[firm.id], let last = lastToday[firm.id] {
                // Cheap path: nothing to do while the date under the cached zone is unchanged.
                let today = self.clock.fixedToday ?? BusinessCalendar.date(of: Date(), timeZoneID: zone)
                if today == last { continue }
            }
            do {
                let clock = self.clock
                let previous = lastToday[firm.id]
                let (today, zone, marked, pendingCount) = try await self.tenants.withTenant(firm.id) { database in
                    try await database.write { connection -> (CalendarDate, String?, Int, Int) in
                        let rollups = TenantRollups(connection: connection)
                        let settings = try rollups.settings()
                        let today = clock.today(settings: settings)
                        var marked = 0
                        // At start-up, catch up on the days missed while the gateway was down
                        // (rollOver skips the groups already computed for today).
                        if startup || (previous.map { $0 != today } ?? false) {
                            marked = try rollups.rollOver(today: today)
                        }
                        return (today, settings?.timeZone, marked, try rollups.pendingCount())
                    }
                }
                lastToday[firm.id] = today
                zones[firm.id] = zone
                if pendingCount > 0 { self.pending.mark(firm.id) }
                if marked > 0 {
                    self.logger.info("daily roll-over", metadata: ["firm": firm.id.rawValue, "today": "\(today)", "partitions": "\(marked)"])
                }
            } catch {
                self.logger.warning("rollup maintenance failed for a firm", metadata: ["firm": firm.id.rawValue, "error": "\(error)"])
            }
        }
    }
}
