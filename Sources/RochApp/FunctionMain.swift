import Foundation
import RochHTTP

/// A deployable function: its executable name and the handler every runtime runs.
public struct FunctionDefinition: Sendable {
    public let name: String
    /// Builds the handler once per process (a FastCGI responder opens its database pool here).
    public let makeHandler: @Sendable () async throws -> Handler
    /// The largest request body the runtimes accept for this function (413 beyond it).
    public let maxBodyBytes: Int

    public init(name: String, maxBodyBytes: Int = BodyLimit.defaultBytes, makeHandler: @escaping @Sendable () async throws -> Handler) {
        self.name = name
        self.maxBodyBytes = maxBodyBytes
        self.makeHandler = makeHandler
    }

    /// A function whose issue has not landed yet: answers 501 so nobody mistakes it for working.
    public static func placeholder(_ name: String) -> FunctionDefinition {
        FunctionDefinition(name: name) {
            { _ in throw HTTPError(501, code: "not_implemented", "The \(name) function is not built yet.") }
        }
    }
}

/// Entry point shared by every `functions/<name>/main.swift`: picks the runtime from argv and the environment.
public enum FunctionMain {
    /// How this process was asked to run.
    public enum Mode: Equatable {
        case fastCGI(FastCGIServer.Address)
        case cgi
        case help
        /// `--max-body-bytes`: print the function's request body limit (deploy/render.sh's table is checked against it).
        case maxBodyBytes
        case usage(String)
    }

    /// `--fastcgi ADDR`, then a listening socket on fd 0 (spawn-fcgi, systemd), then `GATEWAY_INTERFACE` (CGI).
    public static func mode(arguments: [String], environment: [String: String], stdinIsListeningSocket: Bool) -> Mode {
        var args = arguments.dropFirst()
        while let arg = args.popFirst() {
            switch arg {
            case "--help", "-h": return .help
            case "--max-body-bytes": return .maxBodyBytes
            case "--fastcgi":
                guard let value = args.popFirst() else { return .usage("--fastcgi needs an address") }
                do { return .fastCGI(try FastCGIServer.Address(parsing: value)) } catch { return .usage("\(error)") }
            default:
                if arg.hasPrefix("--fastcgi=") {
                    do { return .fastCGI(try FastCGIServer.Address(parsing: String(arg.dropFirst(10)))) } catch { return .usage("\(error)") }
                }
                return .usage("unknown argument '\(arg)'")
            }
        }
        if stdinIsListeningSocket { return .fastCGI(.inherited(descriptor: 0)) }
        if let gi = environment["GATEWAY_INTERFACE"], !gi.isEmpty { return .cgi }
        return .usage("no runtime selected")
    }

    public static func usage(_ name: String) -> String {
        """
        usage: \(name) [--fastcgi ADDR | --max-body-bytes]

        Runs the \(name) function under one of three runtimes:
          CGI        started by a web server (fcgiwrap, lighttpd, Apache) with GATEWAY_INTERFACE set
          FastCGI    --fastcgi unix:/run/roch/\(name).sock  or  --fastcgi 127.0.0.1:9000
                     or a listening socket passed on fd 0 (spawn-fcgi, systemd socket activation)
          dev        inside `roch serve`
        Stops gracefully on SIGTERM/SIGINT in FastCGI mode.
        --max-body-bytes prints the largest request body the function accepts (nginx's client_max_body_size).
        """
    }

    public static func run(_ function: FunctionDefinition) async -> Never {
        let arguments = CommandLine.arguments
        let mode = mode(arguments: arguments, environment: ProcessInfo.processInfo.environment,
                        stdinIsListeningSocket: FastCGIServer.isListeningSocket(0))
        switch mode {
        case .help:
            print(usage(function.name))
            exit(0)
        case .maxBodyBytes:
            print(function.maxBodyBytes)
            exit(0)
        case .usage(let problem):
            FileHandle.standardError.write(Data("\(function.name): \(problem)\n\n\(usage(function.name))\n".utf8))
            exit(64)
        case .cgi:
            RochLogging.bootstrap()
            let handler = observed(function, await makeHandlerOrFallback(function))
            exit(await CGIAdapter.runProcess(handler: handler, limit: function.maxBodyBytes))
        case .fastCGI(let address):
            RochLogging.bootstrap()
            let handler: Handler
            do { handler = observed(function, try await function.makeHandler()) } catch {
                FileHandle.standardError.write(Data("\(function.name): cannot start: \(error)\n".utf8))
                exit(70)
            }
            var limits = FastCGIConnection.Limits()
            limits.maxBodyBytes = function.maxBodyBytes
            do { try await FastCGIServer.run(address, handler: handler, limits: limits) } catch {
                FileHandle.standardError.write(Data("\(function.name): cannot listen on \(address): \(error)\n".utf8))
                exit(71)
            }
            exit(0)
        }
    }

    /// Request ids, JSON request logs and /metrics around the function's handler.
    static func observed(_ function: FunctionDefinition, _ handler: @escaping Handler) -> Handler {
        RequestObservation.wrap(function.name, context: { try? AppContext.shared() }, DatabaseOutage.wrap(handler))
    }

    /// In CGI a set-up failure must still produce a response: a logged 503.
    static func makeHandlerOrFallback(_ function: FunctionDefinition) async -> Handler {
        do { return try await function.makeHandler() } catch {
            log("\(function.name): set-up failed: \(String(reflecting: error))")
            return { _ in throw HTTPError(503, code: "unavailable", "The service is starting or unavailable. Please try again shortly.") }
        }
    }
}
