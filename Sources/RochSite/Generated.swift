import Foundation

/// Files derived from the pages: sitemap, feed, robots.txt, alias redirects, JSON-LD.
public enum Generated {
    public static func xmlEscape(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // XML 1.0 forbids most control characters even when escaped.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    public struct SitemapEntry: Sendable {
        public var url: String
        public var lastModified: Date?
        public init(url: String, lastModified: Date? = nil) { self.url = url; self.lastModified = lastModified }
    }

    public static func sitemap(baseURL: String, entries: [SitemapEntry]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for e in entries {
            xml += "  <url><loc>\(xmlEscape(baseURL + e.url))</loc>"
            if let d = e.lastModified { xml += "<lastmod>\(SiteDate.rfc3339(d))</lastmod>" }
            xml += "</url>\n"
        }
        return xml + "</urlset>\n"
    }

    public struct FeedEntry: Sendable {
        public var title: String
        public var url: String
        public var date: Date
        public var summary: String
        public var html: String
        public init(title: String, url: String, date: Date, summary: String, html: String) {
            self.title = title; self.url = url; self.date = date; self.summary = summary; self.html = html
        }
    }

    /// An Atom feed (RFC 4287) of the newest entries first.
    public static func atom(title: String, baseURL: String, sectionURL: String, feedURL: String,
                            author: String, entries: [FeedEntry]) -> String {
        let sorted = entries.sorted { $0.date > $1.date }
        let updated = sorted.first?.date ?? Date(timeIntervalSince1970: 0)
        var xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>\(xmlEscape(title))</title>
          <id>\(xmlEscape(baseURL + sectionURL))</id>
          <link rel="alternate" type="text/html" href="\(xmlEscape(baseURL + sectionURL))"/>
          <link rel="self" type="application/atom+xml" href="\(xmlEscape(baseURL + feedURL))"/>
          <updated>\(SiteDate.rfc3339(updated))</updated>
          <author><name>\(xmlEscape(author))</name></author>

        """
        for e in sorted.prefix(30) {
            xml += """
              <entry>
                <title>\(xmlEscape(e.title))</title>
                <id>\(xmlEscape(baseURL + e.url))</id>
                <link rel="alternate" type="text/html" href="\(xmlEscape(baseURL + e.url))"/>
                <published>\(SiteDate.rfc3339(e.date))</published>
                <updated>\(SiteDate.rfc3339(e.date))</updated>
                <summary>\(xmlEscape(e.summary))</summary>
                <content type="html">\(xmlEscape(e.html))</content>
              </entry>

            """
        }
        return xml + "</feed>\n"
    }

    public static func robots(baseURL: String) -> String {
        """
        User-agent: *
        Allow: /
        Disallow: /api/
        Disallow: /admin/
        Disallow: /portal/

        Sitemap: \(baseURL)/sitemap.xml

        """
    }

    /// A redirect page for an old URL (front matter `aliases`), like Hugo's alias pages.
    public static func aliasPage(to target: String, baseURL: String) -> String {
        let canonical = xmlEscape(baseURL + target)
        let path = xmlEscape(target) // root-relative, so redirects also work on a dev server
        return """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(canonical)</title>\
        <link rel="canonical" href="\(canonical)"><meta name="robots" content="noindex">\
        <meta http-equiv="refresh" content="0; url=\(path)"></head>\
        <body><p>This page has moved to <a href="\(path)">\(canonical)</a>.</p></body></html>

        """
    }

    /// JSON for a `<script type="application/ld+json">`: `</` is escaped so it cannot end the script.
    public static func jsonLD(_ object: [String: Any]) -> String {
        var obj = object
        obj["@context"] = "https://schema.org"
        guard let data = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes]),
              let s = String(data: data, encoding: .utf8) else { return "{}" }
        return s.replacingOccurrences(of: "</", with: "<\\/")
    }
}

/// Schema.org structured data built from `site/config.yaml` and the data files.
enum StructuredData {
    static func business(config: SiteConfig) -> [String: Any] {
        let b = config.params["business"] as? [String: Any] ?? [:]
        var obj: [String: Any] = ["@type": ["LocalBusiness", "EventPlanner"], "name": config.title,
                                  "url": config.baseURL + "/", "description": config.description]
        if let phone = b["phone"] { obj["telephone"] = phone }
        if let email = b["email"] { obj["email"] = email }
        if let price = b["priceRange"] { obj["priceRange"] = price }
        if let image = config.image { obj["image"] = config.baseURL + image }
        if let a = b["address"] as? [String: Any] {
            var address: [String: Any] = ["@type": "PostalAddress"]
            for (k, v) in a { address[k] = v }
            obj["address"] = address
        }
        if let areas = b["areaServed"] as? [Any] { obj["areaServed"] = areas }
        if let hours = b["openingHours"] { obj["openingHours"] = hours }
        return obj
    }

    static func faq(_ faqs: [Any]) -> [String: Any] {
        let items: [[String: Any]] = faqs.compactMap { item in
            guard let f = item as? [String: Any], let q = f["question"] as? String, let a = f["answer"] as? String else { return nil }
            return ["@type": "Question", "name": q, "acceptedAnswer": ["@type": "Answer", "text": a]]
        }
        return ["@type": "FAQPage", "mainEntity": items]
    }

    static func reviews(_ testimonials: [Any], config: SiteConfig) -> [String: Any] {
        let reviews: [[String: Any]] = testimonials.compactMap { item in
            guard let t = item as? [String: Any], let name = t["name"] as? String, let quote = t["quote"] as? String else { return nil }
            var r: [String: Any] = ["@type": "Review", "author": ["@type": "Person", "name": name], "reviewBody": quote]
            if let rating = t["rating"] as? Int {
                r["reviewRating"] = ["@type": "Rating", "ratingValue": rating, "bestRating": 5]
            }
            return r
        }
        var obj = business(config: config)
        obj["review"] = reviews
        return obj
    }
}
