import Foundation

/// What `roch build` was asked to do.
public struct BuildOptions: Sendable {
    public var contentDir = "content"
    public var siteDir = "site"
    public var outDir = "public"
    public var drafts = false
    public var future = false
    /// Overrides `baseURL` from the site config (`SITE_URL`).
    public var baseURL: String?
    public var now = Date()
    /// Progress and summaries go here (stderr by default); nil is silent.
    public var log: (@Sendable (String) -> Void)? = { FileHandle.standardError.write(($0 + "\n").data(using: .utf8)!) }

    public init(contentDir: String = "content", siteDir: String = "site", outDir: String = "public",
                drafts: Bool = false, future: Bool = false, baseURL: String? = nil) {
        self.contentDir = contentDir
        self.siteDir = siteDir
        self.outDir = outDir
        self.drafts = drafts
        self.future = future
        self.baseURL = baseURL
    }
}

/// What a build produced.
public struct BuildSummary: Sendable, CustomStringConvertible {
    public var pages = 0
    public var aliases = 0
    public var assets = 0
    public var excluded = 0
    public var milliseconds = 0.0
    /// Time spent in each step, in order.
    public var steps: [(name: String, milliseconds: Double)] = []
    public var description: String {
        String(format: "built %d pages, %d redirects, %d assets in %.0f ms (%d drafts/future pages skipped)",
               pages, aliases, assets, milliseconds, excluded)
    }
}

/// One named step of the build, like Publish's steps; its errors carry its name.
public struct BuildStep: Sendable {
    public let name: String
    let run: @Sendable (SiteBuilder) throws -> Void
}

/// The site build: a list of named steps over shared state. Keeps its state after a build so
/// `rebuild(changed:)` can redo only what a change affects (`roch build --watch`).
public final class SiteBuilder: @unchecked Sendable {
    public let options: BuildOptions
    var config = SiteConfig()
    var templates: TemplateSet!
    var markdown = MarkdownRenderer()
    var data: [String: Any] = [:]
    var assets: [Asset] = []
    var pages: [Page] = []
    var rendered: [RenderedMarkdown] = []
    var excluded = 0
    /// Every path the built site answers: pages, redirects, assets, generated files.
    var known: Set<String> = []
    var childrenByDirectory: [String: [Int]] = [:]
    var indexByURL: [String: Int] = [:]
    var writer: OutputWriter!
    var siteContext: [String: Any] = [:]

    public init(options: BuildOptions) { self.options = options }

    var contentRoot: String { options.contentDir }
    var layoutsDir: String { options.siteDir + "/layouts" }

    /// The steps of a full build, in order.
    public static let steps: [BuildStep] = [
        BuildStep(name: "loadConfig") { try $0.loadConfig() },
        BuildStep(name: "readContent") { try $0.readContent() },
        BuildStep(name: "loadData") { try $0.loadData() },
        BuildStep(name: "copyAssets") { try $0.copyAssets() },
        BuildStep(name: "loadLayouts") { try $0.loadLayouts() },
        BuildStep(name: "renderMarkdown") { $0.renderMarkdown() },
        BuildStep(name: "checkLinks") { try $0.checkLinks() },
        BuildStep(name: "renderPages") { try $0.renderPages() },
        BuildStep(name: "writeRedirects") { try $0.writeRedirects() },
        BuildStep(name: "generateFeed") { try $0.generateFeed() },
        BuildStep(name: "generateSitemap") { try $0.generateSitemap() },
    ]

    /// Builds the whole site into a staging folder and swaps it in only if every step passed.
    @discardableResult
    public func build() throws -> BuildSummary {
        let start = DispatchTime.now()
        let output = AtomicOutput(target: options.outDir)
        writer = try output.begin()
        var stepTimes: [(name: String, milliseconds: Double)] = []
        do {
            for step in Self.steps {
                let t = DispatchTime.now()
                try Self.run(step, self)
                stepTimes.append((step.name, Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e6))
            }
            let t = DispatchTime.now()
            try output.commit()
            stepTimes.append(("publish", Double(DispatchTime.now().uptimeNanoseconds - t.uptimeNanoseconds) / 1e6))
        } catch {
            output.abort()
            throw error
        }
        writer = try OutputWriter(root: options.outDir)
        var summary = BuildSummary()
        summary.pages = pages.count
        summary.aliases = pages.reduce(0) { $0 + $1.frontMatter.aliases.count }
        summary.assets = assets.count
        summary.excluded = excluded
        summary.steps = stepTimes
        summary.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return summary
    }

