#include "common/dates.h"

#include <date/tz.h>

#include <cctype>
#include <cmath>
#include <cstdio>

namespace clever {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms, as in <chrono>).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool ReadInt(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

bool IsValidDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

int64_t CivilDate::ToDays() const { return DaysFromCivil(year, month, day); }

CivilDate CivilDate::FromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

CivilDate CivilDate::AddMonths(int n) const {
  int total = year * 12 + (month - 1) + n;
  int y = total / 12;
  int m = total % 12 + 1;
  return CivilDate{y, m, std::min(day, DaysInMonth(y, m))};
}

int CivilDate::IsoWeekday() const {
  // 1970-01-01 was a Thursday (ISO 4).
  int64_t w = (ToDays() + 3) % 7;
  if (w < 0) w += 7;
  return static_cast<int>(w) + 1;
}

std::string CivilDate::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

StatusOr<CivilDate> ParseCivilDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() < 10 || !ReadInt(text, 0, 4, y) || text[4] != '-' || !ReadInt(text, 5, 2, m) ||
      text[7] != '-' || !ReadInt(text, 8, 2, d) || !IsValidDate(y, m, d) ||
      (text.size() > 10 && text[10] != 'T' && text[10] != ' ')) {
    return InvalidArgumentError("not a date (YYYY-MM-DD): '" + std::string(text.substr(0, 40)) +
                                "'");
  }
  return CivilDate{y, m, d};
}

int64_t LocalDateTime::ToEpochSecondsAsUtc() const {
  return date.ToDays() * 86400 + hour * 3600 + minute * 60 + second;
}

LocalDateTime LocalDateTime::FromEpochSecondsAsUtc(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  int64_t rest = seconds - days * 86400;
  LocalDateTime out;
  out.date = CivilDate::FromDays(days);
  out.hour = static_cast<int>(rest / 3600);
  out.minute = static_cast<int>(rest % 3600 / 60);
  out.second = static_cast<int>(rest % 60);
  return out;
}

std::string LocalDateTime::ToString() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d", date.ToString().c_str(), hour, minute,
                second);
  return buf;
}

StatusOr<LocalDateTime> ParseLocalDateTime(std::string_view text) {
  CLEVER_ASSIGN_OR_RETURN(CivilDate date, ParseCivilDate(text));
  LocalDateTime out;
  out.date = date;
  if (text.size() == 10) return out;
  int h = 0, mi = 0, s = 0;
  if (text.size() < 19 || !ReadInt(text, 11, 2, h) || text[13] != ':' ||
      !ReadInt(text, 14, 2, mi) || text[16] != ':' || !ReadInt(text, 17, 2, s) || h > 23 ||
      mi > 59 || s > 60) {
    return InvalidArgumentError("not a date-time: '" + std::string(text.substr(0, 40)) + "'");
  }
  out.hour = h;
  out.minute = mi;
  out.second = std::min(s, 59);
  return out;
}

StoreTimeZone StoreTimeZone::FromIndex(std::string_view timezone_string, double gmt_offset_hours) {
  StoreTimeZone tz;
  if (!timezone_string.empty() && timezone_string.size() < 64) {
    try {
      const date::time_zone* zone = date::locate_zone(std::string(timezone_string));
      if (zone != nullptr) {
        tz.name_ = zone->name();
        tz.iana_ = true;
        return tz;
      }
    } catch (const std::exception&) {
      // Not an IANA name (WordPress allows "UTC+5" style); fall back to the offset.
    }
  }
  if (!std::isfinite(gmt_offset_hours) || std::fabs(gmt_offset_hours) > 14) gmt_offset_hours = 0;
  tz.offset_seconds_ = static_cast<int>(std::lround(gmt_offset_hours * 3600));
  char buf[16];
  const int abs = std::abs(tz.offset_seconds_);
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", tz.offset_seconds_ < 0 ? '-' : '+', abs / 3600,
                abs % 3600 / 60);
  tz.name_ = buf;
  return tz;
}

LocalDateTime StoreTimeZone::ToLocal(int64_t utc_epoch_seconds) const {
  if (!iana_) return LocalDateTime::FromEpochSecondsAsUtc(utc_epoch_seconds + offset_seconds_);
  const date::time_zone* zone = date::locate_zone(name_);
  const auto info = zone->get_info(date::sys_seconds(std::chrono::seconds(utc_epoch_seconds)));
  return LocalDateTime::FromEpochSecondsAsUtc(utc_epoch_seconds + info.offset.count());
}

int64_t StoreTimeZone::ToUtc(const LocalDateTime& local) const {
  const int64_t wall = local.ToEpochSecondsAsUtc();
  if (!iana_) return wall - offset_seconds_;
  const date::time_zone* zone = date::locate_zone(name_);
  const auto info = zone->get_info(date::local_seconds(std::chrono::seconds(wall)));
  // For a gap (spring forward) or overlap, take the first offset: the earlier instant.
  return wall - info.first.offset.count();
}

}  // namespace clever
