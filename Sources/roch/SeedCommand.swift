import ArgumentParser
import Foundation
import RochApp
import RochStore

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load demo data (the Roch team, sample clients and bookings). Safe to run again.")

    @Flag(help: "Development only: give the demo owner and coordinator known passwords (and the owner a two-step key) and print them.")
    var demoSignIn = false

    func run() throws {
        let connection = try Connection(url: try databaseURL())
        let summary = try DemoData.load(into: connection)
        print(summary)
        if demoSignIn {
            let env = EnvironmentFile.merged(with: ProcessInfo.processInfo.environment)
            let siteURL = (try? Configuration(environment: env))?.siteURL ?? "http://127.0.0.1:8080"
            print(try DemoStaffSignIn.apply(connection, hasher: PasswordHasher.from(environment: env), siteURL: siteURL))
        }
    }
}
