import ArgumentParser
import Foundation
import RochApp
import RochHTTP

/// `roch serve`: the built site and every function on one port, for development.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve public/ and the functions (/api/<name>, /admin) on one port.",
        discussion: """
        By default each function request runs .build/debug/<name> as a CGI program, exactly as a web server \
        with fcgiwrap would. --in-process calls the handlers directly (faster, one process).
        """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (default: $PORT or 8080).") var port: Int?
    @Option(name: .customLong("dir"), help: "Directory of the built site.") var publicDirectory = "public"
    @Option(help: "Directory holding the function executables.") var functionsDir = ".build/debug"
    @Flag(help: "Call the function handlers in this process instead of spawning CGI programs.") var inProcess = false
    @Flag(help: "Reload open pages when files under the site directory change.") var liveReload = false

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        if let env = ProcessInfo.processInfo.environment["PORT"], port == nil, Int(env) == nil {
            throw ValidationError("PORT=\(env) is not a number: set PORT to a port such as 8080, or pass --port.")
        }
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: publicDirectory, isDirectory: &isDir) || !isDir.boolValue {
            throw ValidationError("\(publicDirectory) is not a directory: run `roch build` first, or pass --dir.")
        }
        if !inProcess && !FileManager.default.fileExists(atPath: functionsDir) {
            throw ValidationError("\(functionsDir) does not exist: run `swift build`, pass --functions-dir, or use --in-process.")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var config = DevServer.Configuration()
        config.host = host
        config.port = port ?? ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init) ?? 8080
        config.publicDirectory = publicDirectory
        config.liveReload = liveReload
        let inbox = DevInboxPage()
        config.devPages[DevInboxPage.path] = { request in try await inbox.handle(request) }
        if inProcess {
            let handlers = FunctionHandlers()
            config.functions = .inProcess { name in try await handlers.handler(for: name) }
        } else {
            config.functions = .cgi(directory: URL(fileURLWithPath: functionsDir).standardizedFileURL.path)
        }
        let server = try await DevServer.start(config)
        let mode = inProcess ? "in-process" : "CGI from \(functionsDir)"
        print("roch serve: http://\(host):\(server.port ?? config.port)/ (site: \(publicDirectory), functions: \(mode)\(liveReload ? ", live reload" : ""))")
        fflush(nil)  // nil: every output stream, without naming glibc's mutable `stdout` global
        await FastCGIServer.waitForTerminationSignal()
        await server.shutdown()
    }
}
