#include "store/database.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace clever::store {

int64_t AsInt(const Value& v, int64_t fallback) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v))
    return std::isfinite(*d) ? static_cast<int64_t>(*d) : fallback;
  if (const auto* s = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    if (ec == std::errc() && ptr == s->data() + s->size()) return out;
  }
  return fallback;
}

double AsDouble(const Value& v, double fallback) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    auto [ptr, ec] = std::from_chars(s->data(), s->data() + s->size(), out);
    if (ec == std::errc() && ptr == s->data() + s->size()) return out;
  }
  return fallback;
}

std::string AsString(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return "";
}

int ResultSet::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Status Database::Transaction(const std::function<Status()>& body) {
  CLEVER_RETURN_IF_ERROR(Begin());
  Status status = body();
  if (!status.ok()) {
    (void)Rollback();  // the body's error is the one worth reporting
    return status;
  }
  return Commit();
}

StatusOr<std::unique_ptr<Database>> OpenDatabase(const std::string& url) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return OpenPostgres(url);
  }
  if (url.rfind("sqlite:", 0) == 0) return OpenSqlite(url.substr(7));
  return OpenSqlite(url);
}

}  // namespace clever::store
