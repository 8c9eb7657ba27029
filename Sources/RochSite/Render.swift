import Foundation

/// Template contexts and page rendering (in parallel; POSIX writes).
extension SiteBuilder {
    func makeSiteContext() -> [String: Any] {
        var assetURLs: [String: Any] = [:]
        var images: [String: Any] = [:]
        for a in assets {
            let key = AssetPipeline.templateKey(a.source)
            assetURLs[key] = a.url
            if let w = a.width, let h = a.height { images[key] = ["url": a.url, "width": w, "height": h] }
        }
        var site: [String: Any] = [
            "title": config.title, "baseURL": config.baseURL, "description": config.description,
            "language": config.language, "params": config.params, "feedURL": feedURL,
            "year": Calendar(identifier: .gregorian).component(.year, from: options.now),
        ]
        let recent = recentPosts()
        site["recentPosts"] = recent
        site["hasRecentPosts"] = !recent.isEmpty
        return ["site": site, "data": data, "assets": assetURLs, "images": images]
    }

    func recentPosts() -> [[String: Any]] {
        let blog = pages.indices.filter { pages[$0].section == config.feedSection && pages[$0].kind == .page }
            .sorted { (pages[$0].frontMatter.date ?? .distantPast) > (pages[$1].frontMatter.date ?? .distantPast) }
        return blog.prefix(3).map { summary(of: $0) }
    }

    /// What a list shows about a page.
    func summary(of i: Int) -> [String: Any] {
        let p = pages[i]
        var s: [String: Any] = ["title": p.title, "url": p.url, "description": p.frontMatter.description ?? "",
                                "params": p.frontMatter.params, "weight": p.frontMatter.weight]
        if let d = p.frontMatter.date {
            s["date"] = SiteDate.human(d)
            s["dateISO"] = SiteDate.day(d)
        }
        if !p.frontMatter.tags.isEmpty { s["tags"] = p.frontMatter.tags; s["hasTags"] = true }
        if let image = p.frontMatter.image { s["image"] = image; s["imageInfo"] = imageInfo(image) }
        return s
    }

    func imageInfo(_ path: String) -> [String: Any]? {
        guard let a = assets.first(where: { $0.url == path }), let w = a.width, let h = a.height else { return nil }
        return ["url": a.url, "width": w, "height": h]
    }

    func context(for i: Int) -> [String: Any] {
        let p = pages[i]
        var page = summary(of: i)
        page["content"] = rendered[i].html
        page["kind"] = p.kind.rawValue
        page["isHome"] = p.kind == .home
        page["section"] = p.section
        page["permalink"] = config.baseURL + p.url
        let toc = rendered[i].headings.filter { $0.level == 2 }.map { ["id": $0.id, "text": $0.text] }
        page["toc"] = toc
        page["hasToc"] = toc.count >= 2
        if p.frontMatter.noindex { page["noindex"] = true }
        var ctx = siteContext
        ctx["page"] = page
        if p.kind != .page {
            let children = childrenByDirectory[p.directory] ?? []
            ctx["pages"] = children.filter { pages[$0].kind == .page }.map { summary(of: $0) }
            ctx["sections"] = children.filter { pages[$0].kind == .section }.map { summary(of: $0) }
        }
        // Social networks do not show SVG cards: fall back to the site's default (PNG) image.
        let own = p.frontMatter.image.flatMap { $0.hasSuffix(".svg") ? nil : $0 }
        let image = own ?? config.image
        ctx["meta"] = [
            "title": p.kind == .home ? config.title : "\(p.title) | \(config.title)",
            "description": p.frontMatter.description ?? config.description,
            "image": image.map { config.baseURL + $0 } ?? "",
            "type": p.section == config.feedSection && p.kind == .page ? "article" : "website",
        ] as [String: Any]
        ctx["menu"] = menu(active: p.url)
        if let ld = jsonLD(for: p) { ctx["jsonld"] = ld }
        return ctx
    }

