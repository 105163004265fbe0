#include "json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "common/dates.h"

namespace clever::wcsim {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Bytes that need escaping: '"', '\\', '/', control characters, and every non-ASCII byte.
constexpr bool NeedsEscapeSlow(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c == '/' || c >= 0x80;
}
struct EscapeTable {
  bool v[256];
  constexpr EscapeTable() : v() {
    for (int c = 0; c < 256; ++c) v[c] = NeedsEscapeSlow(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscape;
inline bool NeedsEscape(unsigned char c) { return kEscape.v[c]; }

void AppendU16(std::string& out, uint32_t unit) {
  char buf[6] = {
      '\\',           'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15],
      kHex[unit & 15]};
  out.append(buf, 6);
}

// Decodes one UTF-8 sequence at s[i] (s[i] >= 0x80). Returns the code point and sets *len, or
// returns -1 (*len = 1) for an invalid / overlong / surrogate / truncated sequence.
int32_t DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  *len = 1;
  int n = 0;
  uint32_t cp = 0, min = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 1;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 2;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 3;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (i + static_cast<size_t>(n) >= s.size()) return -1;  // truncated
  for (int k = 1; k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *len = static_cast<size_t>(n) + 1;
  return static_cast<int32_t>(cp);
}

}  // namespace

FieldTree FieldTree::Parse(const std::vector<std::string>& fields) {
  FieldTree tree;
  for (const std::string& f : fields) {
    // WordPress trims each entry (PHP trim()); an entry empty after trimming matches no key.
    static constexpr std::string_view kTrim(" \t\n\r\v\0", 6);
    const size_t b = f.find_first_not_of(kTrim);
    const size_t e = f.find_last_not_of(kTrim);
    const std::string field = b == std::string::npos ? std::string() : f.substr(b, e - b + 1);
    FieldTree* node = &tree;
    size_t start = 0;
    bool covered = false;
    while (true) {
      const size_t dot = field.find('.', start);
      const std::string part =
          field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      node = &node->children[part];
      if (dot == std::string::npos) break;
      if (node->leaf) {  // "a" already selected whole: "a.b" adds nothing
        covered = true;
        break;
      }
      start = dot + 1;
    }
    if (covered) continue;
    node->leaf = true;
    node->children.clear();
  }
  return tree;
}

JsonWriter::JsonWriter(std::string* out, const FieldTree* fields) : out_(*out), root_(fields) {}

void JsonWriter::EscapeInto(std::string_view s) {
  size_t run = 0;  // start of the pending run of bytes that need no escaping
  size_t i = 0;
  const size_t n = s.size();
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  while (i < n) {
    while (i < n && !NeedsEscape(bytes[i])) ++i;  // the common case: long clean runs
    if (i == n) break;
    const unsigned char c = bytes[i];
    out_.append(s.data() + run, i - run);
    size_t len = 1;
    switch (c) {
      case '"':
        out_.append("\\\"", 2);
        break;
      case '\\':
        out_.append("\\\\", 2);
        break;
      case '/':
        out_.append("\\/", 2);
        break;
      case '\b':
        out_.append("\\b", 2);
        break;
      case '\f':
        out_.append("\\f", 2);
        break;
      case '\n':
        out_.append("\\n", 2);
        break;
      case '\r':
        out_.append("\\r", 2);
        break;
      case '\t':
        out_.append("\\t", 2);
        break;
      default:
        if (c < 0x20) {
          AppendU16(out_, c);
        } else {
          const int32_t cp = DecodeUtf8(s, i, &len);
          if (cp < 0) {
            AppendU16(out_, 0xFFFD);
          } else if (cp >= 0x10000) {
            const uint32_t v = static_cast<uint32_t>(cp) - 0x10000;
            AppendU16(out_, 0xD800 + (v >> 10));
            AppendU16(out_, 0xDC00 + (v & 0x3FF));
          } else {
            AppendU16(out_, static_cast<uint32_t>(cp));
          }
        }
    }
    i += len;
    run = i;
  }
  out_.append(s.data() + run, s.size() - run);
}

void JsonWriter::RawKey(std::string_view k, bool escape) {
  Comma();
  out_.push_back('"');
  if (escape)
    EscapeInto(k);
  else
    out_.append(k);
  out_.append("\":", 2);
  need_comma_ = false;
}

void JsonWriter::Key(std::string_view k) {
  if (root_ == nullptr) {
    RawKey(k, false);
    return;
  }
  if (skip_ > 0) return;
  const FieldTree* f = frames_.empty() ? nullptr : frames_.back().filter;
  if (f == nullptr) {
    RawKey(k, false);
    pending_ = Pending::kWhole;
    return;
  }
  auto it = f->children.find(k);
  if (it == f->children.end()) {
    pending_ = Pending::kSkip;
  } else if (it->second.leaf) {
    RawKey(k, false);
    pending_ = Pending::kWhole;
  } else {
    pending_ = Pending::kFiltered;
    pending_filter_ = &it->second;
    pending_key_.assign(k);
    pending_key_escape_ = false;
  }
}

void JsonWriter::EscapedKey(std::string_view k) {
  if (root_ == nullptr) {
    RawKey(k, true);
    return;
  }
  if (skip_ > 0) return;
  const FieldTree* f = frames_.empty() ? nullptr : frames_.back().filter;
  if (f == nullptr) {
    RawKey(k, true);
    pending_ = Pending::kWhole;
    return;
  }
  auto it = f->children.find(k);
  if (it == f->children.end()) {
    pending_ = Pending::kSkip;
  } else if (it->second.leaf) {
    RawKey(k, true);
    pending_ = Pending::kWhole;
  } else {
    pending_ = Pending::kFiltered;
    pending_filter_ = &it->second;
    pending_key_.assign(k);
    pending_key_escape_ = true;
  }
}

bool JsonWriter::BeforeValue(bool container, bool array, const FieldTree** child_filter) {
  *child_filter = nullptr;
  if (root_ == nullptr) {
    Comma();
    return true;
  }
  if (skip_ > 0) {
    if (container) ++skip_;
    return false;
  }
  const Pending p = pending_;
  pending_ = Pending::kNone;
  switch (p) {
    case Pending::kSkip:
      if (container) skip_ = 1;
      return false;
    case Pending::kFiltered:
      if (container && array) {  // sub-fields of a list: the list is dropped
        skip_ = 1;
        return false;
      }
      RawKey(pending_key_, pending_key_escape_);
      *child_filter = container ? pending_filter_ : nullptr;
      return true;
    case Pending::kWhole:
      return true;
    case Pending::kNone:
      break;
  }
  // A top-level value or an array element: the top-level filter applies to the top-level
  // object, or to each element of a top-level array.
  *child_filter = frames_.empty() ? root_ : frames_.back().filter;
  Comma();
  return true;
}

void JsonWriter::BeginObject() {
  const FieldTree* child = nullptr;
  if (!BeforeValue(true, false, &child)) return;
  out_.push_back('{');
  need_comma_ = false;
  if (root_ != nullptr) frames_.push_back(Frame{child, false});
}

void JsonWriter::EndObject() {
  if (root_ != nullptr) {
    if (skip_ > 0) {
      --skip_;
      return;
    }
    frames_.pop_back();
  }
  out_.push_back('}');
  need_comma_ = true;
}

void JsonWriter::BeginArray() {
  const FieldTree* child = nullptr;
  if (!BeforeValue(true, true, &child)) return;
  out_.push_back('[');
  need_comma_ = false;
  if (root_ != nullptr) frames_.push_back(Frame{child, true});
}

void JsonWriter::EndArray() {
  if (root_ != nullptr) {
    if (skip_ > 0) {
      --skip_;
      return;
    }
    frames_.pop_back();
  }
  out_.push_back(']');
  need_comma_ = true;
}

void JsonWriter::String(std::string_view s) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  out_.push_back('"');
  EscapeInto(s);
  out_.push_back('"');
  AfterScalar();
}

void JsonWriter::Int(int64_t v) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  AfterScalar();
}

void JsonWriter::Uint(uint64_t v) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  AfterScalar();
}

