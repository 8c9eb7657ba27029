/// A build failure a content editor can act on: which step, which file and line, what is wrong.
public struct BuildError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The pipeline step that failed (`readContent`, `checkLinks`, ...); empty outside the pipeline.
    public var step: String
    /// Path of the offending file, relative to the working directory when possible.
    public var path: String
    /// 1-based line in `path`, when known.
    public var line: Int?
    /// The front matter field concerned, when there is one.
    public var field: String?
    public var message: String

    public init(step: String = "", path: String, line: Int? = nil, field: String? = nil, message: String) {
        self.step = step
        self.path = path
        self.line = line
        self.field = field
        self.message = message
    }

    /// `content/services/decor.md:4: front matter: 'date' is not a date (step readContent)`
    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        text += ": "
        if let field { text += "front matter: '\(field)' " }
        text += message
        if !step.isEmpty { text += " (step \(step))" }
        return text
    }
}

/// Several errors found in one step (every broken link, not only the first).
public struct BuildErrors: Error, CustomStringConvertible, Sendable {
    public var errors: [BuildError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