    static func run(_ step: BuildStep, _ builder: SiteBuilder) throws {
        do { try step.run(builder) } catch var e as BuildError {
            e.step = step.name
            throw e
        } catch var e as BuildErrors {
            for i in e.errors.indices { e.errors[i].step = step.name }
            throw e
        }
    }

    // MARK: steps

    func loadConfig() throws {
        config = try SiteConfig.load(path: options.siteDir + "/config.yaml")
        if let base = options.baseURL, !base.isEmpty {
            config.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        }
        markdown = MarkdownRenderer(allowRawHTML: config.allowRawHTML)
    }

    func readContent() throws {
        let files = ContentReader.list(root: contentRoot)
        let root = contentRoot
        let display = options.contentDir
        let results = Parallel.map(files.count) { i in
            Result<Page, Error> { try ContentReader.read(root: root, relativePath: files[i], displayRoot: display) }
        }
        var all: [Page] = []
        var errors: [BuildError] = []
        for r in results {
            switch r {
            case .success(let p): all.append(p)
            case .failure(let e as BuildError): errors.append(e)
            case .failure(let e): errors.append(BuildError(path: options.contentDir, message: "\(e)"))
            }
        }
        if !errors.isEmpty { throw errors.count == 1 ? errors[0] as Error : BuildErrors(errors: errors) }
        let filter = ContentFilter(drafts: options.drafts, future: options.future, now: options.now)
        pages = all.filter { filter.includes($0.frontMatter) }
        excluded = all.count - pages.count
        addImplicitSections()
        try indexPages()
    }

    /// Folders with pages but no `_index.md` still get a list page, as in Hugo.
    func addImplicitSections() {
        let sectionDirs = Set(pages.filter { $0.kind != .page }.map(\.directory))
        var needed: Set<String> = []
        for p in pages where p.kind == .page && !p.parentDirectory.isEmpty { needed.insert(p.parentDirectory) }
        if !pages.contains(where: { $0.kind == .home }) { needed.insert("") }
        for dir in needed.subtracting(sectionDirs).sorted() {
            let rel = dir.isEmpty ? "_index.md" : dir + "/_index.md"
            pages.append(Page(relativePath: rel, filePath: options.contentDir + "/" + rel, kind: URLBuilder.kind(of: rel),
                              section: String(dir.split(separator: "/").first ?? ""), directory: dir,
                              url: URLBuilder.url(for: rel), frontMatter: FrontMatter(), body: "", modified: nil))
        }
    }

    func indexPages() throws {
        indexByURL = [:]
        known = ["/sitemap.xml", "/robots.txt", "/404.html", feedURL]
        var errors: [BuildError] = []
        for (i, p) in pages.enumerated() {
            if let other = indexByURL[p.url] {
                errors.append(BuildError(path: p.filePath, message: "URL \(p.url) is also the URL of \(pages[other].filePath)"))
            }
            indexByURL[p.url] = i
            known.insert(p.url)
        }
        for p in pages {
            for a in p.frontMatter.aliases {
                let alias = a.hasSuffix("/") || a.contains(".") ? a : a + "/"
                if indexByURL[alias] != nil {
                    errors.append(BuildError(path: p.filePath, field: "aliases", message: "'\(a)' is the URL of a page"))
                }
                known.insert(alias)
            }
        }
        if !errors.isEmpty { throw BuildErrors(errors: errors) }
        childrenByDirectory = [:]
        for (i, p) in pages.enumerated() where p.kind != .home {
            childrenByDirectory[p.parentDirectory, default: []].append(i)
        }
        for dir in childrenByDirectory.keys { sortChildren(of: dir) }
    }

    var feedURL: String { "/\(config.feedSection)/feed.xml" }

    func loadData() throws {
        data = try DataFiles.load(directory: contentRoot + "/data", display: options.contentDir + "/data")
    }

