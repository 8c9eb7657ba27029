import Foundation
import RochApp
import RochStore

/// The live-installation part of `roch doctor` (sockets, worker, outbox, document store, certificate).
enum InstallationChecks {
    /// Prints one line per finding; true when any is a problem.
    static func report(configuration: Configuration, environment: [String: String]) -> Bool {
        let connection = try? Connection(url: configuration.databaseURL)
        let findings = InstallationDoctor.run(connection: connection, environment: environment)
        for f in findings { print(f.line) }
        return findings.contains { !$0.ok }
    }
}
