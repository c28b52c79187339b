import Foundation
import PilotageProtocol
import Testing
import Wire

@Suite("Records")
struct RecordsTests {
    @Test("snake_case keys of the data contract, defaults applied when absent")
    func decodesContractNames() throws {
        let json = #"{"id":"I1","client":"C","invoice_id":"F1","invoice_date":"2025-01-15","amount":360000,"amount_ht":300000}"#
        let record = try JSONDecoder().decode(InstallmentRecord.self, from: Data(json.utf8))
        #expect(record.invoiceID == "F1")
        #expect(record.invoiceDate == CalendarDate("2025-01-15"))
        #expect(record.dueDate == nil)
        #expect(record.amount == 360_000)

        let client = try JSONDecoder().decode(ClientRecord.self, from: Data(#"{"id":"A","name":"Boulangerie"}"#.utf8))
        #expect(client.bookkeepingMode == .firm)
        #expect(client.assignedCollaborators.isEmpty)
        #expect(client.deactivated == false)
    }

    @Test("an unknown enum value is a decoding error")
    func unknownEnum() {
        let json = #"{"id":"K","kind":"GIFT","client":"C","date":"2025-01-01","amount":1}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CreditDocumentRecord.self, from: Data(json.utf8)) }
    }

    @Test("every entity kind maps to a record type with that kind", arguments: EntityKind.allCases)
    func kindsMap(kind: EntityKind) {
        #expect(kind.recordType.entityKind == kind)
    }
}
