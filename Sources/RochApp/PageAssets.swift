/// Files in site/static that the server-rendered pages link to (fixed URLs: the functions do not know
/// the build's fingerprints). The shipped CSP allows no inline style or script, so pages carry neither.
enum PageAssets {
    /// Styles of the receipt, payment-return, booking-error and vendor pages.
    static let stylesheet = "/css/pages.css"
    /// The receipt's print button.
    static let printScript = "/js/print.js"

    /// The `<link>` every server-rendered page puts in its head.
    static let stylesheetLink = #"<link rel="stylesheet" href="\#(stylesheet)">"#
}
