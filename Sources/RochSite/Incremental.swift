import Foundation

/// What an incremental rebuild did.
public struct RebuildSummary: Sendable, CustomStringConvertible {
    public var full = false
    public var pagesWritten = 0
    public var milliseconds = 0.0
    public var reason = ""
    public var description: String {
        full ? String(format: "full rebuild (%@) in %.0f ms", reason, milliseconds)
             : String(format: "rebuilt %d pages (%@) in %.1f ms", pagesWritten, reason, milliseconds)
    }
}

extension SiteBuilder {
    /// Redoes only what the changed files affect. A content page edit re-renders that page, its
    /// section list, the home page, the feed and the sitemap; anything that can change every
    /// page (layouts, assets, data, config) or the set of URLs (new, deleted or moved pages)
    /// falls back to a full, atomic build. Must follow a successful `build()`.
    public func rebuild(changed paths: [String]) throws -> RebuildSummary {
        let start = DispatchTime.now()
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6 }
        var summary = RebuildSummary()
        var affected: Set<Int> = []
        var sitemapChanged = false
        var changedPages: [Int] = []
        let contentPrefix = normalized(options.contentDir) + "/"
        for path in Set(paths.map(normalized)).sorted() {
            let rel = path.hasPrefix(contentPrefix) ? String(path.dropFirst(contentPrefix.count)) : path
            // Editors save through temporary files that are gone by now: nothing to rebuild for them.
            if !FileManager.default.fileExists(atPath: path) && !pages.contains(where: { $0.relativePath == rel }) { continue }
            guard path.hasPrefix(contentPrefix), path.hasSuffix(".md") else {
                return try fullRebuild(summary, reason: "\(path) changed", elapsed)
            }
            if rel.hasPrefix("data/") { return try fullRebuild(summary, reason: "data changed", elapsed) }
            guard let i = pages.firstIndex(where: { $0.relativePath == rel }) else {
                return try fullRebuild(summary, reason: "\(rel) added or removed", elapsed)
            }
            guard FileManager.default.fileExists(atPath: path) else {
                return try fullRebuild(summary, reason: "\(rel) removed", elapsed)
            }
            let page = try ContentReader.read(root: contentRoot, relativePath: rel, displayRoot: options.contentDir)
            let filter = ContentFilter(drafts: options.drafts, future: options.future, now: options.now)
            let old = pages[i].frontMatter
            if page.url != pages[i].url || page.frontMatter.aliases != old.aliases || !filter.includes(page.frontMatter) {
                return try fullRebuild(summary, reason: "\(rel) changed URL, redirects or visibility", elapsed)
            }
            // The sitemap holds URLs (unchanged here) and dates: rewrite it only if a date moved.
            if page.frontMatter.date != old.date || page.frontMatter.noindex != old.noindex { sitemapChanged = true }
            pages[i] = page
            rendered[i] = renderMarkdown(of: page)
            changedPages.append(i)
            affected.insert(i)
            if let home = indexByURL["/"] { affected.insert(home) }
            let listURL = page.parentDirectory.isEmpty ? "/" : "/" + page.parentDirectory + "/"
            if let list = indexByURL[listURL] { affected.insert(list) }
            if page.frontMatter.title != old.title || page.frontMatter.weight != old.weight || page.frontMatter.date != old.date {
                sortChildren(of: page.parentDirectory)
            }
        }
        if changedPages.isEmpty { return summary }
        var errors: [BuildError] = []
        for i in changedPages { errors += LinkCheck.check(page: pages[i], links: rendered[i].links, known: known) }
        if !errors.isEmpty { throw BuildErrors(errors: errors.map { var e = $0; e.step = "checkLinks"; return e }) }
        siteContext["site"] = (siteContext["site"] as? [String: Any] ?? [:]).merging(["recentPosts": recentPosts(), "hasRecentPosts": !recentPosts().isEmpty]) { $1 }
        for i in affected.sorted() {
            let layout = try templates.layout(for: pages[i])
            let html = templates.render(context(for: i), layout: layout)
            if let e = templateLinkErrors(html: html, page: i, layout: layout).first { throw e }
            try writer.replace(pages[i].outputPath, html)
        }
        if changedPages.contains(where: { pages[$0].section == config.feedSection }) { try generateFeed() }
        if sitemapChanged { try generateSitemap() }
        summary.pagesWritten = affected.count
        summary.reason = changedPages.map { pages[$0].filePath }.joined(separator: ", ")
        summary.milliseconds = elapsed()
        return summary
    }

    private func fullRebuild(_ s: RebuildSummary, reason: String, _ elapsed: () -> Double) throws -> RebuildSummary {
        var summary = s
        let b = try build()
        summary.full = true
        summary.pagesWritten = b.pages
        summary.reason = reason
        summary.milliseconds = elapsed()
        return summary
    }

    /// Lists order by weight (0 = unweighted, last), then newest first, then title, like Hugo.
    func sortChildren(of dir: String) {
        guard let list = childrenByDirectory[dir] else { return }
        childrenByDirectory[dir] = list.sorted { a, b in
            let pa = pages[a], pb = pages[b]
            let wa = pa.frontMatter.weight == 0 ? Int.max : pa.frontMatter.weight
            let wb = pb.frontMatter.weight == 0 ? Int.max : pb.frontMatter.weight
            if wa != wb { return wa < wb }
            let da = pa.frontMatter.date ?? .distantPast, db = pb.frontMatter.date ?? .distantPast
            if da != db { return da > db }
            return pa.title < pb.title
        }
    }

    private func normalized(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}
