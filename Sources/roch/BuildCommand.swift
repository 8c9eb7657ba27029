import ArgumentParser
import Foundation
import RochSite

/// `roch build`: markdown + layouts + assets -> a static site, written atomically.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the static site from content/ and site/ into public/.",
        discussion: "Drafts and future-dated pages are left out unless asked for. SITE_URL sets the absolute base URL.")

    @Option(help: "Markdown content with YAML front matter (sections are folders with _index.md).")
    var content = "content"
    @Option(help: "Layouts (site/layouts), assets (site/assets), static files (site/static) and config.yaml.")
    var site = "site"
    @Option(help: "Output folder; replaced only when the build succeeds.")
    var out = "public"
    @Flag(help: "Include pages with draft: true.")
    var drafts = false
    @Flag(help: "Include pages dated in the future.")
    var future = false
    @Flag(help: "Stay running and rebuild what a change affects.")
    var watch = false
    @Flag(help: "Print the time each build step took.")
    var timings = false

    func validate() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: content, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("no content folder at '\(content)': run from the project root or pass --content DIR")
        }
        guard FileManager.default.fileExists(atPath: site + "/layouts", isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("no layouts at '\(site)/layouts': pass --site DIR")
        }
    }

    func run() throws {
        var options = BuildOptions(contentDir: content, siteDir: site, outDir: out, drafts: drafts, future: future,
                                   baseURL: ProcessInfo.processInfo.environment["SITE_URL"])
        options.log = { line in FileHandle.standardError.write((line + "\n").data(using: .utf8)!) }
        let builder = SiteBuilder(options: options)
        do {
            let summary = try builder.build()
            print(summary)
            if timings {
                for step in summary.steps { print(String(format: "  %-16@ %8.1f ms", step.name as NSString, step.milliseconds)) }
            }
        } catch {
            FileHandle.standardError.write("roch build failed:\n\(error)\n".data(using: .utf8)!)
            if !watch { throw ExitCode.failure }
        }
        guard watch else { return }
        let watcher = try Watcher(directories: [content, site])
        print("watching \(content)/ and \(site)/ for changes (Ctrl-C to stop)")
        fflush(nil)  // nil: every output stream, without naming glibc's mutable `stdout` global
        while true {
            let changed = try watcher.next()
            do {
                let summary = try builder.rebuild(changed: changed)
                if summary.full || summary.pagesWritten > 0 { print(summary) }
            } catch {
                print("rebuild failed:\n\(error)")
            }
            fflush(nil)
        }
    }
}
