// libFuzzer target: arbitrary bytes from a "web server" through the FastCGI record parser and the
// connection state machine. Must never crash; every action must be well-formed.
import RochHTTP
import FuzzDriver

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var limits = FastCGIConnection.Limits()
    limits.maxBodyBytes = 8192
    limits.maxParamsBytes = 8192
    var state = FastCGIConnection(limits: limits)
    var offset = 0
    while offset < input.count {
        let parsed: (FastCGIRecord, Int)?
        do { parsed = try FastCGIRecordParser.parse(input[offset...]) } catch { return 0 }  // protocol error: close
        guard let (record, used) = parsed else { return 0 }  // needs more bytes
        precondition(used >= 8 && used <= input.count - offset)
        offset += used
        for action in state.receive(record) {
            switch action {
            case .send(let bytes):
                // whatever we send must itself parse as whole records
                guard let (records, rest) = try? FastCGIRecordParser.parseAll(bytes), rest == 0, !records.isEmpty else {
                    fatalError("responder produced malformed records")
                }
            case .close:
                return 0
            case .handle(let id, let request):
                precondition(request.body.count <= limits.maxBodyBytes)
                _ = state.finished(requestId: id)
            case .abort:
                break
            }
        }
    }
    return 0
}

// SwiftPM's entry point for this executable (see FuzzDriver).
@_cdecl("FuzzFastCGI_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
