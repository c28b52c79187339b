import Foundation
import Imports
import PilotageProtocol
import Wire
import ProcessTestSupport

func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(text) else { preconditionFailure("bad test date \(text)") }
    return date
}

/// Euros to cents.
func eur(_ euros: Int64) -> Int64 { euros * 100 }

/// A generated demo firm (the `Imports` generator), small enough for a test.
enum DemoFirm {
    static func records(today: String, clients: Int, documents: Int, installments: Int, deals: Int = 12, seed: UInt64 = 7) throws
        -> [any IngestibleRecord]
    {
        var parameters = DemoFirmParameters(size: .small, today: day(today), seed: seed)
        parameters.clients = clients
        parameters.documents = documents
        parameters.installments = installments
        parameters.deals = deals
        var records: [any IngestibleRecord] = []
        for batch in try DemoFirmGenerator(parameters: parameters) {
            records += batch.records
        }
        return records
    }
}
