import RochHTTP

extension FuzzChecks {
    /// FuzzCGI: the CGI adapter answers any environment and body without crashing or hanging, and never
    /// reads more body than its limit. Input: lines "NAME=VALUE" up to a blank line form the
    /// environment, the rest is stdin.
    @Sendable public static func cgi(_ input: [UInt8]) throws -> Bool {
        var pairs: [([UInt8], [UInt8])] = []
        var rest = input[...]
        while let nl = rest.firstIndex(of: 0x0a) {
            let line = rest[rest.startIndex..<nl]
            rest = rest[(nl + 1)...]
            if line.isEmpty { break }
            if let eq = line.firstIndex(of: UInt8(ascii: "=")) {
                pairs.append((Array(line[line.startIndex..<eq]), Array(line[(eq + 1)...])))
            }
        }
        guard let env = try? CGIEnvironment.decode(pairs) else { return false }
        var source = BytesSource(bytes: rest)
        guard let request = try? CGIAdapter.parseRequest(environment: env, body: &source, limit: 4096) else { return false }
        try require(request.body.count <= 4096, "CGI body of \(request.body.count) bytes over the 4096 limit")
        _ = try? request.query()
        _ = try? request.form()
        _ = request.cookies
        _ = ErrorResponder.wantsJSON(request)
        return true
    }

    /// FuzzFastCGI: arbitrary bytes from a "web server" through the record parser and the connection
    /// state machine. Every record we send back parses as whole records; bodies stay within the limit.
    @Sendable public static func fastCGI(_ input: [UInt8]) throws -> Bool {
        var limits = FastCGIConnection.Limits()
        limits.maxBodyBytes = 8192
        limits.maxParamsBytes = 8192
        var state = FastCGIConnection(limits: limits)
        var offset = 0
        var handled = false
        while offset < input.count {
            let parsed: (FastCGIRecord, Int)?
            do { parsed = try FastCGIRecordParser.parse(input[offset...]) } catch { return handled }  // protocol error: close
            guard let (record, used) = parsed else { return handled }  // needs more bytes
            try require(used >= 8 && used <= input.count - offset, "parser used \(used) of \(input.count - offset) bytes")
            offset += used
            for action in state.receive(record) {
                switch action {
                case .send(let bytes):
                    // whatever we send must itself parse as whole records
                    guard let (records, rest) = try? FastCGIRecordParser.parseAll(bytes), rest == 0, !records.isEmpty else {
                        throw FuzzCheckFailure(description: "responder produced malformed records: \(bytes)")
                    }
                case .close:
                    return handled
                case .handle(let id, let request):
                    try require(request.body.count <= limits.maxBodyBytes, "FastCGI body of \(request.body.count) bytes over the limit")
                    handled = true
                    _ = state.finished(requestId: id)
                case .abort:
                    break
                }
            }
        }
        return handled
    }

    /// FuzzForm: urlencoded forms, cookies, static paths and SSE formatting on arbitrary input. A decoded
    /// form re-encodes to the same pairs; a static path never climbs out (".."); an SSE event is one
    /// event whose id/event lines stay single lines and carry no CR.
    @Sendable public static func form(_ bytes: [UInt8]) throws -> Bool {
        let form = try? FormData(parsing: bytes)
        if let form {
            let again = form.pairs.map { FormData.encodeComponent($0.name) + "=" + FormData.encodeComponent($0.value) }.joined(separator: "&")
            try require((try? FormData(parsing: again)) == form, "form does not survive a re-encoding: \(form.pairs)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        _ = Cookies.parse(text)
        if let path = StaticFiles.decodePath(text) {
            try require(!path.split(separator: "/", omittingEmptySubsequences: false).contains(".."), "static path \(path) climbs out")
        }
        let event = ServerSentEvent(id: text, event: text, data: text).encoded()
        try require(event.hasSuffix("\n\n"), "SSE event does not end with a blank line")
        // only data lines may carry the input's line breaks; id/event stay single lines
        // (checked on bytes: a combining mark in the input joins the space after "data:" into one Character)
        try require(Array(event.utf8).split(separator: 0x0a, omittingEmptySubsequences: false).dropLast(2).allSatisfy { line in
            ["id: ", "event: ", "data: "].contains { line.starts(with: $0.utf8) }
        }, "SSE event has a line that is not id/event/data: \(event)")
        try require(!event.utf8.contains(0x0d), "SSE event carries a CR")
        return form != nil
    }
}

/// A request body in memory, read in the chunks the adapter asks for.
struct BytesSource: ByteSource {
    var bytes: ArraySlice<UInt8>
    mutating func read(upTo count: Int) throws -> [UInt8] {
        let chunk = bytes.prefix(count)
        bytes = bytes.dropFirst(chunk.count)
        return Array(chunk)
    }
}

extension FuzzChecks {
    /// FuzzMultipart: the first line is the Content-Type, the rest the body. The parser answers every
    /// input with parts or an HTTPError (never a crash); parts respect the limits, and each accepted
    /// part's body is exactly the bytes between its headers and the next delimiter.
    @Sendable public static func multipart(_ input: [UInt8]) throws -> Bool {
        let nl = input.firstIndex(of: 0x0a) ?? input.endIndex
        let contentType = String(decoding: input[..<nl], as: UTF8.self)
        let body = nl < input.endIndex ? Array(input[(nl + 1)...]) : []
        let limits = MultipartForm.Limits(maxParts: 8, maxHeaderBytes: 512, maxPartBytes: 4096)
        guard let boundary = try? MultipartForm.boundary(contentType: contentType) else { return false }
        let form: MultipartForm
        do { form = try MultipartForm(parsing: body, boundary: boundary, limits: limits) } catch let error as HTTPError {
            try require(error.status == 400 || error.status == 413, "multipart refused with \(error.status)")
            return false
        }
        try require(!form.parts.isEmpty && form.parts.count <= limits.maxParts, "\(form.parts.count) parts")
        let delimiter = Array("\r\n--\(boundary)".utf8)
        for part in form.parts {
            try require(part.body.count <= limits.maxPartBytes, "part of \(part.body.count) bytes over the limit")
            try require(!part.name.isEmpty, "part without a name")
            let holdsDelimiter = part.body.count >= delimiter.count
                && (0...(part.body.count - delimiter.count)).contains { part.body[$0..<($0 + delimiter.count)].elementsEqual(delimiter) }
            try require(!holdsDelimiter, "a part's body holds its delimiter")
        }
        return true
    }
}
