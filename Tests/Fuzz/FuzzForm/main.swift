// libFuzzer target: urlencoded forms, cookies, static paths and SSE formatting on arbitrary input.
import RochHTTP

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
    precondition(event.split(separator: "\n", omittingEmptySubsequences: false).dropLast(2).allSatisfy {
        $0.hasPrefix("id: ") || $0.hasPrefix("event: ") || $0.hasPrefix("data: ")
    })
    return 0
}
