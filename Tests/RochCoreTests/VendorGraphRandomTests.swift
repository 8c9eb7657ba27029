import Testing
import RochCore

/// Randomized DAGs (seeded) checked against slow, obviously-correct reference computations.
struct VendorGraphRandomTests {
    struct Case {
        let assignments: [VendorAssignment]
        let edges: [VendorDependency]
        let graph: VendorGraph
    }

    /// `n` assignments with scattered ids; edges only from later to earlier in a random rank
    /// order (so acyclic), about `degree` requirements per node; random statuses and dates.
    static func randomCase(n: Int, degree: Double, seed: UInt64) throws -> Case {
        var rng = SplitMix64(seed: seed)
        var idPool = Set<Int64>()
        while idPool.count < n { idPool.insert(Int64.random(in: 1...Int64(n * 10), using: &rng)) }
        let ranked = Array(idPool).shuffled(using: &rng)
        let statuses = VendorAssignmentStatus.allCases
        let assignments = ranked.map { id in
            VendorAssignment(id: id, role: "Vendor \(id)", status: statuses.randomElement(using: &rng)!,
                             milestoneDate: Bool.random(using: &rng) ? CalendarDay("2027-01-01")!.adding(days: Int.random(in: 0...60, using: &rng)) : nil,
                             milestoneText: Bool.random(using: &rng) ? "step \(id)" : nil)
        }
        var edges: [VendorDependency] = []
        for index in 1..<max(1, n) {
            let count = Int.random(in: 0...Int(degree * 2), using: &rng)
            for _ in 0..<count {
                // Mostly nearby ranks, so long chains appear.
                let back = Int.random(in: 1...min(index, Bool.random(using: &rng) ? 3 : index), using: &rng)
                edges.append(VendorDependency(dependent: ranked[index], required: ranked[index - back]))
            }
        }
        return Case(assignments: assignments, edges: edges, graph: try VendorGraph(assignments: assignments, dependencies: edges))
    }

    static let sizes: [(n: Int, degree: Double, seed: UInt64)] = [
        (2, 1, 1), (5, 1, 2), (8, 1.5, 3), (9, 2, 4), (10, 1, 5), (12, 1.5, 6), (60, 2, 7), (200, 1.5, 8), (1_000, 1.5, 9),
    ]

    // MARK: references

    /// Requirement edges as an id -> [id] map built straight from the edge list.
    static func requiresMap(_ c: Case) -> [Int64: Set<Int64>] {
        var map: [Int64: Set<Int64>] = [:]
        for edge in c.edges { map[edge.dependent, default: []].insert(edge.required) }
        return map
    }

    /// Shortest number of edges from `from` to `to` by repeated relaxation (Bellman-Ford).
    static func distance(_ c: Case, from: Int64, to: Int64) -> Int? {
        var dist: [Int64: Int] = [from: 0]
        for _ in 0..<c.assignments.count {
            var changed = false
            for edge in c.edges {
                if let d = dist[edge.dependent], d + 1 < dist[edge.required] ?? Int.max {
                    dist[edge.required] = d + 1
                    changed = true
                }
            }
            if !changed { break }
        }
        return dist[to]
    }

    /// Every simple walk from `from` to `to` along requirement edges (small graphs only).
    static func allWalks(_ requires: [Int64: Set<Int64>], from: Int64, to: Int64, allowed: (Int64) -> Bool) -> [[Int64]] {
        var walks: [[Int64]] = []
        func go(_ path: [Int64]) {
            if path.last == to { walks.append(path); return }
            for next in (requires[path.last!] ?? []).sorted() where allowed(next) && !path.contains(next) { go(path + [next]) }
        }
        go([from])
        return walks
    }

    static func lexLess(_ a: [Int64], _ b: [Int64]) -> Bool { a.lexicographicallyPrecedes(b) }

    // MARK: tests

