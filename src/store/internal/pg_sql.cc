#include "store/internal/pg_sql.h"

#include <charconv>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

namespace clever::store::internal {
namespace {

bool IsIdentChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || u >= 0x80;
}
bool IsTagStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || u >= 0x80;
}
bool IsTagChar(char c) { return IsTagStart(c) || (c >= '0' && c <= '9'); }

// Locale-independent; reads PostgreSQL's "NaN", "Infinity" and "-Infinity" as well as numbers.
std::optional<double> ParseDouble(std::string_view text) {
  double d = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  if (ec == std::errc()) return d;
  if (ec == std::errc::result_out_of_range) {  // beyond double: strtod saturates or underflows
    const std::string copy(text);
    return std::strtod(copy.c_str(), nullptr);
  }
  return std::nullopt;
}

// Index just past the literal/identifier quoted by `quote` that opens at `open`; `backslash`
// escapes (E'...') honoured when set. npos when unterminated.
size_t SkipQuoted(std::string_view sql, size_t open, char quote, bool backslash) {
  for (size_t i = open + 1; i < sql.size(); ++i) {
    if (backslash && sql[i] == '\\') {
      ++i;
      continue;
    }
    if (sql[i] == quote) {
      if (i + 1 < sql.size() && sql[i + 1] == quote) {
        ++i;  // doubled quote
        continue;
      }
      return i + 1;
    }
  }
  return std::string_view::npos;
}

}  // namespace

StatusOr<PgStatement> RenumberPlaceholders(std::string_view sql) {
  PgStatement out;
  out.sql.reserve(sql.size() + 16);
  int questions = 0;
  int max_dollar = 0;
  size_t i = 0;
  auto copy_to = [&](size_t end) {
    out.sql.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    const char prev = i > 0 ? sql[i - 1] : '\0';
    if (c == '\'') {
      // E'...' (and e'...') strings take backslash escapes; E must be a token of its own.
      const bool escape = (prev == 'E' || prev == 'e') && (i < 2 || !IsIdentChar(sql[i - 2]));
      const size_t end = SkipQuoted(sql, i, '\'', escape);
      if (end == std::string_view::npos) return InvalidArgumentError("unterminated string literal");
      copy_to(end);
    } else if (c == '"') {
      const size_t end = SkipQuoted(sql, i, '"', false);
      if (end == std::string_view::npos) {
        return InvalidArgumentError("unterminated quoted identifier");
      }
      copy_to(end);
    } else if (c == '-' && next == '-') {
      const size_t nl = sql.find('\n', i);
      copy_to(nl == std::string_view::npos ? sql.size() : nl);
    } else if (c == '/' && next == '*') {
      int depth = 0;
      size_t j = i;
      while (j < sql.size()) {
        if (sql[j] == '/' && j + 1 < sql.size() && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < sql.size() && sql[j + 1] == '/') {
          j += 2;
          if (--depth == 0) break;
        } else {
          ++j;
        }
      }
      if (depth != 0) return InvalidArgumentError("unterminated /* comment */");
      copy_to(j);
    } else if (c == '$' && !(i > 0 && IsIdentChar(prev))) {
      if (next >= '0' && next <= '9') {  // a native $n placeholder
        size_t j = i + 1;
        int64_t n = 0;
        while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') {
          n = n * 10 + (sql[j] - '0');
          if (n > 65535) return InvalidArgumentError("placeholder number out of range");
          ++j;
        }
        if (n == 0) return InvalidArgumentError("placeholder $0 is not valid");
        if (n > max_dollar) max_dollar = static_cast<int>(n);
        copy_to(j);
        continue;
      }
      // A dollar-quoted string: $$...$$ or $tag$...$tag$.
      size_t j = i + 1;
      if (j < sql.size() && IsTagStart(sql[j])) {
        while (j < sql.size() && IsTagChar(sql[j])) ++j;
      }
      if (j < sql.size() && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const size_t close = sql.find(tag, j + 1);
        if (close == std::string_view::npos) {
          return InvalidArgumentError("unterminated dollar-quoted string");
        }
        copy_to(close + tag.size());
      } else {
        copy_to(i + 1);
      }
    } else if (c == '?') {
      if (questions == 65535) return InvalidArgumentError("more than 65535 parameters");
      out.sql += '$';
      out.sql += std::to_string(++questions);
      ++i;
    } else {
      out.sql += c;
      ++i;
    }
  }
  if (questions > 0 && max_dollar > 0) {
    return InvalidArgumentError("SQL mixes ? and $n placeholders");
  }
  out.param_count = questions > 0 ? questions : max_dollar;
  return out;
}

Status StatusFromSqlState(std::string_view sqlstate, std::string message, bool connection_ok) {
  if (sqlstate.size() != 5) {
    return connection_ok ? InternalError(std::move(message)) : UnavailableError(std::move(message));
  }
  message += " (SQLSTATE ";
  message += sqlstate;
  message += ')';
  const std::string_view cls = sqlstate.substr(0, 2);
  if (sqlstate == "23505") return AlreadyExistsError(std::move(message));
  if (sqlstate == "40001" || sqlstate == "40P01") return UnavailableError(std::move(message));
  if (sqlstate == "57014") return DeadlineExceededError(std::move(message));
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" || sqlstate == "55P03" ||
      sqlstate == "55006") {
    return UnavailableError(std::move(message));
  }
  if (sqlstate == "42501") return PermissionDeniedError(std::move(message));
  if (sqlstate == "XX001" || sqlstate == "XX002") return DataLossError(std::move(message));
  if (cls == "08" || cls == "53") return UnavailableError(std::move(message));
  if (cls == "28") return UnauthenticatedError(std::move(message));
  if (cls == "25") return FailedPreconditionError(std::move(message));
  if (cls == "3D") return NotFoundError(std::move(message));
  if (cls == "23" || cls == "42" || cls == "22" || cls == "0A" || cls == "21" || cls == "2F" ||
      cls == "3F" || cls == "44" || cls == "P0" || cls == "27" || cls == "2B" || cls == "34" ||
      cls == "26" || cls == "24") {
    return InvalidArgumentError(std::move(message));
  }
  return InternalError(std::move(message));
}

Value ValueFromPgText(uint32_t type_oid, std::string_view text) {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  switch (type_oid) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(begin, end, n);
      if (ec == std::errc() && ptr == end) return n;
      break;
    }
    case kNumericOid: {
      const bool integral = text.find_first_of(".eE") == std::string_view::npos &&
                            text.find_first_of("0123456789") != std::string_view::npos;
      if (integral) {
        int64_t n = 0;
        auto [ptr, ec] = std::from_chars(begin, end, n);
        if (ec == std::errc() && ptr == end) return n;
      }
      // A fraction, NaN, +-Infinity, or an integer beyond int64: the nearest double.
      if (auto d = ParseDouble(text)) return *d;
      break;
    }
    case kFloat4Oid:
    case kFloat8Oid: {
      if (auto d = ParseDouble(text)) return *d;
      break;
    }
    case kBoolOid:
      if (text == "t") return int64_t{1};
      if (text == "f") return int64_t{0};
      break;
    default:
      break;
  }
  return std::string(text);
}

}  // namespace clever::store::internal
