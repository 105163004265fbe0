#include "query/text.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <set>

namespace clever::query {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8Length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2)
    n = 2;
  else if ((c & 0xF0) == 0xE0)
    n = 3;
  else if ((c & 0xF8) == 0xF0 && c <= 0xF4)
    n = 4;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      static const std::pair<const char*, const char*> kEntities[] = {
          {"&amp;", "&"},   {"&#038;", "&"},  {"&#39;", "'"},  {"&#039;", "'"},
          {"&quot;", "\""}, {"&lt;", "<"},    {"&gt;", ">"},   {"&nbsp;", " "},
          {"&#8211;", "-"}, {"&#8217;", "'"}, {"&ndash;", "-"}};
      bool done = false;
      for (const auto& [from, to] : kEntities) {
        std::string_view f(from);
        if (s.substr(i, f.size()) == f) {
          out += to;
          i += f.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += s[i];
  }
  return out;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

std::string DecodeHtmlEntities(std::string_view s) {
  if (s.find('&') == std::string_view::npos) return std::string(s);
  static const std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp", "&"},         {"quot", "\""},       {"apos", "'"},        {"lt", "<"},
      {"gt", ">"},          {"nbsp", " "},        {"ndash", "\u2013"},  {"mdash", "\u2014"},
      {"lsquo", "\u2018"},  {"rsquo", "\u2019"},  {"ldquo", "\u201c"},  {"rdquo", "\u201d"},
      {"hellip", "\u2026"}, {"eacute", "\u00e9"}, {"egrave", "\u00e8"}, {"uuml", "\u00fc"},
      {"ouml", "\u00f6"},   {"auml", "\u00e4"},   {"ccedil", "\u00e7"}, {"euro", "\u20ac"},
      {"pound", "\u00a3"},  {"trade", "\u2122"},  {"reg", "\u00ae"},    {"copy", "\u00a9"}};
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    // An entity is short: look for its ';' in the next few bytes only (linear on hostile text).
    const size_t semi = s[i] == '&' ? s.substr(0, std::min(s.size(), i + 13)).find(';', i + 1)
                                    : std::string_view::npos;
    if (semi == std::string_view::npos) {
      out += s[i++];
      continue;
    }
    const std::string_view body = s.substr(i + 1, semi - i - 1);
    bool decoded = false;
    if (body.size() >= 2 && body[0] == '#') {
      const bool hex = body[1] == 'x' || body[1] == 'X';
      const std::string_view digits = body.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      bool ok = !digits.empty();
      for (char c : digits) {
        const int d = c >= '0' && c <= '9'          ? c - '0'
                      : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                    : -1;
        if (d < 0 || cp > 0x10FFFF) {
          ok = false;
          break;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      // Control characters, surrogates and out-of-range points are not decoded.
      if (ok && cp >= 0x20 && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF) && cp != 0x7F) {
        AppendUtf8(out, cp);
        decoded = true;
      }
    } else {
      for (const auto& [name, text] : kNamed) {
        if (body == name) {
          out += text;
          decoded = true;
          break;
        }
      }
    }
    if (decoded) {
      i = semi + 1;
    } else {
      out += s[i++];
    }
  }
  return out;
}

void StripPossessives(std::vector<std::string>& tokens) {
  static const std::set<std::string> kContractions = {
      "what",  "that",      "it",   "let",   "there",   "here", "who",
      "where", "how",       "he",   "she",   "when",    "why",  "which",
      "today", "yesterday", "week", "month", "quarter", "year", "day"};
  for (std::string& t : tokens) {
    if (t.size() < 5 || t.compare(t.size() - 2, 2, "'s") != 0) continue;
    std::string stem = t.substr(0, t.size() - 2);
    if (kContractions.count(stem) == 0) t = stem;
  }
}

std::string NormalizeText(std::string_view raw) {
  std::string text = DecodeEntities(raw);
  std::string out;
  out.reserve(text.size());
  auto push_space = [&]() {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Length(text, i);
    if (n == 0) {  // invalid byte: drop
      ++i;
      continue;
    }
    if (n > 1) {
      std::string_view cp = std::string_view(text).substr(i, n);
      // Typographic dashes and quotes to ASCII.
      if (cp == "\xE2\x80\x93" || cp == "\xE2\x80\x94") {
        push_space();
      } else if (cp == "\xE2\x80\x99" || cp == "\xE2\x80\x98") {
        out += '\'';
      } else if (cp == "\xC2\xA0") {
        push_space();
      } else {
        out.append(cp);
      }
      i += n;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (c == '%' || c == '#' || c == '$' || c == '@' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == '\'' || c == '.' || c == '-' || c == '/' || c == ':' || c == '+') {
      // Keep inside a word ("don't", "12.50", "on-hold", "t-shirt", "10/03", "ck_x"), else space.
      bool prev_word = !out.empty() && out.back() != ' ';
      bool next_word =
          i + 1 < text.size() && (std::isalnum(static_cast<unsigned char>(text[i + 1])) ||
                                  static_cast<unsigned char>(text[i + 1]) >= 0x80);
      // "oct '24": an apostrophe opening a two-digit year is kept ("'24").
      const bool year_apostrophe =
          c == '\'' && !prev_word && i + 2 < text.size() &&
          std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
          std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
          (i + 3 >= text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 3])));
      // A slash joins digits ("10/03") but separates words ("external/affiliate").
      const bool slash_between_words =
          c == '/' &&
          !(prev_word && std::isdigit(static_cast<unsigned char>(out.back())) &&
            i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])));
      if (((prev_word && next_word) || year_apostrophe) && !slash_between_words) {
        out += static_cast<char>(c);
      } else {
        push_space();
      }
    } else {
      push_space();
    }
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::vector<std::string> SplitNonEmpty(std::string_view text, char separator) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(separator, i);
    if (j == std::string_view::npos) j = text.size();
    if (j > i) out.emplace_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::vector<std::string> Tokenize(std::string_view normalized) {
  return SplitNonEmpty(normalized, ' ');
}

