import Testing
@testable import RochCore

struct AdminReturnPathTests {
    @Test(arguments: ["/admin/", "/admin", "/admin/bookings", "/admin/bookings/RE-7K2M9Q?tab=payments", "/admin/bookings?state=enquiry&page=2"])
    func localAdminPathsAreKept(path: String) {
        #expect(AdminReturnPath.sanitise(path) == path)
    }

    @Test(arguments: [
        "//evil.example", "//evil.example/admin/", "/\\evil.example", "/admin/\\\\evil.example", "https://evil.example/admin/",
        "http:/admin", "javascript:alert(1)", "/admin//evil.example", "/%2F%2Fevil.example", "/admin/%2f%2fevil.example",
        "/admin/%5cevil.example", "/admin/%252f%252fevil.example", "/admin/\t/evil.example", "/admin/\n", "/admin@evil.example",
        "/admin/../portal/", "/admin/%2e%2e/portal/", "/adminx", "/", "", " /admin/", "/portal/", "/admin/é",
        "/admin/\"><b>x</b>", "/admin/'onmouseover", "/admin/`x`",
    ])
    func anythingElseGoesHome(path: String) {
        #expect(AdminReturnPath.sanitise(path) == "/admin/")
    }

    @Test func noNextGoesHome() {
        #expect(AdminReturnPath.sanitise(nil) == "/admin/")
    }
}
