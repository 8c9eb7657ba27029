import RochCore

/// Draws a booking's vendor graph as inline SVG, left to right (`VendorGraphLayout`): blocked
/// assignments red, dashed and labelled "Blocked" with their reason, the critical path drawn thick
/// and labelled, so colour is never the only signal. The page lists the same facts beside it.
enum VendorGraphSVG {
    static let nodeWidth = 190, nodeHeight = 70, columnGap = 56, rowGap = 18, margin = 10

    struct Node {
        var id: Int64
        var role: String
        var vendor: String
        var status: String
        var blockedReason: String?
        var critical: Bool
    }

    static func draw(graph: VendorGraph, nodes: [Int64: Node], criticalPath: [Int64], title: String) -> String {
        let layout = VendorGraphLayout(graph)
        guard layout.columns > 0 else { return "" }
        let width = margin * 2 + layout.columns * nodeWidth + (layout.columns - 1) * columnGap
        let height = margin * 2 + layout.rows * nodeHeight + max(0, layout.rows - 1) * rowGap
        func origin(_ id: Int64) -> (x: Int, y: Int) {
            let p = layout.places[id]!
            return (margin + p.column * (nodeWidth + columnGap), margin + p.row * (nodeHeight + rowGap))
        }
        var criticalEdges = Set<String>()
        for (a, b) in zip(criticalPath, criticalPath.dropFirst()) { criticalEdges.insert("\(a)-\(b)") }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="vg-title vg-desc" font-family="system-ui, sans-serif" font-size="12">
            <title id="vg-title">\(escape(title))</title>
            <desc id="vg-desc">Each box is a vendor; an arrow points from what is needed to who waits on it. The list beside the drawing says the same in words.</desc>
            <defs><marker id="vg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#4a3b3b"/></marker></defs>

            """
        for d in graph.dependencies {
            let from = origin(d.required), to = origin(d.dependent)
            let x1 = from.x + nodeWidth, y1 = from.y + nodeHeight / 2, x2 = to.x - 2, y2 = to.y + nodeHeight / 2
            let critical = criticalEdges.contains("\(d.required)-\(d.dependent)")
            let mid = (x1 + x2) / 2
            out += "<path d=\"M\(x1) \(y1) C\(mid) \(y1) \(mid) \(y2) \(x2) \(y2)\" fill=\"none\" stroke=\"\(critical ? "#7a1f2b" : "#6b5e5e")\" stroke-width=\"\(critical ? 3.5 : 1.5)\" marker-end=\"url(#vg-arrow)\"/>\n"
        }
        for id in graph.ids {
            guard let n = nodes[id] else { continue }
            let o = origin(id)
            let blocked = n.blockedReason != nil
            let fill = blocked ? "#fdeceb" : "#ffffff"
            let stroke = blocked ? "#b3261e" : (n.critical ? "#7a1f2b" : "#6b5e5e")
            out += "<g><title>\(escape(n.role + " (" + n.vendor + "): " + n.status + (n.blockedReason.map { ". Blocked: " + $0 } ?? "") + (n.critical ? ". On the critical path." : "")))</title>"
            out += "<rect x=\"\(o.x)\" y=\"\(o.y)\" width=\"\(nodeWidth)\" height=\"\(nodeHeight)\" rx=\"8\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(n.critical ? 3.5 : 1.5)\"\(blocked ? " stroke-dasharray=\"6 3\"" : "")/>"
            out += "<text x=\"\(o.x + 10)\" y=\"\(o.y + 19)\" font-weight=\"700\" fill=\"#2b1d1d\">\(escape(clip(n.role, 24)))</text>"
            out += "<text x=\"\(o.x + 10)\" y=\"\(o.y + 36)\" fill=\"#4a3b3b\">\(escape(clip(n.vendor, 28)))</text>"
            let tag = blocked ? "Blocked · \(n.status)" : n.status
            out += "<text x=\"\(o.x + 10)\" y=\"\(o.y + 54)\" fill=\"\(blocked ? "#8c1d18" : "#4a3b3b")\" font-weight=\"\(blocked ? 700 : 400)\">\(escape(clip(tag + (n.critical ? " · critical" : ""), 30)))</text></g>\n"
        }
        return out + "</svg>"
    }

    static func clip(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }

    /// Text and attribute values in the SVG: the one HTML/XML escaping (HTMLText).
    static func escape(_ s: String) -> String { HTMLText.escape(s) }
}
