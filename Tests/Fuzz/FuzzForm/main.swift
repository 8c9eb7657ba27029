// libFuzzer target: urlencoded forms, cookies, static paths and SSE formatting on arbitrary input.
import RochHTTP
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let form = try? FormData(parsing: bytes) {
        // what we decode re-encodes to something that decodes to the same pairs
        let again = form.pairs.map { FormData.encodeComponent($0.name) + "=" + FormData.encodeComponent($0.value) }.joined(separator: "&")
        precondition((try? FormData(parsing: again)) == form)
    }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = Cookies.parse(text)
    if let path = StaticFiles.decodePath(text) {
        precondition(!path.split(separator: "/", omittingEmptySubsequences: false).contains(".."))
    }
    let event = ServerSentEvent(id: text, event: text, data: text).encoded()
    precondition(event.hasSuffix("\n\n"))
    // only data lines may carry the input's line breaks; id/event stay single lines
    // (checked on bytes: a combining mark in the input joins the space after "data:" into one Character)
    precondition(Array(event.utf8).split(separator: 0x0a, omittingEmptySubsequences: false).dropLast(2).allSatisfy { line in
        ["id: ", "event: ", "data: "].contains { line.starts(with: $0.utf8) }
    })
    precondition(!event.utf8.contains(0x0d))
    return 0
}

// SwiftPM's entry point for this executable (see FuzzDriver).
@_cdecl("FuzzForm_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
