// Text helpers for the interpreter: normalisation, tokenising, edit distance and fuzzy phrase
// search. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace clever::query {

// Lower-cases ASCII, decodes the few HTML entities WooCommerce sends (&amp; &#039; ...), turns
// punctuation into spaces (keeping '%', '#', '$', '.', '-', '\'' inside words), drops control
// characters and invalid UTF-8 bytes, collapses spaces. Never throws; output is valid UTF-8.
std::string NormalizeText(std::string_view text);

// For display: WooCommerce sends names HTML-escaped ("Tents &amp; Shelters", "Tee &#8211; Blue");
// decodes numeric entities (decimal and hex) to UTF-8 and the common named ones. Unknown or
// malformed entities stay as they are.
std::string DecodeHtmlEntities(std::string_view text);

// Splits normalised text on spaces.
std::vector<std::string> Tokenize(std::string_view normalized);
// The non-empty pieces of `text` between `separator`s ("a||b|" -> {"a", "b"}).
std::vector<std::string> SplitNonEmpty(std::string_view text, char separator);
// "laurent's" -> "laurent" (names are matched without their possessive, on both sides); "what's",
// "it's", "let's" and other contractions are kept.
void StripPossessives(std::vector<std::string>& tokens);

// Damerau-Levenshtein (optimal string alignment) distance, capped at `cap` + 1 for speed.
int EditDistance(std::string_view a, std::string_view b, int cap = 3);

// Typos allowed for a word of this length: 0 below 4 letters, 1 up to 7, else 2.
int AllowedTypos(size_t length);

// Finds `phrase` (normalised, tokenised) in `tokens` allowing AllowedTypos per token (only for
// tokens of 4+ letters); returns the start index of the best match or -1, and the total distance.
struct PhraseMatch {
  int start = -1;
  int length = 0;
  int distance = 0;
};
PhraseMatch FindPhrase(const std::vector<std::string>& tokens,
                       const std::vector<std::string>& phrase, bool fuzzy = true);

std::string Join(const std::vector<std::string>& parts, std::string_view sep);
std::string Trim(std::string_view s);
std::string ToLower(std::string_view s);

}  // namespace clever::query
