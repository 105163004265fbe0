// Store-local calendar dates and times. WooCommerce returns local `date_created` without offset
// plus a `_gmt` twin; WooPayments returns UTC. Periods in questions are store-local dates
// (../shared/docs/metrics.md [M-DATES]). Pure functions; the time-zone database is Debian's tzdata.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace clever {

// A proleptic Gregorian calendar date. Value type; ordered.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;

  // Days since 1970-01-01.
  [[nodiscard]] int64_t ToDays() const;
  static CivilDate FromDays(int64_t days);
  [[nodiscard]] CivilDate AddDays(int64_t n) const { return FromDays(ToDays() + n); }
  // Adds months, clipping the day to the target month's length (31 Mar - 1 month = 28/29 Feb).
  [[nodiscard]] CivilDate AddMonths(int n) const;
  // 1 = Monday .. 7 = Sunday (ISO).
  [[nodiscard]] int IsoWeekday() const;
  // "YYYY-MM-DD".
  [[nodiscard]] std::string ToString() const;
};

int DaysInMonth(int year, int month);
bool IsValidDate(int year, int month, int day);

// Parses "YYYY-MM-DD" (and ignores a trailing "THH:MM:SS..."/" HH:MM:SS"). kInvalidArgument else.
StatusOr<CivilDate> ParseCivilDate(std::string_view text);

// A local date-time without zone, as WooCommerce's `date_created` ("2025-03-01T23:30:00").
struct LocalDateTime {
  CivilDate date;
  int hour = 0, minute = 0, second = 0;
  friend auto operator<=>(const LocalDateTime&, const LocalDateTime&) = default;
  // Seconds since 1970-01-01T00:00:00 of this wall-clock reading, treating it as UTC.
  [[nodiscard]] int64_t ToEpochSecondsAsUtc() const;
  static LocalDateTime FromEpochSecondsAsUtc(int64_t seconds);
  // "YYYY-MM-DDTHH:MM:SS".
  [[nodiscard]] std::string ToString() const;
};

// Parses "YYYY-MM-DDTHH:MM:SS" or with a space, optional fraction and optional 'Z'/offset suffix
// (the suffix is ignored: callers know which twin they read). kInvalidArgument else.
StatusOr<LocalDateTime> ParseLocalDateTime(std::string_view text);

// A store's time zone: an IANA name (preferred, DST-aware) or a fixed offset from `gmt_offset`.
class StoreTimeZone {
 public:
  // From the REST index: `timezone_string` (may be empty or "UTC+5:30"-like) and `gmt_offset`
  // hours (may be fractional, e.g. 5.5). Unknown names fall back to the offset.
  static StoreTimeZone FromIndex(std::string_view timezone_string, double gmt_offset_hours);
  static StoreTimeZone Utc() { return FromIndex("UTC", 0); }

  // UTC epoch seconds -> local wall-clock.
  [[nodiscard]] LocalDateTime ToLocal(int64_t utc_epoch_seconds) const;
  // Local wall-clock -> UTC epoch seconds (the earlier instant when ambiguous).
  [[nodiscard]] int64_t ToUtc(const LocalDateTime& local) const;
  // The IANA name when known, else "UTC+HH:MM".
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  std::string name_;
  bool iana_ = false;
  int offset_seconds_ = 0;
};

}  // namespace clever
