// Pango (text layout and shaping with HarfBuzz, font fallback through fontconfig) drawing on cairo's
// PDF surface: real typesetting for the documents (Devanagari and Telugu shape correctly).
#include <pango/pangocairo.h>
#include <cairo/cairo-pdf.h>