    func menu(active url: String) -> [[String: Any]] {
        guard let items = config.params["menu"] as? [Any] else { return [] }
        return items.compactMap { item in
            guard var m = item as? [String: Any], let u = m["url"] as? String else { return nil }
            m["active"] = u == url || (u != "/" && url.hasPrefix(u))
            return m
        }
    }

    /// Structured data chosen by the page's `schema` field: business, faq, reviews.
    func jsonLD(for page: Page) -> String? {
        var kinds: [String] = []
        if let s = page.frontMatter.params["schema"] as? String { kinds = [s] }
        if let s = page.frontMatter.params["schema"] as? [Any] { kinds = s.compactMap { $0 as? String } }
        if page.kind == .home && kinds.isEmpty { kinds = ["business"] }
        let blocks: [String] = kinds.compactMap { kind in
            switch kind {
            case "business": return Generated.jsonLD(StructuredData.business(config: config))
            case "faq": return Generated.jsonLD(StructuredData.faq(data["faqs"] as? [Any] ?? []))
            case "reviews": return Generated.jsonLD(StructuredData.reviews(data["testimonials"] as? [Any] ?? [], config: config))
            default: return nil
            }
        }
        return blocks.isEmpty ? nil : blocks.map { "<script type=\"application/ld+json\">\($0)</script>" }.joined(separator: "\n")
    }

    /// Renders and writes every page in parallel, then the 404 page.
    func renderPages() throws {
        let layouts = try pages.map { try templates.layout(for: $0) }
        let progress = Progress(total: pages.count, log: pages.count >= 2000 ? options.log : nil)
        let problemsByPage = Parallel.map(pages.count) { i in
            let html = self.templates.render(self.context(for: i), layout: layouts[i])
            var problems = self.templateLinkErrors(html: html, page: i, layout: layouts[i])
            do { try self.writer.write(self.pages[i].outputPath, html) } catch let e as BuildError { problems.append(e) } catch {}
            progress.tick()
            return problems
        }
        progress.finish()
        var errors: [BuildError] = []
        var reported: Set<String> = []
        for e in problemsByPage.joined() where reported.insert(e.message).inserted { errors.append(e) }
        if !errors.isEmpty { throw BuildErrors(errors: errors) }
        if templates.names.contains("404") {
            var ctx = siteContext
            ctx["page"] = ["title": "Page not found", "url": "/404.html"] as [String: Any]
            ctx["meta"] = ["title": "Page not found | \(config.title)", "description": config.description, "image": ""]
            ctx["menu"] = menu(active: "/404.html")
            try writer.write("404.html", templates.render(ctx, layout: "404"))
        }
    }

    /// Links a layout adds (menus, buttons) are checked too; the error names the layout file.
    func templateLinkErrors(html: String, page i: Int, layout: String) -> [BuildError] {
        let fromMarkdown = Set(rendered[i].links.map(\.url))
        var errors: [BuildError] = []
        for link in LinkCheck.rootLinks(in: html) where !known.contains(link) && !fromMarkdown.contains(link) {
            let decoded = link.replacingOccurrences(of: "&amp;", with: "&")
            guard let path = URLBuilder.resolve(decoded, from: "/"), !LinkCheck.exists(path, in: known) else { continue }
            errors.append(BuildError(path: "\(layoutsDir)/\(layout).mustache",
                                     message: "link to '\(link)': no page or asset at \(path) (rendering \(pages[i].filePath))"))
        }
        return errors
    }
}

/// Progress for large sites: a line every 10% on stderr.
final class Progress: @unchecked Sendable {
    let total: Int
    let log: (@Sendable (String) -> Void)?
    private var done = 0
    private var nextReport: Int
    private let lock = NSLock()

    init(total: Int, log: (@Sendable (String) -> Void)?) {
        self.total = total
        self.log = log
        self.nextReport = max(1, total / 10)
    }

    func tick() {
        guard let log else { return }
        lock.lock()
        done += 1
        let report = done >= nextReport && done < total
        if report { nextReport += max(1, total / 10) }
        let d = done
        lock.unlock()
        if report { log("  rendered \(d)/\(total) pages") }
    }

    func finish() {}
}
