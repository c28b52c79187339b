import KPI
import Testing
import Wire

/// Opening (AN) carry-forwards of kpi-definitions §10.4: they count in AR and everything built on
/// open items, never in SALES nor in the widget's EXPECTED; an opening credit is never a document
/// of its period (no credit note, write-off or cash of the period).
@Suite("Opening (AN) items")
struct OpeningItemsTests {
    let d = day("2025-03-31")

    /// A first fiscal year opened on 2025-01-01 with one invoice and one credit carried forward,
    /// plus regular activity in the year.
    var ledger: Ledger {
        var ledger = Ledger()
        ledger.installments.append(
            InstallmentFact(
                id: "AN-INV",
                client: "X",
                invoiceDate: day("2025-01-01"),
                dueDate: day("2025-01-31"),
                amount: eur(5_000),
                isOpening: true
            )
        )
        ledger.credits.append(
            CreditFact(id: "AN-CN", client: "X", kind: .creditNote, date: day("2025-01-01"), amount: eur(300), isOpening: true)
        )
        ledger.invoice("I1", "2025-02-10", due: "2025-03-12", 2_000)
        ledger.credit("P1", .payment, "2025-03-05", 1_000)
        ledger.allocate("P1", to: "AN-INV", 1_000)
        return ledger
    }

    @Test("AR counts the carried-forward items; SALES only the year's own invoices")
    func arAndSales() {
        let reference = ReceivablesReference(self.ledger.portfolio.clients, context: KPIContext())
        // AR = 5 000 − 1 000 (paid) + 2 000 − 300 (unapplied opening credit note) = 5 700.
        #expect(reference.balance(at: self.d) == WideInt(eur(5_700)))
        #expect(reference.sales(WorkedExample.q1) == WideInt(eur(2_000)))
        // DSO = 5 700 / 2 000 × 90 = 256.5: the opening invoice is in the numerator only.
        #expect(reference.dsoStandard(asOf: self.d).display == "256.5")
        let parts = self.ledger.kpis()
        #expect(parts.dsoStandard(asOf: self.d) == reference.dsoStandard(asOf: self.d))
        #expect(parts.dsoCountback(asOf: self.d) == reference.dsoCountback(asOf: self.d))
    }

    @Test("the widget's REVENUE and EXPECTED ignore opening items; ACTUAL ignores opening credits")
    func widget() throws {
        var ledger = self.ledger
        ledger.credits.append(
            CreditFact(id: "AN-P", client: "X", kind: .payment, date: day("2025-01-01"), amount: eur(100), isOpening: true)
        )
        let reference = ReceivablesReference(ledger.portfolio.clients, context: KPIContext())
        let january = try #require(reference.revenueAndPayments(asOf: self.d).first { $0.month.start == day("2025-01-01") })
        #expect(january.revenue == .zero)
        #expect(january.expected == .zero)
        #expect(january.actual == .zero)
        let parts = ledger.kpis().revenueAndPayments(asOf: self.d)
        #expect(parts == reference.revenueAndPayments(asOf: self.d))
    }

    @Test("an opening invoice ages, is overdue, and its collection counts like any invoice")
    func ageingAndCollection() {
        let reference = ReceivablesReference(self.ledger.portfolio.clients, context: KPIContext())
        let parts = self.ledger.kpis()
        // Overdue at D: AN-INV 4 000 (dpd 59) and I1 2 000 (dpd 19).
        #expect(reference.daysBeyondTerms(asOf: self.d) == parts.daysBeyondTerms(asOf: self.d))
        #expect(parts.outstanding(asOf: self.d) == reference.outstanding(asOf: self.d))
        #expect(parts.collectionRate(over: WorkedExample.march) == reference.collectionRate(over: WorkedExample.march))
        #expect(!parts.collectionRate(over: WorkedExample.march).isNull)
        #expect(parts.writeOffAmount(over: WorkedExample.q1) == reference.writeOffAmount(over: WorkedExample.q1))
    }

    @Test("an opening write-off is not a write-off of its period")
    func openingWriteOff() {
        var ledger = self.ledger
        ledger.credits.append(
            CreditFact(id: "AN-WO", client: "X", kind: .writeOff, date: day("2025-01-01"), amount: eur(50), isOpening: true)
        )
        let reference = ReceivablesReference(ledger.portfolio.clients, context: KPIContext())
        #expect(reference.writeOffAmount(over: WorkedExample.q1).display == "0")
        #expect(ledger.kpis().writeOffAmount(over: WorkedExample.q1) == reference.writeOffAmount(over: WorkedExample.q1))
    }
}
