/// The vendors of one booking and who waits on whom: a directed acyclic graph.
///
/// Nodes are `VendorAssignment`s; an edge `(dependent, required)` means the dependent waits on
/// the required one. Every query is deterministic (ties broken by ascending id) so the
/// PostgreSQL side can reproduce the answers exactly; each method documents its rule.
public struct VendorGraph: Sendable, Equatable {
    /// Assignments by id.
    public let assignments: [Int64: VendorAssignment]
    /// Distinct edges, sorted by (dependent, required).
    public let dependencies: [VendorDependency]
    /// id -> ids it requires, ascending.
    let requires: [Int64: [Int64]]
    /// id -> ids that require it, ascending.
    let dependents: [Int64: [Int64]]
    /// All ids, ascending.
    public let ids: [Int64]

    /// Builds the graph; refuses duplicate ids, edges to unknown ids, self-dependencies and
    /// cycles. Repeated edges are kept once.
    public init(assignments: [VendorAssignment], dependencies: [VendorDependency]) throws {
        var byID: [Int64: VendorAssignment] = [:]
        for assignment in assignments {
            guard byID.updateValue(assignment, forKey: assignment.id) == nil else {
                throw VendorGraphError.duplicateAssignment(assignment.id)
            }
        }
        var edges = Set<VendorDependency>()
        for edge in dependencies {
            for id in [edge.dependent, edge.required] where byID[id] == nil { throw VendorGraphError.unknownAssignment(id) }
            if edge.dependent == edge.required { throw VendorGraphError.selfDependency(edge.dependent) }
            edges.insert(edge)
        }
        self.init(checked: byID, edges: edges)
        if let cyclic = firstCycle() { throw VendorGraphError.cycle(cyclic) }
    }

    private init(checked byID: [Int64: VendorAssignment], edges: Set<VendorDependency>) {
        assignments = byID
        ids = byID.keys.sorted()
        dependencies = edges.sorted { ($0.dependent, $0.required) < ($1.dependent, $1.required) }
        var requires: [Int64: [Int64]] = [:], dependents: [Int64: [Int64]] = [:]
        for edge in dependencies {
            requires[edge.dependent, default: []].append(edge.required)
            dependents[edge.required, default: []].append(edge.dependent)
        }
        self.requires = requires.mapValues { $0.sorted() }
        self.dependents = dependents.mapValues { $0.sorted() }
    }

    /// What `id` directly requires, ascending.
    public func requirements(of id: Int64) -> [Int64] { requires[id] ?? [] }

    /// What directly requires `id`, ascending.
    public func dependents(of id: Int64) -> [Int64] { dependents[id] ?? [] }

    /// The loop that adding "`dependent` waits on `required`" would close, or nil if it is safe.
    ///
    /// Semantics (SQL must match): a self-dependency returns `[dependent, dependent]`. Otherwise,
    /// if `dependent` is reachable from `required` by following existing edges from dependent to
    /// required, the answer is `[dependent] + p` where `p` is the shortest such walk from
    /// `required` to `dependent` (both ends included); among equally short walks, the
    /// lexicographically smallest id sequence. Example: caterer (2) already waits on decorator
    /// (1); adding decorator waits on caterer gives `[1, 2, 1]`. Unknown ids give nil.
    /// Edge statuses are ignored: cancelled and delivered assignments still count.
    public func cycleIfAdding(dependent: Int64, required: Int64) -> [Int64]? {
        guard assignments[dependent] != nil, assignments[required] != nil else { return nil }
        if dependent == required { return [dependent, dependent] }
        // Breadth-first from `required` along requirement edges, neighbours in ascending id order:
        // the first parent recorded for each node yields the lexicographically smallest shortest walk.
        var parent: [Int64: Int64] = [required: required]
        var frontier = [required]
        while !frontier.isEmpty {
            var next: [Int64] = []
            for node in frontier {
                for requirement in requirements(of: node) where parent[requirement] == nil {
                    parent[requirement] = node
                    if requirement == dependent {
                        var path = [dependent]
                        var current = dependent
                        while current != required {
                            current = parent[current]!
                            path.append(current)
                        }
                        return [dependent] + path.reversed()
                    }
                    next.append(requirement)
                }
            }
            frontier = next
        }
        return nil
    }

    /// The graph with one more edge, or an error naming the loop it would make.
    public func adding(dependent: Int64, required: Int64) throws -> VendorGraph {
        for id in [dependent, required] where assignments[id] == nil { throw VendorGraphError.unknownAssignment(id) }
        if dependent == required { throw VendorGraphError.selfDependency(dependent) }
        if let loop = cycleIfAdding(dependent: dependent, required: required) { throw VendorGraphError.cycle(loop) }
        return VendorGraph(checked: assignments,
                           edges: Set(dependencies).union([VendorDependency(dependent: dependent, required: required)]))
    }

    /// Every assignment, requirements before the assignments that wait on them. Among the
    /// assignments whose requirements are all placed, the smallest id goes first (Kahn's
    /// algorithm with a min-priority queue), so the order is unique. Statuses are ignored.
    public func topologicalOrder() -> [Int64] {
        var remaining = Dictionary(uniqueKeysWithValues: ids.map { ($0, requirements(of: $0).count) })
        var ready = MinHeap(ids.filter { remaining[$0] == 0 })
        var order: [Int64] = []
        order.reserveCapacity(ids.count)
        while let id = ready.pop() {
            order.append(id)
            for dependent in dependents(of: id) {
                remaining[dependent]! -= 1
                if remaining[dependent] == 0 { ready.push(dependent) }
            }
        }
        return order
    }

    /// A cycle in the stored edges, if any (only possible while building).
    private func firstCycle() -> [Int64]? {
        guard topologicalOrder().count != ids.count else { return nil }
        for edge in dependencies {
            // Removing nothing: the edge itself is present, so ask whether it closes a loop.
            if let loop = cycleIfAdding(dependent: edge.dependent, required: edge.required) { return loop }
        }
        return []
    }
}

/// A binary min-heap of ids (for the deterministic topological order).
struct MinHeap {
    private var items: [Int64] = []

    init(_ values: [Int64]) { values.forEach { push($0) } }

    mutating func push(_ value: Int64) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Int64? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < items.count, items[left] < items[smallest] { smallest = left }
            if right < items.count, items[right] < items[smallest] { smallest = right }
            if smallest == parent { return top }
            items.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
