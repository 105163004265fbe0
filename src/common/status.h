// Status and StatusOr<T>: the error vocabulary every subsystem returns across its boundary.
// Shaped like absl::Status (absl/status/status.h) so a later move to Abseil is a rename.
// Thread-compatible value types.
#pragma once

#include <cassert>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace clever {

// Codes keep abseil's meanings. Callers branch on them, so choose carefully:
//  kInvalidArgument    the input itself is wrong (malformed URL, bad question); retrying won't
//  help. kNotFound           the named thing does not exist (connector, order, route).
//  kAlreadyExists      a unique thing exists already (duplicate store domain).
//  kFailedPrecondition the system is not in a state to do this (no connector, not synced yet).
//  kUnauthenticated    credentials missing or wrong.
//  kPermissionDenied   credentials valid but not allowed (key without read permission).
//  kUnavailable        transient: the caller can retry just the failing call (5xx, 429, reset).
//  kDeadlineExceeded   a timeout; also retryable.
//  kDataLoss           data arrived corrupt (truncated or malformed body).
//  kInternal           a bug or an invariant broken.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kUnauthenticated,
  kPermissionDenied,
  kUnavailable,
  kDeadlineExceeded,
  kDataLoss,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  [[nodiscard]] bool ok() const { return code_ == StatusCode::kOk; }
  [[nodiscard]] StatusCode code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }
  // "UNAVAILABLE: store answered 503" or "OK".
  [[nodiscard]] std::string ToString() const;
  // Returns a copy whose message is prefixed with `context` ("fetching orders page 3: ...").
  [[nodiscard]] Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status OkStatus() { return {}; }
inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status UnauthenticatedError(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceededError(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status DataLossError(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// True for the codes a caller may retry (style.md section 4).
inline bool IsRetryable(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kDeadlineExceeded;
}

// Holds a T or a non-OK Status. Constructing from an OK Status is a programmer error.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "StatusOr built from an OK Status");
    if (status_.ok()) status_ = InternalError("StatusOr built from an OK Status");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return status_.ok(); }
  [[nodiscard]] const Status& status() const { return status_; }

  // REQUIRES: ok().
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The value, or `fallback` when not ok().
  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace clever

#define CLEVER_STATUS_CONCAT_INNER(a, b) a##b
#define CLEVER_STATUS_CONCAT(a, b) CLEVER_STATUS_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK. (__COUNTER__ keeps the
// temporary unique when the macro nests, e.g. inside a lambda passed to Transaction.)
#define CLEVER_RETURN_IF_ERROR(expr) \
  CLEVER_RETURN_IF_ERROR_IMPL(CLEVER_STATUS_CONCAT(clever_status_, __COUNTER__), expr)
#define CLEVER_RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                         \
    ::clever::Status tmp = (expr);             \
    if (!tmp.ok()) return tmp;                 \
  } while (false)

// CLEVER_ASSIGN_OR_RETURN(auto x, Fetch()); declares/assigns x or returns the error.
#define CLEVER_ASSIGN_OR_RETURN(lhs, expr) \
  CLEVER_ASSIGN_OR_RETURN_IMPL(CLEVER_STATUS_CONCAT(clever_statusor_, __COUNTER__), lhs, expr)
#define CLEVER_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
