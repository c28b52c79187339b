package import Wire

/// What reflection tells about a method's messages: their type names and their wire schemas.
package struct MessageSchemas: Sendable {
    /// The request message's Swift type name.
    package let requestType: String
    /// The response message's Swift type name.
    package let responseType: String
    private let deriveRequest: @Sendable () -> WireSchema
    private let deriveResponse: @Sendable () -> WireSchema

    /// Describes `Request` and `Response`; the schemas are derived when first asked for.
    package init<Request: Codable & Sendable, Response: Codable & Sendable>(
        _ request: Request.Type,
        _ response: Response.Type
    ) {
        self.requestType = String(reflecting: request)
        self.responseType = String(reflecting: response)
        self.deriveRequest = { WireSchema.of(Request.self) }
        self.deriveResponse = { WireSchema.of(Response.self) }
    }

    /// The request message's shape (``Wire/WireSchema/of(_:)``).
    package var requestSchema: WireSchema { self.deriveRequest() }
    /// The response message's shape.
    package var responseSchema: WireSchema { self.deriveResponse() }
}
