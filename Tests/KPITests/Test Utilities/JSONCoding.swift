import Foundation

/// Encodes then decodes a value with Foundation's JSON coders (parts are stored as blobs).
struct JSONCoding {
    func roundTrip<T: Codable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }
}