    @Test(arguments: sizes.map { $0.seed })
    func topologicalOrderMatchesTheNaiveSmallestReadyFirstOrder(seed: UInt64) throws {
        let size = Self.sizes.first { $0.seed == seed }!
        let c = try Self.randomCase(n: size.n, degree: size.degree, seed: seed)
        let requires = Self.requiresMap(c)
        var placed = Set<Int64>(), expected: [Int64] = []
        let sorted = c.assignments.map(\.id).sorted()
        while expected.count < sorted.count {
            let next = sorted.first { !placed.contains($0) && (requires[$0] ?? []).isSubset(of: placed) }!
            placed.insert(next)
            expected.append(next)
        }
        #expect(c.graph.topologicalOrder() == expected)
    }

    @Test(arguments: sizes.map { $0.seed })
    func cycleCheckAgreesWithReachabilityAndGivesTheShortestSmallestLoop(seed: UInt64) throws {
        let size = Self.sizes.first { $0.seed == seed }!
        let c = try Self.randomCase(n: size.n, degree: size.degree, seed: seed)
        let requires = Self.requiresMap(c)
        var rng = SplitMix64(seed: seed &* 31)
        let ids = c.assignments.map(\.id)
        for _ in 0..<(size.n <= 12 ? size.n * size.n : 60) {
            let d = ids.randomElement(using: &rng)!, r = ids.randomElement(using: &rng)!
            let loop = c.graph.cycleIfAdding(dependent: d, required: r)
            if d == r { #expect(loop == [d, d]); continue }
            guard let dist = Self.distance(c, from: r, to: d) else { #expect(loop == nil); continue }
            guard let loop else { Issue.record("missed loop \(d) -> \(r)"); continue }
            #expect(loop.first == d && loop.last == d && loop[1] == r)
            #expect(loop.count == dist + 2)
            for i in 1..<(loop.count - 1) { #expect(requires[loop[i]]?.contains(loop[i + 1]) == true) }
            if size.n <= 12 {
                let walks = Self.allWalks(requires, from: r, to: d) { _ in true }.filter { $0.count == dist + 1 }
                #expect(Array(loop.dropFirst()) == walks.min(by: Self.lexLess))
            }
        }
    }

    @Test(arguments: sizes.map { $0.seed })
    func blockedMatchesAFixpointClosureOverUnfinishedAssignments(seed: UInt64) throws {
        let size = Self.sizes.first { $0.seed == seed }!
        let c = try Self.randomCase(n: size.n, degree: size.degree, seed: seed)
        let status = Dictionary(uniqueKeysWithValues: c.assignments.map { ($0.id, $0.status) })
        func unfinished(_ id: Int64) -> Bool { status[id] != .delivered && status[id] != .cancelled }
        let liveEdges = c.edges.filter { unfinished($0.dependent) && unfinished($0.required) }
        // closure[a] = everything a waits on through unfinished assignments, by iterating to a fixpoint.
        var closure: [Int64: Set<Int64>] = [:]
        var changed = true
        while changed {
            changed = false
            for edge in liveEdges {
                let before = closure[edge.dependent]?.count ?? 0
                closure[edge.dependent, default: []].formUnion([edge.required])
                closure[edge.dependent]!.formUnion(closure[edge.required] ?? [])
                if closure[edge.dependent]!.count != before { changed = true }
            }
        }
        let direct = Dictionary(grouping: liveEdges, by: \.dependent).mapValues { Set($0.map(\.required)) }
        let expectedIDs = c.assignments.map(\.id).filter { direct[$0] != nil }.sorted()
        let blocked = c.graph.blocked()
        #expect(blocked.map(\.id) == expectedIDs)
        if size.n >= 200 { #expect(blocked.count > 20 && blocked.contains { $0.rootCauses != $0.waitsOn }) }
        for entry in blocked {
            #expect(entry.waitsOn == direct[entry.id]!.sorted())
            #expect(entry.rootCauses == closure[entry.id]!.filter { direct[$0] == nil }.sorted())
            #expect(!entry.rootCauses.isEmpty)
            #expect(entry.reason.hasPrefix("Vendor \(entry.id) waits on Vendor \(entry.waitsOn[0]): "))
        }
    }

    @Test(arguments: sizes.map { $0.seed })
    func scheduleConflictsMatchAPairwiseScan(seed: UInt64) throws {
        let size = Self.sizes.first { $0.seed == seed }!
        let c = try Self.randomCase(n: size.n, degree: size.degree, seed: seed)
        let byID = Dictionary(uniqueKeysWithValues: c.assignments.map { ($0.id, $0) })
        let edges = Set(c.edges)
        var expected: [(Int64, Int64)] = []
        for a in c.assignments.map(\.id).sorted() {
            for b in c.assignments.map(\.id).sorted() where edges.contains(VendorDependency(dependent: a, required: b)) {
                let x = byID[a]!, y = byID[b]!
                if x.status != .cancelled, y.status != .cancelled, let dx = x.milestoneDate, let dy = y.milestoneDate, dx < dy {
                    expected.append((a, b))
                }
            }
        }
        let conflicts = c.graph.scheduleConflicts()
        if size.n >= 200 { #expect(conflicts.count > 10) }
        #expect(conflicts.map(\.dependent) == expected.map(\.0))
        #expect(conflicts.map(\.required) == expected.map(\.1))
    }

    @Test(arguments: sizes.map { $0.seed })
    func criticalPathIsTheLongestSmallestUnfinishedChain(seed: UInt64) throws {
        let size = Self.sizes.first { $0.seed == seed }!
        let c = try Self.randomCase(n: size.n, degree: size.degree, seed: seed)
        let status = Dictionary(uniqueKeysWithValues: c.assignments.map { ($0.id, $0.status) })
        func unfinished(_ id: Int64) -> Bool { status[id] != .delivered && status[id] != .cancelled }
        let liveEdges = c.edges.filter { unfinished($0.dependent) && unfinished($0.required) }
        // Longest chain ending at each node, by relaxing until nothing changes.
        var longest = Dictionary(uniqueKeysWithValues: c.assignments.map(\.id).filter(unfinished).map { ($0, 1) })
        var changed = true
        while changed {
            changed = false
            for edge in liveEdges where longest[edge.required]! + 1 > longest[edge.dependent]! {
                longest[edge.dependent] = longest[edge.required]! + 1
                changed = true
            }
        }
        let path = c.graph.criticalPath()
        #expect(path.count == (longest.values.max() ?? 0))
        if size.n >= 200 { #expect(path.count >= 4) }
        let live = Set(liveEdges)
        for i in 0..<max(0, path.count - 1) {
            #expect(live.contains(VendorDependency(dependent: path[i + 1], required: path[i])))
        }
        if size.n <= 12 {
            // Every chain, enumerated: the answer is the smallest among the longest.
            var dependents: [Int64: Set<Int64>] = [:]
            for edge in liveEdges { dependents[edge.required, default: []].insert(edge.dependent) }
            var chains: [[Int64]] = []
            func go(_ chain: [Int64]) {
                chains.append(chain)
                for next in (dependents[chain.last!] ?? []).sorted() { go(chain + [next]) }
            }
            for id in longest.keys { go([id]) }
            let maxCount = chains.map(\.count).max() ?? 0
            #expect(path == (chains.filter { $0.count == maxCount }.min(by: Self.lexLess) ?? []))
        }
    }

    @Test func randomGraphsRejectEveryEdgeThatWouldCloseALoop() throws {
        let c = try Self.randomCase(n: 40, degree: 2, seed: 99)
        for edge in c.edges {
            // Reversing an existing edge always closes a loop of length 2 or more.
            #expect(c.graph.cycleIfAdding(dependent: edge.required, required: edge.dependent) != nil)
            #expect(throws: VendorGraphError.self) {
                try VendorGraph(assignments: c.assignments, dependencies: c.edges + [VendorDependency(dependent: edge.required, required: edge.dependent)])
            }
        }
    }
}
