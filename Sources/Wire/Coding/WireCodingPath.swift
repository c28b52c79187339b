/// One step of a coding path while encoding or decoding: a struct key or an array index.
enum WireCodingPathComponent {
    case key(any CodingKey)
    case index(Int)
    case name(String)

    var codingKey: any CodingKey {
        switch self {
        case .key(let key): key
        case .index(let index): WireIndexKey(index)
        case .name(let name): WireIndexKey(stringValue: name)
        }
    }
}

/// The coding key of an array element or a map entry in coding paths.
struct WireIndexKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ index: Int) {
        self.stringValue = String(index)
        self.intValue = index
    }

    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    init?(intValue: Int) {
        self.init(intValue)
    }
}

enum WireCodingPath {
    /// `rows.3.due_date`.
    static func dotted(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    static func dotted(_ components: some Sequence<WireCodingPathComponent>) -> String {
        components.map { component in
            switch component {
            case .key(let key): key.stringValue
            case .index(let index): String(index)
            case .name(let name): name
            }
        }.joined(separator: ".")
    }

    /// Appends `inner` (already dotted) to `outer`.
    static func join(_ outer: String, _ inner: String) -> String {
        if outer.isEmpty { return inner }
        if inner.isEmpty { return outer }
        return outer + "." + inner
    }

    /// Converts any error thrown while decoding into a `WireError`, keeping its kind and path.
    static func wireError(from error: any Error, outerPath: String) -> WireError {
        if let wire = error as? WireError {
            return wire.prefixingPathString(outerPath)
        }
        guard let decoding = error as? DecodingError else {
            if let encoding = error as? EncodingError, case .invalidValue(_, let context) = encoding {
                return WireError(
                    code: .invalidValue,
                    message: context.debugDescription,
                    codingPath: Self.join(outerPath, Self.dotted(context.codingPath))
                )
            }
            return WireError(code: .dataCorrupted, message: "\(error)", codingPath: outerPath)
        }
        let context: DecodingError.Context
        var code: WireError.Code
        var message: String
        var path: [any CodingKey]
        switch decoding {
        case .keyNotFound(let key, let keyContext):
            context = keyContext
            code = .keyNotFound
            message = "required field \"\(key.stringValue)\" is absent"
            path = keyContext.codingPath + [key]
        case .valueNotFound(_, let valueContext):
            context = valueContext
            code = .valueNotFound
            message = valueContext.debugDescription
            path = valueContext.codingPath
        case .typeMismatch(_, let typeContext):
            context = typeContext
            code = .typeMismatch
            message = typeContext.debugDescription
            path = typeContext.codingPath
        case .dataCorrupted(let corruptContext):
            context = corruptContext
            code = .dataCorrupted
            message = corruptContext.debugDescription
            path = corruptContext.codingPath
        @unknown default:
            return WireError(code: .dataCorrupted, message: "\(error)", codingPath: outerPath)
        }
        // The wire decoder wraps its own errors as the underlying error, with their inner path
        // already merged into the context's path: keep their precise code and message.
        if let wire = context.underlyingError as? WireError {
            code = wire.code
            message = wire.message
        }
        return WireError(code: code, message: message, codingPath: Self.join(outerPath, Self.dotted(path)))
    }
}

extension WireError {
    /// The same error with a dotted `prefix` prepended to its path.
    func prefixingPathString(_ prefix: String) -> WireError {
        var copy = self
        copy.codingPath = WireCodingPath.join(prefix, self.codingPath)
        return copy
    }
}
