import Foundation
import Testing
import RochApp
import RochHTTP

/// `roch serve --in-process` makes each function's handler once, however many requests arrive first.
struct FunctionHandlersTests {
    /// Counts how often a definition's handler was made; the first attempts may be told to fail.
    final class Maker: @unchecked Sendable {
        private let lock = NSLock()
        private var made = 0
        private var failuresLeft: Int
        init(failFirst: Int = 0) { failuresLeft = failFirst }
        var count: Int { lock.withLock { made } }

        func definition() -> FunctionDefinition {
            FunctionDefinition(name: "probe") { [self] in
                let fail: Bool = lock.withLock {
                    made += 1
                    defer { failuresLeft -= 1 }
                    return failuresLeft > 0
                }
                try await Task.sleep(nanoseconds: 20_000_000)  // long enough for the other requests to arrive meanwhile
                if fail { throw CancellationError() }
                return { _ in .text("probe") }
            }
        }
    }

    @Test func requestsArrivingTogetherShareOneHandler() async throws {
        let maker = Maker()
        let definition = maker.definition()
        let handlers = FunctionHandlers { $0 == "probe" ? definition : nil }
        let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { try await handlers.handler(for: "probe") != nil } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(answers == Array(repeating: true, count: 20))
        #expect(maker.count == 1)
        _ = try await handlers.handler(for: "probe")
        #expect(maker.count == 1)
    }

    @Test func aHandlerThatCouldNotBeMadeIsTriedAgainAndUnknownNamesHaveNone() async throws {
        let maker = Maker(failFirst: 1)
        let definition = maker.definition()
        let handlers = FunctionHandlers { $0 == "probe" ? definition : nil }
        await #expect(throws: CancellationError.self) { _ = try await handlers.handler(for: "probe") }
        #expect(try await handlers.handler(for: "probe") != nil)
        #expect(maker.count == 2)
        #expect(try await handlers.handler(for: "nothing") == nil)
    }
}
