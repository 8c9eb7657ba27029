/// Where each assignment of a booking's vendor graph sits in a left-to-right drawing: an
/// assignment's column is one more than the deepest column of what it waits on (so every arrow
/// points right), and within a column assignments are stacked by id.
public struct VendorGraphLayout: Sendable, Equatable {
    public struct Place: Sendable, Equatable {
        public var column: Int
        public var row: Int
    }

    public let places: [Int64: Place]
    public let columns: Int
    public let rows: Int

    public init(_ graph: VendorGraph) {
        var column: [Int64: Int] = [:]
        for id in graph.topologicalOrder() {
            column[id] = graph.requirements(of: id).map { (column[$0] ?? 0) + 1 }.max() ?? 0
        }
        var filled: [Int: Int] = [:]
        var places: [Int64: Place] = [:]
        for id in graph.ids {
            let c = column[id] ?? 0
            places[id] = Place(column: c, row: filled[c, default: 0])
            filled[c, default: 0] += 1
        }
        self.places = places
        columns = (column.values.max() ?? -1) + 1
        rows = filled.values.max() ?? 0
    }
}
