#include "query/periods.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace clever::query {

const char* const kMonthNames[13] = {"",        "January",  "February", "March",  "April",
                                     "May",     "June",     "July",     "August", "September",
                                     "October", "November", "December"};
const char* const kWeekdayNames[8] = {"",         "Monday", "Tuesday",  "Wednesday",
                                      "Thursday", "Friday", "Saturday", "Sunday"};

namespace {

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    size_t j = s.find(':', i);
    if (j == std::string_view::npos) {
      out.push_back(s.substr(i));
      break;
    }
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::optional<int> Int(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

CivilDate MonthStart(int y, int m) { return CivilDate{y, m, 1}; }
CivilDate MonthEnd(int y, int m) { return CivilDate{y, m, DaysInMonth(y, m)}; }

CivilDate AddMonthsToStart(const CivilDate& d, int k) {
  int idx = d.year * 12 + (d.month - 1) + k;
  return CivilDate{idx / 12, idx % 12 + 1, 1};
}

}  // namespace

// Black Friday: the day after the fourth Thursday of November.
CivilDate BlackFriday(int year) {
  CivilDate first{year, 11, 1};
  int wd = first.IsoWeekday();  // 4 = Thursday
  int first_thu = 1 + ((4 - wd + 7) % 7);
  return CivilDate{year, 11, first_thu + 21 + 1};
}

int64_t DateRange::Days() const {
  if (!start) return 0;
  return end.ToDays() - start->ToDays() + 1;
}

std::string DateRange::ToString() const {
  return (start ? start->ToString() : std::string()) + ".." + end.ToString();
}

StatusOr<DateRange> ResolvePeriod(std::string_view spec, CivilDate d) {
  std::vector<std::string_view> p = Split(spec.empty() ? std::string_view("all") : spec);
  const std::string_view head = p[0];
  auto arg = [&](size_t i) -> std::optional<int> {
    return i < p.size() ? Int(p[i]) : std::nullopt;
  };
  DateRange r;
  r.end = d;
  if (head == "all") {
    r.start.reset();
  } else if (head == "today") {
    r.start = d;
  } else if (head == "yesterday") {
    r.start = r.end = d.AddDays(-1);
  } else if (head == "days_ago") {
    auto k = arg(1);
    if (!k || *k < 0 || *k > 100000) return InvalidArgumentError("bad period");
    r.start = r.end = d.AddDays(-*k);
  } else if (head == "this_week") {
    r.start = d.AddDays(-(d.IsoWeekday() - 1));
  } else if (head == "last_week" || head == "weeks_ago") {
    int k = head == "last_week" ? 1 : arg(1).value_or(-1);
    if (k < 0 || k > 5000) return InvalidArgumentError("bad period");
    CivilDate mon = d.AddDays(-(d.IsoWeekday() - 1) - 7 * k);
    r.start = mon;
    r.end = mon.AddDays(6);
  } else if (head == "this_month") {
    r.start = CivilDate{d.year, d.month, 1};
  } else if (head == "last_month" || head == "months_ago") {
    int k = head == "last_month" ? 1 : arg(1).value_or(-1);
    if (k < 0 || k > 1200) return InvalidArgumentError("bad period");
    if (k == 0) {
      r.start = CivilDate{d.year, d.month, 1};
    } else {
      CivilDate s = AddMonthsToStart(d, -k);
      r.start = s;
      r.end = MonthEnd(s.year, s.month);
    }
  } else if (head == "this_quarter") {
    r.start = CivilDate{d.year, (d.month - 1) / 3 * 3 + 1, 1};
  } else if (head == "last_quarter" || head == "quarters_ago") {
    // quarters_ago:K, K whole calendar quarters back ("the quarter before last quarter" = 2).
    int k = head == "last_quarter" ? 1 : arg(1).value_or(-1);
    if (k < 1 || k > 4000) return InvalidArgumentError("bad period");
    CivilDate q0{d.year, (d.month - 1) / 3 * 3 + 1, 1};
    CivilDate s = AddMonthsToStart(q0, -3 * k);
    r.start = s;
    CivilDate e = AddMonthsToStart(s, 2);
    r.end = MonthEnd(e.year, e.month);
  } else if (head == "quarter") {  // quarter:Y:Q
    auto y = arg(1), q = arg(2);
    if (!y || !q || *q < 1 || *q > 4 || *y < 1900 || *y > 9999)
      return InvalidArgumentError("bad quarter");
    r.start = CivilDate{*y, (*q - 1) * 3 + 1, 1};
    r.end = MonthEnd(*y, (*q - 1) * 3 + 3);
  } else if (head == "this_year") {
    r.start = CivilDate{d.year, 1, 1};
  } else if (head == "last_year") {
    r.start = CivilDate{d.year - 1, 1, 1};
    r.end = CivilDate{d.year - 1, 12, 31};
  } else if (head == "years_ago") {
    int k = arg(1).value_or(-1);
    if (k < 0 || k > 1000) return InvalidArgumentError("bad period");
    r.start = CivilDate{d.year - k, 1, 1};
    r.end = CivilDate{d.year - k, 12, 31};
  } else if (head == "ytd_last_year") {
    r.start = CivilDate{d.year - 1, 1, 1};
    r.end = CivilDate{d.year - 1, d.month, std::min(d.day, DaysInMonth(d.year - 1, d.month))};
  } else if (head == "month_last_year") {
    r.start = MonthStart(d.year - 1, d.month);
    r.end = MonthEnd(d.year - 1, d.month);
  } else if (head == "mtd_last_month") {
    CivilDate s = AddMonthsToStart(d, -1);
    r.start = s;
    r.end = CivilDate{s.year, s.month, std::min(d.day, DaysInMonth(s.year, s.month))};
  } else if (head == "last_days" || head == "prev_days") {
    auto n = arg(1);
    if (!n || *n < 1 || *n > 100000) return InvalidArgumentError("bad number of days");
    if (head == "last_days") {
      r.start = d.AddDays(-(*n - 1));
    } else {
      r.start = d.AddDays(-(2 * *n - 1));
      r.end = d.AddDays(-*n);
    }
  } else if (head == "last_months") {  // rolling: the same day N months back + 1 .. D
    auto n = arg(1);
    if (!n || *n < 1 || *n > 1200) return InvalidArgumentError("bad number of months");
    r.start = d.AddMonths(-*n).AddDays(1);
  } else if (head == "month") {  // month:M (most recent) or month:Y:M
    if (p.size() == 2) {
      auto m = arg(1);
      if (!m || *m < 1 || *m > 12) return InvalidArgumentError("bad month");
      int y = *m <= d.month ? d.year : d.year - 1;
      r.start = MonthStart(y, *m);
      r.end = MonthEnd(y, *m);
    } else {
      auto y = arg(1), m = arg(2);
      if (!y || !m || *m < 1 || *m > 12 || *y < 1900 || *y > 9999)
        return InvalidArgumentError("bad month");
      r.start = MonthStart(*y, *m);
      r.end = MonthEnd(*y, *m);
    }
  } else if (head == "year") {
    auto y = arg(1);
    if (!y || *y < 1900 || *y > 9999) return InvalidArgumentError("bad year");
    r.start = CivilDate{*y, 1, 1};
    r.end = CivilDate{*y, 12, 31};
  } else if (head == "black_friday") {
    auto y = arg(1);
    int year = y.value_or(d.year);
    if (!y && BlackFriday(year) > d) --year;
    if (year < 1900 || year > 9999) return InvalidArgumentError("bad year");
    r.start = r.end = BlackFriday(year);
  } else if (head == "range" || head == "since" || head == "date") {
    if (p.size() < 2) return InvalidArgumentError("bad range");
    CLEVER_ASSIGN_OR_RETURN(CivilDate a, ParseCivilDate(p[1]));
    r.start = a;
    if (head == "date") {
      r.end = a;
    } else if (head == "range") {
      if (p.size() < 3) return InvalidArgumentError("bad range");
      CLEVER_ASSIGN_OR_RETURN(CivilDate b, ParseCivilDate(p[2]));
      if (b < a) std::swap(a, b);
      r.start = a;
      r.end = b;
    }
  } else {
    return InvalidArgumentError("unknown period");
  }
  if (r.end > d) r.end = d;
  return r;
}

std::string DefaultBasePeriod(std::string_view spec) {
  std::vector<std::string_view> p = Split(spec);
  const std::string_view head = p[0];
  if (head == "today") return "yesterday";
  if (head == "yesterday") return "days_ago:2";
  if (head == "this_week") return "last_week";
  if (head == "last_week") return "weeks_ago:2";
  if (head == "weeks_ago" && p.size() > 1) {
    auto k = Int(p[1]);
    return "weeks_ago:" + std::to_string(k.value_or(1) + 1);
  }
  if (head == "this_month") return "last_month";
  if (head == "last_month") return "months_ago:2";
  if (head == "months_ago" && p.size() > 1) {
    auto k = Int(p[1]);
    return "months_ago:" + std::to_string(k.value_or(1) + 1);
  }
  if (head == "this_quarter") return "last_quarter";
  if (head == "last_quarter") return "quarters_ago:2";
  if (head == "quarters_ago" && p.size() > 1) {
    auto k = Int(p[1]);
    return "quarters_ago:" + std::to_string(k.value_or(1) + 1);
  }
  if (head == "this_year") return "last_year";
  if (head == "last_year") return "years_ago:2";
  if (head == "last_days" && p.size() > 1) return "prev_days:" + std::string(p[1]);
  // A named month, year or quarter compares with the one before it ("month-over-month growth
  // for October" is October against September).
  if (head == "month" && p.size() == 2) {
    auto m = Int(p[1]);
    if (m && *m >= 1 && *m <= 12) return "month:" + std::to_string(*m == 1 ? 12 : *m - 1);
  }
  if (head == "month" && p.size() == 3) {
    auto y = Int(p[1]), m = Int(p[2]);
    if (y && m && *m >= 1 && *m <= 12) {
      return *m == 1 ? "month:" + std::to_string(*y - 1) + ":12"
                     : "month:" + std::to_string(*y) + ":" + std::to_string(*m - 1);
    }
  }
  if (head == "year" && p.size() == 2) {
    auto y = Int(p[1]);
    if (y) return "year:" + std::to_string(*y - 1);
  }
  if (head == "quarter" && p.size() == 3) {
    auto y = Int(p[1]), q = Int(p[2]);
    if (y && q && *q >= 1 && *q <= 4) {
      return *q == 1 ? "quarter:" + std::to_string(*y - 1) + ":4"
                     : "quarter:" + std::to_string(*y) + ":" + std::to_string(*q - 1);
    }
  }
  return "";
}

std::string FormatDate(const CivilDate& d) {
  return std::to_string(d.day) + " " + std::string(kMonthNames[d.month]).substr(0, 3) + " " +
         std::to_string(d.year);
}

std::string DescribePeriod(std::string_view spec, const DateRange& r) {
  const std::string span =
      r.start ? (*r.start == r.end ? FormatDate(r.end)
                                   : FormatDate(*r.start) + " \xE2\x80\x93 " + FormatDate(r.end))
              : "up to " + FormatDate(r.end);
  std::vector<std::string_view> p = Split(spec);
  const std::string_view head = p[0];
  if (head == "all" || spec.empty()) return "in total (all time up to " + FormatDate(r.end) + ")";
  if (head == "today") return "today (" + FormatDate(r.end) + ")";
  if (head == "yesterday") return "yesterday (" + FormatDate(r.end) + ")";
  if (r.start && r.start->day == 1 && r.start->month == r.end.month &&
      r.start->year == r.end.year &&
      (head == "month" || head == "last_month" || head == "months_ago" ||
       head == "month_last_year")) {
    return "in " + std::string(kMonthNames[r.start->month]) + " " + std::to_string(r.end.year);
  }
  if (head == "this_week") return "so far this week (" + span + ")";
  if (head == "last_week") return "last week (" + span + ")";
  if (head == "this_month") return "so far this month (" + span + ")";
  if (head == "this_quarter") return "so far this quarter (" + span + ")";
  if (head == "last_quarter") return "last quarter (" + span + ")";
  if (head == "quarters_ago") return "in " + span;
  if (head == "this_year") return "so far this year (" + span + ")";
  if (head == "last_year" || head == "year" || head == "years_ago")
    return "in " + std::to_string(r.start ? r.start->year : r.end.year);
  if (head == "last_days" && p.size() > 1 && p[1] == "1") return "today (" + span + ")";
  if (head == "last_days" && p.size() > 1)
    return "in the last " + std::string(p[1]) + " days (" + span + ")";
  if (head == "black_friday") return "on Black Friday (" + span + ")";
  if (head == "date") return "on " + span;
  return "in " + span;
}

}  // namespace clever::query
