import ArgumentParser
import Foundation
import RochApp
import RochStore

struct SeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load demo data (the Roch team, sample clients and bookings). Safe to run again.")

    func run() throws {
        let connection = try Connection(url: try databaseURL())
        let summary = try DemoData.load(into: connection)
        print(summary)
    }
}
