import ArgumentParser
import Foundation
import RochApp
import RochCore
import RochStore

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load demo data (the Roch team, sample clients and bookings). Safe to run again.",
        discussion: """
            With --history 5y it loads a five-year history instead (about 2,000 bookings in every state, 20,000 payments, \
            100,000 notifications, 10,000 vendor assignments), the same for the same --random-seed and day; it needs a \
            database without bookings; --demo-sign-in works with it too.
            """)

    @Option(help: "Load a generated history instead of the demo: 5y (five years back, one ahead).") var history: String?
    @Option(help: "The seed of the generated history (same seed and day, same data).") var randomSeed: UInt64 = 1
    @Option(help: ArgumentHelp("Size of the history as a fraction of the contract's (1 = 2,000 bookings).", visibility: .hidden))
    var scale: Double = 1

    @Flag(help: "Development only: give the demo owner and coordinator known passwords (and the owner a two-step key) and print them.")
    var demoSignIn = false

    func run() throws {
        let connection = try Connection(url: try databaseURL())
        guard let history else {
            print(try DemoData.load(into: connection))
            if demoSignIn {
                try printDemoSignIn(connection)
            }
            return
        }
        guard history == "5y" else { throw ValidationError("--history takes 5y (five years of history), not '\(history)'") }
        guard scale > 0 && scale <= 10 else { throw ValidationError("--scale must be more than 0 and at most 10") }
        do {
            print(try HistorySeed.load(into: connection, shape: HistoryShape.fiveYears.scaled(scale), seed: randomSeed))
            if demoSignIn { try printDemoSignIn(connection) }
        } catch let refused as HistorySeedRefused {
            throw ValidationError(refused.description)
        }
    }

    /// The demo team's known passwords (the history loads the same team).
    func printDemoSignIn(_ connection: Connection) throws {
        let env = EnvironmentFile.merged(with: ProcessInfo.processInfo.environment)
        let siteURL = (try? Configuration(environment: env))?.siteURL ?? "http://127.0.0.1:8080"
        print(try DemoStaffSignIn.apply(connection, hasher: PasswordHasher.from(environment: env), siteURL: siteURL))
    }
}