int EditDistance(std::string_view a, std::string_view b, int cap) {
  const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
  if (std::abs(n - m) > cap) return cap + 1;
  // One flat table, on the stack for words (why: speed, no allocation per call).
  const size_t width = static_cast<size_t>(m + 1);
  const size_t cells = static_cast<size_t>(n + 1) * width;
  std::array<int, 1024> small;
  std::vector<int> large;
  int* table = small.data();
  if (cells > small.size()) {
    large.resize(cells);
    table = large.data();
  }
  auto d = [&](size_t i, size_t j) -> int& { return table[i * width + j]; };
  for (int i = 0; i <= n; ++i) d(static_cast<size_t>(i), 0) = i;
  for (int j = 0; j <= m; ++j) d(0, static_cast<size_t>(j)) = j;
  for (int i = 1; i <= n; ++i) {
    int row_min = cap + 1;
    for (int j = 1; j <= m; ++j) {
      const size_t ui = static_cast<size_t>(i), uj = static_cast<size_t>(j);
      int cost = a[ui - 1] == b[uj - 1] ? 0 : 1;
      int v = std::min({d(ui - 1, uj) + 1, d(ui, uj - 1) + 1, d(ui - 1, uj - 1) + cost});
      if (i > 1 && j > 1 && a[ui - 1] == b[uj - 2] && a[ui - 2] == b[uj - 1]) {
        v = std::min(v, d(ui - 2, uj - 2) + 1);
      }
      d(ui, uj) = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > cap) return cap + 1;
  }
  return std::min(d(static_cast<size_t>(n), static_cast<size_t>(m)), cap + 1);
}

int AllowedTypos(size_t length) {
  if (length < 4) return 0;
  if (length <= 7) return 1;
  return 2;
}

namespace {

size_t LetterCount(std::string_view word) {
  return static_cast<size_t>(std::count_if(word.begin(), word.end(), [](char c) {
    return !std::isdigit(static_cast<unsigned char>(c));
  }));
}

// The two words' digits, in order, are the same.
bool DigitsAgree(std::string_view a, std::string_view b) {
  auto digits = [](std::string_view w) {
    std::string out;
    for (char c : w) {
      if (std::isdigit(static_cast<unsigned char>(c))) out.push_back(c);
    }
    return out;
  };
  return digits(a) == digits(b);
}

}  // namespace

PhraseMatch FindPhrase(const std::vector<std::string>& tokens,
                       const std::vector<std::string>& phrase, bool fuzzy) {
  PhraseMatch best;
  if (phrase.empty() || phrase.size() > tokens.size()) return best;
  int best_distance = 1 << 20;
  for (size_t s = 0; s + phrase.size() <= tokens.size(); ++s) {
    int total = 0;
    bool ok = true;
    for (size_t k = 0; k < phrase.size(); ++k) {
      const std::string& t = tokens[s + k];
      const std::string& p = phrase[k];
      // why: speed (exact and fuzzy matches both need the same first letter, checked below)
      if (!t.empty() && !p.empty() && t[0] != p[0]) {
        ok = false;
        break;
      }
      if (t == p) continue;
      // "down sleeping bags" names the "Down Sleeping Bag": a plural last word is the name.
      if (k + 1 == phrase.size() && phrase.size() >= 2 && p.size() >= 3 &&
          (t == p + "s" || t == p + "es"))
        continue;
      if (!fuzzy) {
        ok = false;
        break;
      }
      int allowed = AllowedTypos(p.size());
      if (allowed > 0 && std::any_of(p.begin(), p.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        // A code's digits must match exactly ("summer24" is not "summer25"); its letters may
        // carry a typo when there are enough of them ("welcom10" is "welcome10").
        allowed = DigitsAgree(t, p) ? AllowedTypos(LetterCount(p)) : 0;
        if (LetterCount(p) < 5) allowed = 0;
      }
      if (allowed == 0) {
        ok = false;
        break;
      }
      // Typos rarely hit the first letter; requiring it keeps "nothing" from being "clothing".
      if (t.empty() || t[0] != p[0]) {
        ok = false;
        break;
      }
      int dist = EditDistance(t, p, allowed);
      if (dist > allowed) {
        ok = false;
        break;
      }
      total += dist;
    }
    if (ok && total < best_distance) {
      best_distance = total;
      best.start = static_cast<int>(s);
      best.length = static_cast<int>(phrase.size());
      best.distance = total;
      if (total == 0) break;
    }
  }
  return best;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace clever::query