void JsonWriter::Double(double v) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  if (!std::isfinite(v)) {
    out_.append("null", 4);
  } else {
    char buf[40];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    const std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
    out_.append(text);
    if (text.find_first_of(".e") == std::string_view::npos) out_.append(".0", 2);
  }
  AfterScalar();
}

void JsonWriter::Bool(bool v) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  if (v)
    out_.append("true", 4);
  else
    out_.append("false", 5);
  AfterScalar();
}

void JsonWriter::Null() {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  out_.append("null", 4);
  AfterScalar();
}

namespace {
// Writes "[-]units.cc" (two decimals) or, with `trim`, drops trailing zero decimals / the point.
size_t FormatCents(char* buf, int64_t cents, bool trim) {
  char* p = buf;
  uint64_t a = 0;
  if (cents < 0) {
    *p++ = '-';
    a = static_cast<uint64_t>(-(cents + 1)) + 1;
  } else {
    a = static_cast<uint64_t>(cents);
  }
  auto r = std::to_chars(p, buf + 32, a / 100);
  p = r.ptr;
  const auto frac = static_cast<unsigned>(a % 100);
  if (!trim || frac != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + frac / 10);
    if (!trim || frac % 10 != 0) *p++ = static_cast<char>('0' + frac % 10);
  }
  return static_cast<size_t>(p - buf);
}
}  // namespace

