/// What reflection tells about a method's messages: their type names (and, once the binary coder
/// provides them, their schemas).
package struct MessageSchemas: Sendable {
    /// The request message's Swift type name.
    package let requestType: String
    /// The response message's Swift type name.
    package let responseType: String

    /// Describes `Request` and `Response`.
    package init<Request: Codable, Response: Codable>(_ request: Request.Type, _ response: Response.Type) {
        self.requestType = String(reflecting: request)
        self.responseType = String(reflecting: response)
    }
}
