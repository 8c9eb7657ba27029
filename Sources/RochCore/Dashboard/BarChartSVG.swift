import Foundation

/// A grouped bar chart of money as a small SVG document, drawn on the server (no charting
/// script): one group per period, one bar per series (e.g. "this year" beside "last year").
/// Colours come from the admin stylesheet through the `chart-series-N` classes; the figures
/// themselves are always also in a table beside the chart, so the picture is never the only way in.
public struct BarChartSVG: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public var label: String
        /// One amount per series; negative amounts are drawn as zero (the table shows them).
        public var values: [Money]
        public init(label: String, values: [Money]) {
            self.label = label
            self.values = values
        }
    }

    public var title: String
    public var series: [String]
    public var groups: [Group]

    public init(title: String, series: [String], groups: [Group]) {
        self.title = title
        self.series = series
        self.groups = groups
    }

    public static let width = 640
    public static let height = 260
    static let left = 64, right = 8, top = 28, bottom = 40

    /// The top of the value axis: the largest amount rounded up to 1, 2 or 5 × a power of ten (at least ₹1).
    public var axisMaximum: Money {
        let largest = groups.flatMap(\.values).map(\.paise).max() ?? 0
        var step: Int64 = 100
        while true {
            for m: Int64 in [1, 2, 5] where step * m >= largest { return Money(paise: step * m) }
            step *= 10
        }
    }

    /// "₹12.5 L", "₹1.2 Cr", "₹40k", "₹0": short enough for an axis.
    public static func short(_ m: Money) -> String {
        let rupees = Double(m.paise) / 100
        let sign = rupees < 0 ? "-" : ""
        let r = abs(rupees)
        func trimmed(_ v: Double) -> String {
            let s = String(format: "%.1f", v)
            return s.hasSuffix(".0") ? String(s.dropLast(2)) : s
        }
        if r >= 1_00_00_000 { return "\(sign)₹\(trimmed(r / 1_00_00_000)) Cr" }
        if r >= 1_00_000 { return "\(sign)₹\(trimmed(r / 1_00_000)) L" }
        if r >= 1_000 { return "\(sign)₹\(trimmed(r / 1_000))k" }
        return "\(sign)₹\(Int(r))"
    }

    /// The chart as an `<svg>` element (for inline use in a page), labelled by its title.
    public func render(id: String) -> String {
        let w = Self.width, h = Self.height
        let plotW = w - Self.left - Self.right, plotH = h - Self.top - Self.bottom
        let maximum = axisMaximum.paise
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" aria-labelledby=\"\(Self.escape(id))-title\">"
        out += "<title id=\"\(Self.escape(id))-title\">\(Self.escape(title))</title>"
        // value axis: five lines, 0 to the maximum
        for i in 0...4 {
            let y = Self.top + plotH - plotH * i / 4
            out += "<line class=\"chart-grid\" x1=\"\(Self.left)\" y1=\"\(y)\" x2=\"\(w - Self.right)\" y2=\"\(y)\"/>"
            out += "<text class=\"chart-axis\" x=\"\(Self.left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(Self.escape(Self.short(Money(paise: maximum * Int64(i) / 4))))</text>"
        }
        // legend
        var lx = Self.left
        for (s, name) in series.enumerated() {
            out += "<rect class=\"chart-series-\(s)\" x=\"\(lx)\" y=\"6\" width=\"12\" height=\"12\"/>"
            out += "<text class=\"chart-legend\" x=\"\(lx + 16)\" y=\"16\">\(Self.escape(name))</text>"
            lx += 24 + name.count * 7
        }
        guard !groups.isEmpty, !series.isEmpty else { return out + "</svg>" }
        let slot = plotW / groups.count
        let barW = max(2, (slot - 6) / series.count)
        let labelEvery = max(1, (groups.count * 48 + plotW - 1) / plotW)
        for (g, group) in groups.enumerated() {
            let x0 = Self.left + slot * g + 3
            for (s, value) in group.values.prefix(series.count).enumerated() {
                let barH = Int(Int64(plotH) * max(0, value.paise) / maximum)
                out += "<rect class=\"chart-series-\(s)\" x=\"\(x0 + barW * s)\" y=\"\(Self.top + plotH - barH)\" width=\"\(barW - 1)\" height=\"\(barH)\">"
                out += "<title>\(Self.escape("\(group.label), \(series[s]): \(value.inr)"))</title></rect>"
            }
            if g % labelEvery == 0 {
                out += "<text class=\"chart-axis\" x=\"\(x0 + (slot - 6) / 2)\" y=\"\(h - Self.bottom + 16)\" text-anchor=\"middle\">\(Self.escape(group.label))</text>"
            }
        }
        return out + "</svg>"
    }

    /// Text and attribute values in the SVG: the one HTML/XML escaping (HTMLText).
    static func escape(_ s: String) -> String { HTMLText.escape(s) }
}
