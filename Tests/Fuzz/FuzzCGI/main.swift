// libFuzzer target: the CGI adapter must answer any environment and body without crashing or hanging.
// Input layout: lines "NAME=VALUE" up to a blank line form the environment, the rest is stdin.
import RochHTTP
import FuzzDriver

final class DiscardSink: ByteSink, @unchecked Sendable {
    var total = 0
    func write(_ bytes: [UInt8]) -> Bool { total += bytes.count; return true }
}

struct BytesSource: ByteSource {
    var bytes: ArraySlice<UInt8>
    mutating func read(upTo count: Int) throws -> [UInt8] {
        let chunk = bytes.prefix(count)
        bytes = bytes.dropFirst(chunk.count)
        return Array(chunk)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
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
    guard let env = try? CGIEnvironment.decode(pairs) else { return 0 }
    var source = BytesSource(bytes: rest)
    if let request = try? CGIAdapter.parseRequest(environment: env, body: &source, limit: 4096) {
        precondition(request.body.count <= 4096)
        _ = try? request.query()
        _ = try? request.form()
        _ = request.cookies
        _ = ErrorResponder.wantsJSON(request)
    }
    return 0
}

// SwiftPM's entry point for this executable (see FuzzDriver).
@_cdecl("FuzzCGI_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