    func copyAssets() throws {
        assets = try AssetPipeline.process(root: options.siteDir + "/assets", fingerprint: true, writer: writer)
        assets += try AssetPipeline.process(root: options.siteDir + "/static", fingerprint: false, writer: writer)
        for a in assets { known.insert(a.url) }
    }

    func loadLayouts() throws {
        templates = try TemplateSet(directory: layoutsDir)
        siteContext = makeSiteContext()
    }

    func renderMarkdown() {
        rendered = Parallel.map(pages.count) { i in self.renderMarkdown(of: self.pages[i]) }
    }

    func renderMarkdown(of page: Page) -> RenderedMarkdown {
        var r = markdown.render(page.body, firstLine: page.frontMatter.bodyLine)
        r.html = addImageSizes(r.html, links: r.links, base: page.url)
        return r
    }

    func checkLinks() throws {
        var errors: [BuildError] = []
        for (i, p) in pages.enumerated() { errors += LinkCheck.check(page: p, links: rendered[i].links, known: known) }
        if !errors.isEmpty { throw BuildErrors(errors: errors) }
    }

    func writeRedirects() throws {
        for p in pages {
            for a in p.frontMatter.aliases {
                let alias = a.hasSuffix("/") || a.contains(".") ? a : a + "/"
                try writer.write(URLBuilder.outputPath(for: alias), Generated.aliasPage(to: p.url, baseURL: config.baseURL))
            }
        }
        try writer.write("robots.txt", Generated.robots(baseURL: config.baseURL))
    }

    func generateFeed() throws {
        let entries = pages.indices.filter { pages[$0].section == config.feedSection && pages[$0].kind == .page }
            .map { i in
                Generated.FeedEntry(title: pages[i].title, url: pages[i].url, date: pages[i].frontMatter.date ?? options.now,
                                    summary: pages[i].frontMatter.description ?? "", html: rendered[i].html)
            }
        let section = "/\(config.feedSection)/"
        let title = indexByURL[section].map { pages[$0].title + " | " + config.title } ?? config.title
        try writer.replace(String(feedURL.dropFirst()), Generated.atom(
            title: title, baseURL: config.baseURL, sectionURL: section, feedURL: feedURL,
            author: config.title, entries: entries))
    }

    func generateSitemap() throws {
        var entries: [Generated.SitemapEntry] = []
        entries.reserveCapacity(pages.count)
        for i in pages.indices where !pages[i].frontMatter.noindex {
            entries.append(Generated.SitemapEntry(url: pages[i].url, lastModified: pages[i].frontMatter.date))
        }
        try writer.replace("sitemap.xml", Generated.sitemap(baseURL: config.baseURL, entries: entries))
    }

    /// Adds width and height to markdown images whose size is known, so the page does not shift.
    func addImageSizes(_ html: String, links: [MarkdownLink], base: String) -> String {
        var html = html
        for l in links where l.isImage {
            guard let path = URLBuilder.resolve(l.url, from: base),
                  let a = assets.first(where: { $0.url == path }), let w = a.width, let h = a.height else { continue }
            html = html.replacingOccurrences(of: "<img src=\"\(l.url)\"",
                                             with: "<img src=\"\(l.url)\" width=\"\(w)\" height=\"\(h)\" loading=\"lazy\" decoding=\"async\"")
        }
        return html
    }
}

/// Runs work on every core (the machines have two); each index is handled exactly once.
enum Parallel {
    /// `body(i)` for every index in `0..<count`, in index order.
    static func map<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        if count < 64 || workers == 1 { return (0..<count).map(body) }
        let chunks = min(count, workers * 8)
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var i = c * count / chunks
            let end = (c + 1) * count / chunks
            while i < end { slots.fill(i, with: body(i)); i += 1 }
        }
        return slots.values()
    }
}

/// One result slot per index for `Parallel.map`. Unchecked because its safety is the caller's
/// invariant, not a lock: every index is filled by exactly one worker, and `values()` is read only
/// after `concurrentPerform` has returned, so no slot is ever touched by two threads at once.
private final class Slots<T: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func fill(_ index: Int, with value: T) { storage[index] = value }

    func values() -> [T] { storage.map { $0! } }
}
