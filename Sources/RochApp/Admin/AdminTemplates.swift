import Crypto
import Foundation
import Mustache
import RochCore
import RochHTTP

/// The admin pages' Mustache templates and stylesheet (site/admin), loaded once per process.
public struct AdminTemplates: Sendable {
    public let directory: String
    let library: MustacheLibrary
    let stylesheet: [UInt8]
    /// site/admin/dashboard.js: live updates of the dashboard (the page works without it).
    let dashboardScript: [UInt8]
    /// Part of the stylesheet's URL, so a changed stylesheet is fetched again.
    let stylesheetVersion: String

    public struct Missing: Error, CustomStringConvertible {
        public var directory: String
        public var description: String {
            "admin templates not found in \(directory): set ROCH_ADMIN_TEMPLATES to the site/admin folder (deployed next to the functions)"
        }
    }

    public init(directory: String) throws {
        var library = MustacheLibrary()
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory), names.contains("layout.mustache") else {
            throw Missing(directory: directory)
        }
        for file in names where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            library.register(try MustacheTemplate(string: text), named: String(file.dropLast(".mustache".count)))
        }
        self.library = library
        self.directory = directory
        stylesheet = Array(fm.contents(atPath: directory + "/admin.css") ?? Data())
        dashboardScript = Array(fm.contents(atPath: directory + "/dashboard.js") ?? Data())
        stylesheetVersion = SHA256.hash(data: stylesheet).prefix(5).map { String(format: "%02x", $0) }.joined()
    }

    /// ROCH_ADMIN_TEMPLATES, else `site/admin` in the working directory, else next to the executable's
    /// install (e.g. /srv/roch/bin/admin -> /srv/roch/site/admin) or checkout (.build/debug/admin -> site/admin).
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let configured = environment["ROCH_ADMIN_TEMPLATES"], !configured.isEmpty { return configured }
        let fm = FileManager.default
        let cwd = fm.currentDirectoryPath + "/site/admin"
        if fm.fileExists(atPath: cwd + "/layout.mustache") { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("site/admin").path
            if fm.fileExists(atPath: candidate + "/layout.mustache") { return candidate }
            dir.deleteLastPathComponent()
        }
        return cwd
    }

    public var stylesheetURL: String { "/admin/assets/admin.css?v=\(stylesheetVersion)" }

    /// Renders `template` (which extends `layout`). Values are HTML-escaped by Mustache's `{{ }}`.
    func render(_ template: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: template) ?? ""
    }
}

/// What every admin page's layout needs besides its own values.
struct AdminPage {
    var template: String
    var title: String
    var status = 200
    var values: [String: Any] = [:]
    /// Which navigation entry is this page (nil: none).
    var current: String?

    init(_ template: String, title: String, status: Int = 200, current: String? = nil, values: [String: Any] = [:]) {
        self.template = template
        self.title = title
        self.status = status
        self.current = current
        self.values = values
    }
}

extension AdminTemplates {
    /// The full page as a response: the layout's values (who is signed in, the navigation, the CSRF
    /// token) merged with the page's own. `session` nil or half-way: no navigation.
    func response(_ page: AdminPage, session: StaffSession?, formToken: String? = nil) -> Response {
        var values = page.values
        values["title"] = page.title
        values["cssURL"] = stylesheetURL
        if let session {
            values["csrf"] = session.csrfToken
        } else if let formToken {
            values["csrf"] = formToken
        }
        if let session, session.stage == .signedIn {
            var nav: [[String: Any]] = [
                ["href": "/admin/", "label": "Home", "current": page.current == "home"],
                ["href": "/admin/bookings", "label": "Bookings", "current": page.current == "bookings"],
                ["href": "/admin/tasks", "label": "Tasks", "current": page.current == "tasks"],
                ["href": "/admin/vendors", "label": "Vendors", "current": page.current == "vendors"],
            ]
            if StaffPermissions.decide(role: session.role, staffID: session.account.id, action: .viewAudit).isAllowed {
                nav.append(["href": "/admin/audit", "label": "Audit log", "current": page.current == "audit"])
            }
            values["staff"] = ["name": session.account.name, "roleLabel": session.role.label, "nav": nav] as [String: Any]
        }
        return Response.html(render(page.template, Self.present(values)), status: page.status)
    }

    /// The values with every nil optional removed: Mustache would print a nil wrapped in `Any` as
    /// "nil" and treat it as true; removed, `{{#x}}` hides and `{{^x}}` shows as meant.
    static func present(_ values: [String: Any]) -> [String: Any] {
        values.compactMapValues(unwrapped)
    }

    /// An optional is told apart by a cast to `AnyOptional` rather than by a `Mirror`, which
    /// costs an allocation per value (a fifth of the dashboard's render).
    static func unwrapped(_ value: Any) -> Any? {
        if let optional = value as? any AnyOptional {
            guard let wrapped = optional.wrappedValue else { return nil }
            return unwrapped(wrapped)
        }
        if let dictionary = value as? [String: Any] { return present(dictionary) }
        if let array = value as? [Any] { return array.compactMap(unwrapped) }
        return value
    }
}

/// Any `Optional`, whatever it wraps (`AdminTemplates.unwrapped`).
protocol AnyOptional {
    var wrappedValue: Any? { get }
}

extension Optional: AnyOptional {
    var wrappedValue: Any? {
        switch self {
        case .some(let value): value
        case .none: nil
        }
    }
}
