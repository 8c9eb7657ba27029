/// Static site generator: markdown (cmark-gfm) + YAML front matter + Mustache layouts -> public/.
public enum RochSite {}