void JsonWriter::MoneyString(int64_t cents) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  char buf[40];
  const size_t n = FormatCents(buf, cents, false);
  out_.push_back('"');
  out_.append(buf, n);
  out_.push_back('"');
  AfterScalar();
}

void JsonWriter::MoneyNumber(int64_t cents) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  char buf[40];
  out_.append(buf, FormatCents(buf, cents, true));
  AfterScalar();
}

void JsonWriter::IsoDateTime(int64_t wall) {
  const FieldTree* child = nullptr;
  if (!BeforeValue(false, false, &child)) return;
  const int64_t days = wall >= 0 ? wall / 86400 : (wall - 86399) / 86400;
  const int64_t rest = wall - days * 86400;
  const CivilDate d = CivilDate::FromDays(days);
  const int h = static_cast<int>(rest / 3600), mi = static_cast<int>(rest % 3600 / 60),
            se = static_cast<int>(rest % 60);
  if (d.year < 0 || d.year > 9999) {
    // Out of the 4-digit range: fall back to the shared formatter.
    String(LocalDateTime::FromEpochSecondsAsUtc(wall).ToString());
    return;
  }
  char buf[21] = {'"',
                  static_cast<char>('0' + d.year / 1000),
                  static_cast<char>('0' + d.year / 100 % 10),
                  static_cast<char>('0' + d.year / 10 % 10),
                  static_cast<char>('0' + d.year % 10),
                  '-',
                  static_cast<char>('0' + d.month / 10),
                  static_cast<char>('0' + d.month % 10),
                  '-',
                  static_cast<char>('0' + d.day / 10),
                  static_cast<char>('0' + d.day % 10),
                  'T',
                  static_cast<char>('0' + h / 10),
                  static_cast<char>('0' + h % 10),
                  ':',
                  static_cast<char>('0' + mi / 10),
                  static_cast<char>('0' + mi % 10),
                  ':',
                  static_cast<char>('0' + se / 10),
                  static_cast<char>('0' + se % 10),
                  '"'};
  out_.append(buf, sizeof buf);
  AfterScalar();
}

namespace {
template <typename J>
void WriteAny(JsonWriter& w, const J& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      w.BeginObject();
      for (auto it = j.begin(); it != j.end(); ++it) {
        w.EscapedKey(it.key());
        WriteAny(w, it.value());
      }
      w.EndObject();
      break;
    case nlohmann::json::value_t::array:
      w.BeginArray();
      for (const auto& e : j) WriteAny(w, e);
      w.EndArray();
      break;
    case nlohmann::json::value_t::string:
      w.String(j.template get_ref<const std::string&>());
      break;
    case nlohmann::json::value_t::boolean:
      w.Bool(j.template get<bool>());
      break;
    case nlohmann::json::value_t::number_integer:
      w.Int(j.template get<int64_t>());
      break;
    case nlohmann::json::value_t::number_unsigned:
      w.Uint(j.template get<uint64_t>());
      break;
    case nlohmann::json::value_t::number_float:
      w.Double(j.template get<double>());
      break;
    default:  // null, binary, discarded
      w.Null();
      break;
  }
}
}  // namespace

void WriteJson(JsonWriter& w, const nlohmann::ordered_json& j) { WriteAny(w, j); }
void WriteJson(JsonWriter& w, const nlohmann::json& j) { WriteAny(w, j); }

}  // namespace clever::wcsim
