import CPangoCairo
import Foundation

/// Draws a `PrintedDocument` on A4 pages with cairo's PDF surface; pango lays out and shapes the text
/// (Noto Sans, with fontconfig's fallback to Noto Sans Telugu, Devanagari, ... for other scripts), so
/// the text stays selectable and searchable in the PDF.
public enum PDFRenderer {
    /// Why a PDF could not be written.
    public struct RenderError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    static let pageWidth = 595.276, pageHeight = 841.89   // A4 in points
    static let margin = 42.0
    static let maroon = (0.478, 0.122, 0.239), marigold = (0.949, 0.647, 0.086), ink = (0.165, 0.114, 0.133), muted = (0.357, 0.294, 0.318)

    /// Writes the PDF to `path` (created or replaced).
    public static func render(_ document: PrintedDocument, to path: String) throws {
        guard let surface = cairo_pdf_surface_create(path, pageWidth, pageHeight) else { throw RenderError(description: "cannot create \(path)") }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw RenderError(description: "cannot write \(path): \(String(cString: cairo_status_to_string(cairo_surface_status(surface))))")
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "\(document.title) \(document.number)")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, document.letterhead.name)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, "\(document.title) for \(document.party.name)")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Roch Events platform")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, document.createdAt)
        guard let cr = cairo_create(surface) else { throw RenderError(description: "cairo_create failed") }
        defer { cairo_destroy(cr) }
        var page = Page(cr: cr)
        page.draw(document)
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw RenderError(description: "writing \(path): \(String(cString: cairo_status_to_string(status)))") }
    }
}

/// The drawing cursor: where the next block goes, and a new page when it would not fit.
struct Page {
    let cr: OpaquePointer
    var y = PDFRenderer.margin
    let left = PDFRenderer.margin
    let width = PDFRenderer.pageWidth - 2 * PDFRenderer.margin

    init(cr: OpaquePointer) { self.cr = cr }

    mutating func draw(_ d: PrintedDocument) {
        letterhead(d)
        party(d)
        table(d)
        totals(d)
        if let words = d.amountInWords {
            ensure(30)
            y += text("Amount in words", x: left, y: y, width: width, size: 8.5, bold: true, color: PDFRenderer.muted)
            y += text(words, x: left, y: y, width: width, size: 9.5, bold: true) + 10
        }
        for section in d.sections {
            ensure(40)
            y += text(section.heading, x: left, y: y, width: width, size: 10, bold: true, color: PDFRenderer.maroon) + 3
            for line in section.lines {
                ensure(16)
                y += text(line, x: left + 8, y: y, width: width - 8, size: 9) + 2
            }
            y += 8
        }
        ensure(40)
        rule(color: PDFRenderer.marigold)
        y += 6
        for line in d.footer { y += text(line, x: left, y: y, width: width, size: 8, color: PDFRenderer.muted) + 1 }
    }

    /// The logo from site/assets/images/logo.svg (a maroon disc, eight marigold petals, a cream heart),
    /// drawn with the same geometry; the business's name, address and GSTIN; the title and number.
    mutating func letterhead(_ d: PrintedDocument) {
        let scale = 1.4, ox = left, oy = y
        cairo_save(cr)
        cairo_translate(cr, ox, oy)
        cairo_scale(cr, scale, scale)
        cairo_arc(cr, 20, 20, 19, 0, 2 * .pi); setColor(PDFRenderer.maroon); cairo_fill(cr)
        setColor(PDFRenderer.marigold)
        for step in 0..<8 {
            cairo_save(cr)
            cairo_translate(cr, 20, 20); cairo_rotate(cr, Double(step) * .pi / 4); cairo_translate(cr, 0, -11)
            cairo_scale(cr, 3.2, 6); cairo_arc(cr, 0, 0, 1, 0, 2 * .pi)
            cairo_restore(cr)
            cairo_fill(cr)
        }
        cairo_arc(cr, 20, 20, 5, 0, 2 * .pi); cairo_set_source_rgb(cr, 1, 0.98, 0.953); cairo_fill(cr)
        cairo_restore(cr)
        let textX = left + 40 * scale + 12
        var ty = oy
        ty += text(d.letterhead.name, x: textX, y: ty, width: 260, size: 20, bold: true, color: PDFRenderer.maroon)
        for line in d.letterhead.addressLines { ty += text(line, x: textX, y: ty, width: 260, size: 9, color: PDFRenderer.muted) }
        ty += text("\(d.letterhead.phone) · \(d.letterhead.email) · \(d.letterhead.website)", x: textX, y: ty, width: 300, size: 8.5, color: PDFRenderer.muted)
        ty += text("GSTIN: \(d.letterhead.gstin ?? "not configured") · State: \(d.letterhead.state)", x: textX, y: ty, width: 300, size: 8.5, bold: true)
        var ry = oy
        ry += text(d.title.uppercased(), x: left + width - 180, y: ry, width: 180, size: 17, bold: true, color: PDFRenderer.maroon, alignment: .right)
        ry += text(d.number, x: left + width - 180, y: ry, width: 180, size: 11, bold: true, alignment: .right)
        y = max(ty, ry, oy + 40 * scale) + 8
        rule(color: PDFRenderer.marigold, thickness: 1.5)
        y += 10
    }

