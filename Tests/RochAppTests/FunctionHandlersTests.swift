import Foundation
import Testing
import RochApp
import RochHTTP

/// `roch serve --in-process` makes each function's handler once, however many requests arrive first.
struct FunctionHandlersTests {
    /// Counts how often a definition's handler was made; the first attempts may be told to fail.
    /// With `hold`, making a handler waits until the test opens it.
    final class Maker: @unchecked Sendable {
        private let lock = NSLock()
        private var made = 0
        private var failuresLeft: Int
        private let hold: MakingGate?
        init(failFirst: Int = 0, hold: MakingGate? = nil) { failuresLeft = failFirst; self.hold = hold }
        var count: Int { lock.withLock { made } }

        func definition() -> FunctionDefinition {
            FunctionDefinition(name: "probe") { [self] in
                let fail: Bool = lock.withLock {
                    made += 1
                    defer { failuresLeft -= 1 }
                    return failuresLeft > 0
                }
                await hold?.wait()
                if fail { throw CancellationError() }
                return { _ in .text("probe") }
            }
        }
    }

    @Test func requestsArrivingTogetherShareOneHandler() async throws {
        // The first request's handler is still being made (held) while all 20 requests arrive.
        let hold = MakingGate()
        let maker = Maker(hold: hold)
        let definition = maker.definition()
        let handlers = FunctionHandlers { $0 == "probe" ? definition : nil }
        let arrived = ArrivalCounter()
        async let answers = withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { arrived.increment(); return try await handlers.handler(for: "probe") != nil } }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        let deadline = Date().addingTimeInterval(60)  // a hang guard, not a timing check
        while (arrived.value < 20 || maker.count < 1) && Date() < deadline { try await Task.sleep(nanoseconds: 1_000_000) }
        await hold.open()
        #expect(try await answers == Array(repeating: true, count: 20))
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

/// Holds handler making until the test opens it.
actor MakingGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        waiters.forEach { $0.resume() }
        waiters = []
    }
}

/// A thread-safe count.
final class ArrivalCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    var value: Int { lock.withLock { n } }
    func increment() { lock.withLock { n += 1 } }
}
