"""Generates a Hugo-format site of N markdown pages for bench/site.sh: sections with _index.md,
YAML front matter, tables, lists and code. Writes the same content for roch and Hugo, plus a
minimal layout for each (Mustache under site/, Go templates under layouts/)."""
import os
import random
import sys

root, total = sys.argv[1], int(sys.argv[2])
random.seed(42)
sections = 20
per_section = total // sections
words = ("wedding mandap sangeet mehndi haldi reception venue caterer decor florals marigold jasmine "
         "lighting stage guests budget deposit planner vendor timeline invitation music dhol baraat").split()


def sentence(n=14):
    s = " ".join(random.choice(words) for _ in range(n))
    return s[0].upper() + s[1:] + "."


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


write(f"{root}/content/_index.md", "---\ntitle: Bench home\n---\nA generated site.\n")
for s in range(sections):
    sec = f"section-{s:02d}"
    write(f"{root}/content/{sec}/_index.md", f"---\ntitle: Section {s}\ndescription: {sentence(8)}\n---\n{sentence()}\n")
    for p in range(per_section):
        other = f"/section-{random.randrange(sections):02d}/"
        body = f"""---
title: "Page {s}-{p}: {sentence(4)[:-1]}"
description: {sentence(10)}
date: 2024-{1 + p % 12:02d}-{1 + p % 28:02d}
tags: [{random.choice(words)}, {random.choice(words)}]
weight: {p + 1}
draft: false
---
## Overview

{sentence(30)} {sentence(20)} See [the section]({other}) for more.

| Item | Guests | Budget (₹) |
| --- | ---: | ---: |
| {random.choice(words)} | {random.randrange(50, 900)} | {random.randrange(1, 90)},00,000 |
| {random.choice(words)} | {random.randrange(50, 900)} | {random.randrange(1, 90)},00,000 |
| {random.choice(words)} | {random.randrange(50, 900)} | {random.randrange(1, 90)},00,000 |

### Checklist

- {sentence(6)}
- {sentence(8)}
- **{sentence(3)}** with *emphasis* and `code`
1. {sentence(5)}
2. {sentence(7)}

```
schedule:
  06:30 setup
  18:00 guests arrive
```

> {sentence(12)}

{sentence(40)}
"""
        write(f"{root}/content/{sec}/page-{p:04d}.md", body)

# roch: config and Mustache layouts
write(f"{root}/site/config.yaml", "title: Bench\nbaseURL: https://bench.example/\n")
write(f"{root}/site/layouts/base.mustache",
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{meta.title}}</title>"
      "<meta name=\"description\" content=\"{{meta.description}}\"></head><body><header><a href=\"/\">{{site.title}}</a></header>"
      "<main>{{$main}}{{/main}}</main></body></html>\n")
write(f"{root}/site/layouts/single.mustache",
      "{{<base}}{{$main}}<article><h1>{{page.title}}</h1><time>{{page.date}}</time>{{{page.content}}}</article>{{/main}}{{/base}}\n")
write(f"{root}/site/layouts/list.mustache",
      "{{<base}}{{$main}}<h1>{{page.title}}</h1>{{{page.content}}}<ul>{{#pages}}<li><a href=\"{{url}}\">{{title}}</a></li>{{/pages}}"
      "{{#sections}}<li><a href=\"{{url}}\">{{title}}</a></li>{{/sections}}</ul>{{/main}}{{/base}}\n")

# Hugo: the same pages, an equivalent minimal layout, no taxonomies or RSS (roch makes neither here).
write(f"{root}/hugo.yaml", "baseURL: https://bench.example/\ntitle: Bench\ndisableKinds: [taxonomy, term, RSS]\n"
      "markup:\n  goldmark:\n    extensions:\n      table: true\n      strikethrough: true\n      linkify: true\n      taskList: true\n")
write(f"{root}/layouts/_default/baseof.html",
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title>"
      "<meta name=\"description\" content=\"{{ .Description }}\"></head><body><header><a href=\"/\">{{ .Site.Title }}</a></header>"
      "<main>{{ block \"main\" . }}{{ end }}</main></body></html>\n")
write(f"{root}/layouts/_default/single.html",
      "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format \"2 January 2006\" }}</time>{{ .Content }}</article>{{ end }}\n")
write(f"{root}/layouts/_default/list.html",
      "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n")
print(f"generated {sections * per_section + sections + 1} pages in {root}/content")