    mutating func party(_ d: PrintedDocument) {
        let half = width / 2 - 10
        var ly = y
        ly += text(d.partyHeading, x: left, y: ly, width: half, size: 8.5, bold: true, color: PDFRenderer.muted)
        ly += text(d.party.name, x: left, y: ly, width: half, size: 11.5, bold: true)
        for line in d.party.addressLines { ly += text(line, x: left, y: ly, width: half, size: 9) }
        if let phone = d.party.phone { ly += text(phone, x: left, y: ly, width: half, size: 9) }
        if let email = d.party.email { ly += text(email, x: left, y: ly, width: half, size: 9) }
        if let gstin = d.party.gstin { ly += text("GSTIN: \(gstin)", x: left, y: ly, width: half, size: 9, bold: true) }
        var ry = y
        for line in d.details {
            let h = text(line.label, x: left + width / 2 + 10, y: ry, width: 90, size: 9, color: PDFRenderer.muted)
            ry += max(h, text(line.value, x: left + width / 2 + 100, y: ry, width: half - 90, size: 9, bold: line.emphasised))
        }
        y = max(ly, ry) + 14
    }

    mutating func table(_ d: PrintedDocument) {
        guard !d.columns.isEmpty else { return }
        let total = d.columns.reduce(0) { $0 + $1.weight }
        let widths = d.columns.map { width * $0.weight / total }
        func row(_ cells: [String], header: Bool) {
            var x = left, height = 0.0
            let heights = zip(cells, zip(widths, d.columns)).map { cell, column -> Double in
                defer { x += column.0 }
                return measure(cell, width: column.0 - 8, size: 8, bold: header)
            }
            height = (heights.max() ?? 12) + 8
            ensure(height + 4)
            if header {
                cairo_rectangle(cr, left, y, width, height); setColor(PDFRenderer.maroon); cairo_fill(cr)
            }
            x = left
            for (cell, (w, column)) in zip(cells, zip(widths, d.columns)) {
                _ = text(cell, x: x + 4, y: y + 4, width: w - 8, size: 8, bold: header,
                         color: header ? (1, 1, 1) : PDFRenderer.ink, alignment: column.alignment)
                x += w
            }
            y += height
            if !header { rule(color: (0.902, 0.851, 0.8), thickness: 0.5) }
        }
        row(d.columns.map(\.title), header: true)
        for cells in d.rows { row(cells, header: false) }
        y += 8
    }

    mutating func totals(_ d: PrintedDocument) {
        for line in d.totals {
            ensure(18)
            let size = line.emphasised ? 11.0 : 9.5
            let h = text(line.label, x: left + width - 300, y: y, width: 170, size: size, bold: line.emphasised, alignment: .right)
            _ = text(line.value, x: left + width - 125, y: y, width: 125, size: size, bold: line.emphasised, alignment: .right)
            y += h + 3
        }
        y += 8
    }

    mutating func ensure(_ height: Double) {
        if y + height > PDFRenderer.pageHeight - PDFRenderer.margin {
            cairo_show_page(cr)
            y = PDFRenderer.margin
        }
    }

    mutating func rule(color: (Double, Double, Double), thickness: Double = 0.8) {
        setColor(color)
        cairo_set_line_width(cr, thickness)
        cairo_move_to(cr, left, y); cairo_line_to(cr, left + width, y); cairo_stroke(cr)
    }

    func setColor(_ c: (Double, Double, Double)) { cairo_set_source_rgb(cr, c.0, c.1, c.2) }

    /// Lays out and draws wrapped text; returns its height.
    @discardableResult
    func text(_ string: String, x: Double, y: Double, width: Double, size: Double, bold: Bool = false,
              color: (Double, Double, Double) = PDFRenderer.ink, alignment: PrintedDocument.Alignment = .left) -> Double {
        guard let layout = makeLayout(string, width: width, size: size, bold: bold, alignment: alignment) else { return 0 }
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        setColor(color)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, layout)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return Double(h) / Double(PANGO_SCALE)
    }

    func measure(_ string: String, width: Double, size: Double, bold: Bool) -> Double {
        guard let layout = makeLayout(string, width: width, size: size, bold: bold, alignment: .left) else { return 0 }
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return Double(h) / Double(PANGO_SCALE)
    }

    private func makeLayout(_ string: String, width: Double, size: Double, bold: Bool, alignment: PrintedDocument.Alignment) -> OpaquePointer? {
        guard let layout = pango_cairo_create_layout(cr) else { return nil }
        // Sizes are in points: pango would assume a 96 dpi screen and draw everything a third larger.
        pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72)
        pango_layout_context_changed(layout)
        let font = pango_font_description_from_string("Noto Sans \(bold ? "Bold " : "")\(size)")
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, alignment == .right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT)
        pango_layout_set_text(layout, string, -1)
        return layout
    }
}
