#include "query/interpret.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string_view>

#include "query/catalog.h"
#include "query/periods.h"
#include "query/text.h"

namespace clever::query {
namespace {

// ------------------------------------------------------------------ vocabulary and typos
const std::set<std::string>& Vocabulary() {
  static const std::set<std::string> k = {
      // Ordinary words one letter from store words ("taking" is not "takings").
      "taking", "taken",
      // How the answer should look: never a typo of a store word ("chart" is not "cart").
      "chart", "charts", "graph", "graphs", "plot", "diagram", "visualise", "visualize",
      "visualisation", "visualization", "stack", "stacks", "stacked", "receive", "receives",
      "receiving", "chance", "chances", "status", "shift", "shifted", "basket", "comes", "come",
      "coming", "came", "carry", "carried", "purchased", "purchase", "purchases", "purchasing",
      "sales", "sale", "revenue", "revenues", "takings", "turnover", "income", "earned", "earn",
      "earnings", "made", "make", "brought", "gross", "net", "orders", "order", "purchases",
      "purchase", "transactions", "transaction", "average", "value", "basket", "items", "item",
      "units", "unit", "pieces", "quantity", "sold", "sell", "selling", "customers", "customer",
      "clients", "charge", "charged", "charges", "charging", "fortnight", "fortnights", "stuck",
      "client", "buyers", "buyer", "shoppers", "shopper", "accounts", "account", "registered",
      "signups", "signup", "products", "product", "catalogue", "catalog", "inventory", "stock",
      "coupons", "coupon", "promo", "discount", "discounts", "vouchers", "voucher", "codes", "code",
      "refunds", "refund", "refunded", "refunding", "chargebacks", "chargeback", "disputes",
      "dispute", "disputed", "payouts", "payout", "deposits", "deposit", "transfers", "transfer",
      "payments", "payment", "method", "methods", "gateway", "gateways", "unpaid", "awaiting",
      "pending", "processing", "completed", "cancelled", "canceled", "failed", "shipping",
      "delivery", "postage", "tax", "taxes", "largest", "biggest", "highest", "lowest", "smallest",
      "most", "least", "fewest", "best", "worst", "top", "bottom", "popular", "country",
      "countries", "category", "categories", "weekday", "month", "months", "week", "weeks", "year",
      "years", "quarter", "today", "yesterday", "last", "this", "previous", "since", "between",
      "january", "february", "march", "april", "june", "july", "august", "september", "october",
      "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
      "sunday", "growth", "change", "compared", "versus", "percentage", "percent", "share", "rate",
      "returning", "repeat", "lifetime", "first", "time", "spent", "spend", "spending", "variation",
      "variant", "variants", "size", "colour", "color", "expired", "active", "valid", "unused",
      "reason", "reasons", "open", "deadline", "response", "lost", "won", "amount", "total",
      "number", "many", "much", "which", "what", "show", "list", "orders", "received", "guest",
      "guests", "expensive", "cheapest", "priciest", "price", "prices", "available", "enabled",
      "breakdown", "daily", "weekly", "monthly", "yearly", "registered", "lapsed", "ordered",
      "bought", "placed", "traffic", "visitors", "sessions", "weather", "forecast", "profit",
      "margin", "marketing", "schedule", "scheduled", "supplier", "competitors", "tracking",
      "shipment", "inflation", "conversion", "advertising", "instagram", "facebook", "average",
      "money", "issued", "paid", "days", "day", "dates", "date", "uses", "used", "times", "fixed",
      "grouped", "simple", "variable", "external", "percent", "cart", "hold", "draft", "statuses",
      "status", "transit", "window", "ever", "overall", "total"};
  return k;
}

const std::map<std::string, std::string>& NumberWords() {
  static const std::map<std::string, std::string> k = {
      {"two", "2"},
      {"three", "3"},
      {"four", "4"},
      {"five", "5"},
      {"six", "6"},
      {"seven", "7"},
      {"eight", "8"},
      {"nine", "9"},
      {"ten", "10"},
      {"eleven", "11"},
      {"twelve", "12"},
      {"thirteen", "13"},
      {"fourteen", "14"},
      {"fifteen", "15"},
      {"sixteen", "16"},
      {"seventeen", "17"},
      {"eighteen", "18"},
      {"nineteen", "19"},
      {"twenty", "20"},
      {"thirty", "30"},
      {"forty", "40"},
      {"fifty", "50"},
      {"sixty", "60"},
      {"seventy", "70"},
      {"eighty", "80"},
      {"ninety", "90"},
      {"hundred", "100"},
      {"single", "1"},
      {"twice", "2 times"},
      {"thrice", "3 times"},
      {"yr", "year"},
      {"yrs", "years"},
      {"mth", "month"},
      {"mnth", "month"},
      {"mths", "months"},
      {"wk", "week"},
      {"wek", "week"},
      {"wekk", "week"},
      {"mnths", "months"},
      {"yer", "year"},
      {"yeat", "year"},
      {"wks", "weeks"},
      {"qtr", "quarter"},
      {"yday", "yesterday"},
      {"freight", "shipping"},
      {"markdowns", "discounts"},
      {"markdown", "discount"},
      {"tdy", "today"},
      {"rev", "revenue"},
      {"custs", "customers"},
      {"cust", "customer"},
      {"qty", "quantity"},
      {"prods", "products"},
      {"avg", "average"},
      {"pct", "percent"},
      {"thru", "through"},
      {"vs.", "vs"},
      {"stok", "stock"},
      {"ordr", "order"},
      {"ordrs", "orders"},
      {"sals", "sales"},
      {"cupon", "coupon"},
      {"refnd", "refund"},
      {"mnth", "month"},
      {"todays", "today"},
      {"yesterdays", "yesterday"},
      // British "shift" (sell) and "hit zero" style idioms are read as their plain word.
      {"shift", "sell"},
      {"shifted", "sold"},
      {"shifting", "selling"}};
  return k;
}

std::string CorrectWord(const std::string& w) {
  if (w.size() < 4 || Vocabulary().count(w)) return w;
  if (w.size() == 4) {  // only a swap or a wrong letter in a key 4-letter word ("yaer")
    for (const char* v : {"year", "week", "last", "this", "days", "sale", "sold", "paid", "rate",
                          "item", "unit", "most", "best", "code", "date", "much", "many"}) {
      std::string a = w, b = v;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      if (w[0] == v[0] && a == b && EditDistance(w, v, 1) == 1) return v;
    }
    return w;
  }
  if (std::any_of(w.begin(), w.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '@' || c == '_';
      })) {
    return w;
  }
  int allowed = AllowedTypos(w.size());
  std::string best = w;
  int best_d = allowed + 1;
  for (const std::string& v : Vocabulary()) {
    if (std::abs(static_cast<int>(v.size()) - static_cast<int>(w.size())) > allowed) continue;
    if (v[0] != w[0]) continue;
    int d = EditDistance(w, v, allowed);
    if (d < best_d || (d == best_d && v.size() == w.size() && best.size() != w.size())) {
      best_d = d;
      best = v;
    }
  }
  return best;
}

// ------------------------------------------------------------------ helpers on the text
struct Text {
  std::string s;  // " tok tok tok " (corrected, entity phrases replaced by placeholders)
  // Same as s.find(" " + phrase + " ") != npos, without building that string: Has runs a few
  // hundred times per question (performance-only edit, qbench, session 3).
  bool Has(std::string_view phrase) const {
    for (size_t p = s.find(phrase, 1); p != std::string::npos; p = s.find(phrase, p + 1)) {
      if (s[p - 1] == ' ' && p + phrase.size() < s.size() && s[p + phrase.size()] == ' ')
        return true;
    }
    return false;
  }
  bool Any(std::initializer_list<const char*> phrases) const {
    for (const char* p : phrases) {
      if (Has(p)) return true;
    }
    return false;
  }
  bool Re(const std::regex& re) const { return std::regex_search(s, re); }
};

int MonthNumber(const std::string& w) {
  static const char* kShort[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  // why: speed (called per token and entity; the lower-cased names are built once, not per call)
  static const std::vector<std::string> kFull = [] {
    std::vector<std::string> v;
    for (int i = 1; i <= 12; ++i) v.push_back(ToLower(kMonthNames[i]));
    return v;
  }();
  if (w.size() < 3 || w.size() > 9) return 0;
  for (int i = 1; i <= 12; ++i) {
    if (w == kFull[static_cast<size_t>(i - 1)] || w == kShort[i - 1] || (w == "sept" && i == 9))
      return i;
  }
  return 0;
}

// True when every word of the question is a period, comparison or filler word ("how did October
// compare to September?"): nothing names a topic, so the default figure (sales) may be assumed.
// Any other word ("email open rate") keeps the question unmatched, and so refused.
bool OnlyPeriodsAndComparison(const Text& t) {
  static const std::set<std::string> kAllowed = {
      "how",         "did",        "do",        "does",    "was",      "were",     "is",
      "are",         "has",        "have",      "my",      "i",        "we",       "our",
      "the",         "a",          "store",     "shop",    "business", "doing",    "perform",
      "performance", "go",         "went",      "going",   "compare",  "compared", "comparison",
      "to",          "with",       "against",   "vs",      "versus",   "and",      "in",
      "on",          "of",         "from",      "this",    "last",     "previous", "prior",
      "same",        "period",     "so",        "far",     "month",    "months",   "week",
      "weeks",       "year",       "years",     "quarter", "quarters", "day",      "days",
      "today",       "yesterday",  "before",    "after",   "between",  "since",    "ytd",
      "mtd",         "q1",         "q2",        "q3",      "q4",       "up",       "down",
      "or",          "change",     "changed",   "growth",  "grow",     "grew",     "what",
      "about",       "difference", "trend",     "versus",  "vs.",      "whole",    "entire",
      "full",        "to date",    "date",      "yoy",     "mom",      "over",     "for",
      "%",           "percent",    "percentage"};
  std::string word;
  for (char c : t.s + " ") {
    if (c != ' ') {
      word += c;
      continue;
    }
    if (word.empty()) continue;
    const bool number = std::all_of(word.begin(), word.end(), [](char ch) {
      return std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '/';
    });
    // Words without letters or digits are the placeholders left where periods were recognised.
    const bool placeholder = std::none_of(word.begin(), word.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch));
    });
    if (!number && !placeholder && !kAllowed.count(word) && MonthNumber(word) == 0) return false;
    word.clear();
  }
  return true;
}

const char* kMonthAlt =
    "(january|february|march|april|may|june|july|august|september|october|november|december|jan|"
    "feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)";

// Named days (US dates where countries differ), as the question writes them after possessives
// are stripped ("valentine day", "mother day"). kHolidayAlt has no capture group.
const char* const kHolidayAlt =
    "(?:black friday|cyber monday|christmas eve|christmas day|xmas day|xmas eve|christmas|xmas|"
    "boxing day|new year(?:'s|s)? eve|new year(?:'s|s)? day|new year(?:'s|s)?|halloween|"
    "valentine(?:'s|s)?(?: day)?|thanksgiving(?: day)?|labou?r day|memorial day|"
    "mother(?:'s|s)? day|father(?:'s|s)? day|independence day|july 4th|4th of july|fourth of "
    "july|(?:martin luther king|mlk)(?: jr)?(?: day)?|president(?:'s|s)? day|easter(?: sunday)?|"
    "good friday|(?:st|saint) patrick(?:'s|s)?(?: day)?|cinco de mayo)";

// The n-th given weekday (1 = Monday) of a month; n = -1 is the last one.
CivilDate NthWeekday(int y, int mo, int weekday, int n) {
  if (n < 0) {
    CivilDate last{y, mo, DaysInMonth(y, mo)};
    return last.AddDays(-((last.IsoWeekday() - weekday + 7) % 7));
  }
  CivilDate first{y, mo, 1};
  return first.AddDays((weekday - first.IsoWeekday() + 7) % 7 + 7 * (n - 1));
}

// Easter Sunday (the Gregorian computus).
CivilDate EasterSunday(int y) {
  const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
  const int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return CivilDate{y, month, day};
}

// The date of a holiday named by kHolidayAlt in year y.
CivilDate HolidayIn(const std::string& h, int y) {
  auto starts = [&](const char* w) { return h.rfind(w, 0) == 0; };
  if (starts("black friday")) return BlackFriday(y);
  if (starts("cyber monday")) return BlackFriday(y).AddDays(3);
  if (h == "halloween") return CivilDate{y, 10, 31};
  if (starts("valentine")) return CivilDate{y, 2, 14};
  if (starts("thanksgiving")) return NthWeekday(y, 11, 4, 4);
  if (starts("labor") || starts("labour")) return NthWeekday(y, 9, 1, 1);
  if (starts("memorial")) return NthWeekday(y, 5, 1, -1);
  if (starts("mother")) return NthWeekday(y, 5, 7, 2);  // US, Canada, Australia
  if (starts("father")) return NthWeekday(y, 6, 7, 3);
  if (starts("martin") || starts("mlk")) return NthWeekday(y, 1, 1, 3);
  if (starts("president")) return NthWeekday(y, 2, 1, 3);
  if (starts("easter")) return EasterSunday(y);
  if (starts("good friday")) return EasterSunday(y).AddDays(-2);
  if (starts("st patrick") || starts("saint patrick")) return CivilDate{y, 3, 17};
  if (starts("cinco")) return CivilDate{y, 5, 5};
  if (h.find("july") != std::string::npos || starts("independence")) return CivilDate{y, 7, 4};
  if (h.find("eve") != std::string::npos && h.find("new") == std::string::npos)
    return CivilDate{y, 12, 24};
  if (h.find("christmas") != std::string::npos || h.find("xmas") != std::string::npos)
    return CivilDate{y, 12, 25};
  if (h == "boxing day") return CivilDate{y, 12, 26};
  if (h.find("eve") != std::string::npos) return CivilDate{y, 12, 31};
  return CivilDate{y, 1, 1};  // New Year's Day
}

// Kinds of the store's names that stand in the text as a placeholder ("<product>").
bool IsNamedKind(const std::string& kind) {
  return kind == "product" || kind == "variation" || kind == "category" || kind == "customer" ||
         kind == "coupon";
}

// Parses "1 march 2025", "march 1st", "march 1, 2025", "2025-03-01" at a position; year inferred
// as the most recent such date on or before `d`.
std::optional<CivilDate> ParseDateWords(const std::string& text, CivilDate d) {
  static const std::regex iso(R"((\d{4})-(\d{1,2})-(\d{1,2}))");
  static const std::regex dmy(std::string(R"((\d{1,2})(?:st|nd|rd|th)? (?:of )?)") + kMonthAlt +
                              R"((?: (\d{4}))?)");
  static const std::regex mdy(std::string(kMonthAlt) +
                              R"( (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?)");
  std::smatch m;
  int y = 0, mo = 0, day = 0;
  if (std::regex_search(text, m, iso)) {
    y = std::stoi(m[1]);
    mo = std::stoi(m[2]);
    day = std::stoi(m[3]);
  } else if (std::regex_search(text, m, dmy)) {
    day = std::stoi(m[1]);
    mo = MonthNumber(m[2]);
    if (m[3].matched) y = std::stoi(m[3]);
  } else if (std::regex_search(text, m, mdy)) {
    mo = MonthNumber(m[1]);
    day = std::stoi(m[2]);
    if (m[3].matched) y = std::stoi(m[3]);
  } else {
    return std::nullopt;
  }
  if (y == 0) {
    y = d.year;
    if (IsValidDate(y, mo, day) && CivilDate{y, mo, day} > d) --y;
  }
  if (!IsValidDate(y, mo, day)) return std::nullopt;
  return CivilDate{y, mo, day};
}

struct Periods {
  std::vector<std::pair<size_t, std::string>> found;  // position, spec
};

void AddPeriod(Periods& p, size_t pos, std::string spec) {
  for (auto& [q, s] : p.found) {
    if (q == pos) return;
  }
  p.found.emplace_back(pos, std::move(spec));
}

// Finds time expressions; erases them from `s` (so their numbers are not read as "top N").
Periods FindPeriods(std::string& s, CivilDate d) {
  Periods out;
  auto take = [&](const std::regex& re, const std::function<std::string(const std::smatch&)>& f) {
    std::smatch m;
    std::string::const_iterator from = s.cbegin();
    while (std::regex_search(from, s.cend(), m, re)) {
      size_t pos = static_cast<size_t>(m.position(0) + (from - s.cbegin()));
      std::string spec = f(m);
      size_t len = static_cast<size_t>(m.length(0));
      if (!spec.empty()) {
        AddPeriod(out, pos, spec);
        s.replace(pos, len, std::string(len > 2 ? len - 2 : 0, '~').insert(0, " ").append(" "));
      }
      // The match's closing space may open the next one ("in total this year").
      from = s.cbegin() +
             static_cast<std::ptrdiff_t>(pos + std::max<size_t>(len > 1 ? len - 1 : 1, 1));
      if (from >= s.cend()) break;
    }
  };
  // Each pattern below needs a digit, a month name or a keyword: skipping the ones whose
  // trigger is absent saves most of the regex work on an ordinary question.
  auto digits = [&] { return s.find_first_of("0123456789") != std::string::npos; };
  auto has = [&](const char* w) { return s.find(w) != std::string::npos; };
  auto months = [&] {
    for (const std::string& w : Tokenize(s)) {
      if (MonthNumber(w) > 0) return true;
    }
    return false;
  };
  auto num = [](const std::string& x) { return std::stoi(x.size() > 6 ? x.substr(0, 6) : x); };
  const std::string M = kMonthAlt;
  const std::string MNC = "(?:" + M.substr(1);  // the month names without a capture group
  const std::string DATE = "(?:\\d{4}-\\d{1,2}-\\d{1,2}|\\d{1,2}(?:st|nd|rd|th)? (?:of )?" + MNC +
                           "(?: \\d{4})?|" + MNC + " \\d{1,2}(?:st|nd|rd|th)?(?: \\d{4})?)";
  // Holidays: Cyber Monday (Black Friday + 3), Christmas Eve/Day, Boxing Day, New Year's Eve/Day;
  // the most recent one on or before today unless a year or "last year" is given. Black Friday
  // alone keeps its own spec (below).
  const std::string HOL = kHolidayAlt;
  // The year of a holiday: given, "last/this year", else the most recent one on or before today.
  auto holiday_year = [&](const std::string& h, const std::string& given,
                          const std::string& last_this) {
    if (!given.empty()) return std::stoi(given);
    if (last_this == "last") return d.year - 1;
    if (last_this == "this") return d.year;
    return HolidayIn(h, d.year) > d ? d.year - 1 : d.year;
  };
  const std::string YEAR_AFTER = "(?: (\\d{4})| (last|this) year)?";
  bool holiday_words = false;
  for (const char* w : {"cyber",        "christmas", "xmas",         "boxing",       "new year",
                        "halloween",    "valentine", "thanksgiving", "labor day",    "labour day",
                        "memorial day", "mother",    "father",       "independence", "july",
                        "black friday", "mlk",       "luther",       "president",    "easter",
                        "good friday",  "patrick",   "cinco",        "holiday",      "bfcm"}) {
    holiday_words = holiday_words || has(w);
  }
  // "between Thanksgiving and Christmas", "from Black Friday through Cyber Monday", "Thanksgiving
  // to the end of December last year": a span from one named day to another (the end in the
  // start's year, or the next when it would come first: "Christmas to New Year's Day").
  static const std::regex holiday_span(" (between |from )?(?:the )?(" + HOL + ")" + YEAR_AFTER +
                                       " (and|to|until|till|through|thru|-) (?:the )?(" + HOL +
                                       "|end of (?:the year|" + MNC + ")|" + DATE + ")" +
                                       YEAR_AFTER + " ");
  if (holiday_words)
    take(holiday_span, [&](const std::smatch& m) -> std::string {
      // "black friday and cyber monday" without "between": two days, compared or listed.
      if (m.str(5) == "and" && !m[1].matched) return "";
      const std::string given = m[3].matched ? m.str(3) : m.str(7);
      const std::string last_this = m[4].matched ? m.str(4) : m.str(8);
      const std::string a_name = m.str(2), b_name = m.str(6);
      static const std::regex holiday_name(kHolidayAlt);
      const int y = holiday_year(a_name, given, last_this);
      const CivilDate a = HolidayIn(a_name, y);
      // The end in year `year`, or nullopt when it is not a date.
      auto end_in = [&](int year) -> std::optional<CivilDate> {
        if (b_name.rfind("end of ", 0) == 0) {
          const int mo = b_name == "end of the year" ? 12 : MonthNumber(b_name.substr(7));
          if (mo <= 0) return std::nullopt;
          return CivilDate{year, mo, DaysInMonth(year, mo)};
        }
        if (std::regex_match(b_name, holiday_name)) return HolidayIn(b_name, year);
        auto parsed = ParseDateWords(b_name, a);
        if (!parsed) return std::nullopt;
        return CivilDate{year, parsed->month,
                         std::min(parsed->day, DaysInMonth(year, parsed->month))};
      };
      std::optional<CivilDate> b = end_in(y);
      if (b && *b < a) b = end_in(y + 1);
      if (!b || *b < a) return "";
      return "range:" + a.ToString() + ":" + b->ToString();
    });
  // "Black Friday weekend" (Friday to Sunday), "Thanksgiving weekend" (Thursday to Sunday),
  // "Labor Day weekend" (Saturday to Monday), "Christmas week" and "the week of Thanksgiving"
  // (its Monday-to-Sunday week), "the week after/before Christmas"; "Cyber weekend" and "BFCM":
  // Black Friday to Cyber Monday.
  static const std::regex holiday_week(
      " (?:over |during |on |in |for |at )?(?:the )?(?:(" + HOL +
      ")(?: (\\d{4}))? (weekend|week)|" +
      "(weekend|week) (of|after|before|following|leading up to) (" + HOL + ")(?: (\\d{4}))?|" +
      "(cyber weekend|cyber 5|cyber five|bfcm|black friday cyber monday))" + YEAR_AFTER + " ");
  if (holiday_words)
    take(holiday_week, [&](const std::smatch& m) -> std::string {
      const std::string last_this = m.str(10);
      std::string given = m[2].matched ? m.str(2) : m[7].matched ? m.str(7) : m.str(9);
      if (m[8].matched) {  // Black Friday to Cyber Monday
        const int y = holiday_year("black friday", given, last_this);
        return "range:" + BlackFriday(y).ToString() + ":" + BlackFriday(y).AddDays(3).ToString();
      }
      const std::string h = m[1].matched ? m.str(1) : m.str(6);
      const std::string unit = m[3].matched ? m.str(3) : m.str(4);
      const std::string rel = m.str(5);
      const CivilDate day = HolidayIn(h, holiday_year(h, given, last_this));
      const int wd = day.IsoWeekday();  // 1 = Monday
      if (unit == "weekend") {
        CivilDate from = day, to = day;
        if (wd == 4 || wd == 5) to = day.AddDays(7 - wd);  // Thu/Fri to Sunday
        if (wd == 6) to = day.AddDays(1);                  // Saturday, Sunday
        if (wd == 7) from = day.AddDays(-1);               // Saturday, Sunday
        if (wd == 1) from = day.AddDays(-2);               // a long weekend
        // Mid-week: the weekend after it; "the weekend after/before X": the next/previous one.
        const bool after = rel == "after" || rel == "following";
        const bool before = rel == "before" || rel == "leading up to";
        if (wd == 2 || wd == 3) from = day.AddDays(6 - wd);
        if (after) from = day.AddDays(6 - wd + (wd >= 6 ? 7 : 0));
        if (before) from = day.AddDays(-(wd + 1));
        if (wd == 2 || wd == 3 || after || before) to = from.AddDays(1);
        return "range:" + from.ToString() + ":" + to.ToString();
      }
      CivilDate monday = day.AddDays(-(wd - 1));
      if (rel == "after" || rel == "following") monday = monday.AddDays(7);
      if (rel == "before") monday = monday.AddDays(-7);
      if (rel == "leading up to")
        return "range:" + day.AddDays(-7).ToString() + ":" + day.AddDays(-1).ToString();
      return "range:" + monday.ToString() + ":" + monday.AddDays(6).ToString();
    });
  // "the holiday season", "over the holidays": November and December (the US retail season),
  // unless the question also gives dates ("the holidays (Thanksgiving through New Year's Eve)").
  static const std::regex holiday_season(
      " (?:over |during |in |for |across )?(?:the |this |last )?(?:(\\d{4}) )?(?:holiday season|"
      "holidays|holiday period|holiday rush|holiday sales? season|festive season)"
      "(?: (?:in |of )?(\\d{4})| (last|this) year)? ");
  std::vector<std::string> soft_periods;
  std::optional<int> dates_in_year;  // the year of dates written without one, when the text says
  if (has("holiday") || has("festive"))
    take(holiday_season, [&](const std::smatch& m) -> std::string {
      int y = m[1].matched ? std::stoi(m.str(1)) : m[2].matched ? std::stoi(m.str(2)) : d.year;
      if (!m[1].matched && !m[2].matched) {
        if (m.str(3) == "last" || m.str(0).find(" last ") != std::string::npos) y = d.year - 1;
        if (CivilDate{y, 11, 1} > d) --y;
      }
      std::string spec = "range:" + std::to_string(y) + "-11-01:" + std::to_string(y) + "-12-31";
      soft_periods.push_back(spec);
      if (m[1].matched || m[2].matched)
        dates_in_year = y;  // "the 2024 holiday season (11/1-12/31)"
      return spec;
    });
  // Ranges first (they contain dates).
  static const std::regex between(" (?:between|from) (" + DATE +
                                  ") (?:and|to|until|till|through|thru|-) (" + DATE + ") ");
  // Each end is the most recent such date; an end before the start is a year later ("12/15
  // through 1/15").
  auto date_span = [&](const std::smatch& m) -> std::string {
    const CivilDate ref = dates_in_year ? CivilDate{*dates_in_year, 12, 31} : d;
    auto a = ParseDateWords(m[1], ref), b = ParseDateWords(m[2], ref);
    if (!a || !b) return "";
    static const std::regex has_year("\\d{4}");
    if (*b < *a && !std::regex_search(m.str(2), has_year))
      b = CivilDate{b->year + 1, b->month, std::min(b->day, DaysInMonth(b->year + 1, b->month))};
    if (*b < *a) return "";
    return "range:" + a->ToString() + ":" + b->ToString();
  };
  if (digits()) take(between, date_span);
  // "12/24 - 12/31" (the dash is dropped), "December 24 to December 31", "12/24 through 12/31".
  static const std::regex date_to_date(" (" + DATE + ") (?:to |until |till |through |thru )?(" +
                                       DATE + ") ");
  if (digits()) take(date_to_date, date_span);
  // The most recent month `mo` that starts on or before the as-of date.
  auto recent_year = [&](int mo) { return mo <= d.month ? d.year : d.year - 1; };
  auto day_range = [&](int y, int mo, int a, int b) -> std::string {
    if (mo <= 0 || a < 1 || b < a || b > 31) return "";
    const CivilDate first{y, mo, 1};
    const int last_day = first.AddMonths(1).AddDays(-1).day;
    if (b > last_day) return "";
    return "range:" + CivilDate{y, mo, a}.ToString() + ":" + CivilDate{y, mo, b}.ToString();
  };
  // "the 3rd" (of this month, or of last month when this month's is still to come) and "the 3rd
  // of last month": the date, or "" when the month has no such day.
  auto day_of_recent_month = [&](int day, const std::string& which) -> std::string {
    CivilDate month_start{d.year, d.month, 1};
    if (which == "last" || (which.empty() && day > d.day)) month_start = month_start.AddMonths(-1);
    if (day < 1 || day > DaysInMonth(month_start.year, month_start.month)) return "";
    return CivilDate{month_start.year, month_start.month, day}.ToString();
  };
  // "from 1 to 15 October", "1-15 oct 2025", "between the 1st and the 10th of October".
  static const std::regex days_of_month(
      " (?:between |from )?(?:the )?(\\d{1,2})(?:st|nd|rd|th)?(?: (?:and|to|until|till|through|-) "
      "(?:the )?|-)(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(" +
      MNC + ")(?: (\\d{4}))? ");
  if (digits() && months())
    take(days_of_month, [&](const std::smatch& m) -> std::string {
      const int mo = MonthNumber(m.str(3));
      const int y = m[4].matched ? std::stoi(m.str(4)) : recent_year(mo);
      return day_range(y, mo, num(m[1]), num(m[2]));
    });
  // "October 1 to 15", "oct 1-15 2025".
  static const std::regex month_days(
      " (?:between |from )?(" + MNC +
      ") (\\d{1,2})(?:st|nd|rd|th)?(?: (?:and|to|until|till|through|-) "
      "|-)(\\d{1,2})(?:st|nd|rd|th)?(?: (\\d{4}))? ");
  if (digits() && months())
    take(month_days, [&](const std::smatch& m) -> std::string {
      const int mo = MonthNumber(m.str(1));
      const int y = m[4].matched ? std::stoi(m.str(4)) : recent_year(mo);
      return day_range(y, mo, num(m[2]), num(m[3]));
    });
  // "September of last year", "march this year".
  static const std::regex month_of_year(" (?:in |during |for )?(" + MNC +
                                        ") (?:of |in )?(last|this|previous|the previous) year ");
  if (months())
    take(month_of_year, [&](const std::smatch& m) -> std::string {
      const int mo = MonthNumber(m.str(1));
      if (mo <= 0) return "";
      const int y = m.str(2) == "this" ? d.year : d.year - 1;
      return "month:" + std::to_string(y) + ":" + std::to_string(mo);
    });
  // "2025-10" (ISO year-month).
  static const std::regex iso_month(" (?:in |during |for )?(20\\d\\d)-(0?[1-9]|1[0-2]) ");
  if (digits())
    take(iso_month, [](const std::smatch& m) {
      return "month:" + m.str(1) + ":" + std::to_string(std::stoi(m.str(2)));
    });
  // The first or second half of year y.
  auto half_range = [](int y, bool first) {
    const std::string ys = std::to_string(y);
    return first ? "range:" + ys + "-01-01:" + ys + "-06-30"
                 : "range:" + ys + "-07-01:" + ys + "-12-31";
  };
  // "H1 2025", "2024 h2".
  static const std::regex half_h(" (?:in |during )?(?:h([12]) (\\d{4})|(\\d{4}) h([12])) ");
  if (digits())
    take(half_h, [&](const std::smatch& m) -> std::string {
      const bool first = (m[1].matched ? m.str(1) : m.str(4)) == "1";
      return half_range(std::stoi(m[2].matched ? m.str(2) : m.str(3)), first);
    });
  // "H1", "h2 last year": a half of this year (H2 before July: last year's), or of the year named.
  static const std::regex bare_half(
      " (?:in |during |for |over )?(?:the )?h([12])(?: (last|this) year)? ");
  if (has(" h1") || has(" h2"))
    take(bare_half, [&](const std::smatch& m) -> std::string {
      const bool first = m.str(1) == "1";
      int y = d.year;
      if (m.str(2) == "last") {
        y = d.year - 1;
      } else if (m.str(2) != "this" && !first && d.month < 7) {
        y = d.year - 1;
      }
      return half_range(y, first);
    });
  // "the first three months of 2025", "the last 2 months of last year": months of a year (not
  // "the top 3 months").
  static const std::regex months_of_year(
      " (?:in |during |for |over )?(?:the )?(first|last|final) (\\d{1,2}) months of "
      "(?:(\\d{4})|the "
      "year|this year|(last|previous) year) ");
  if (has(" months of "))
    take(months_of_year, [&](const std::smatch& m) -> std::string {
      const int n = num(m[2]);
      if (n < 1 || n > 12) return "";
      const int y = m[3].matched ? std::stoi(m.str(3)) : m[4].matched ? d.year - 1 : d.year;
      const bool first = m.str(1) == "first";
      const CivilDate from = first ? CivilDate{y, 1, 1} : CivilDate{y, 13 - n, 1};
      const CivilDate to = first ? CivilDate{y, n, DaysInMonth(y, n)} : CivilDate{y, 12, 31};
      return "range:" + from.ToString() + ":" + to.ToString();
    });
  // "since September": from the first of the most recent such month to today (not September
  // alone); "since monday": from the most recent Monday (today if it is Monday).
  // "since October 20", "since 20 October": from that day.
  static const std::regex since_month(
      " since (?:the (?:start|beginning) of )?(?:(" + MNC +
      ")(?: (\\d{1,2})(?:st|nd|rd|th)?)?|(?:the )?(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(" + MNC +
      "))(?: (\\d{4}))? ");
  if (has("since") && months())
    take(since_month, [&](const std::smatch& m) -> std::string {
      const int mo = MonthNumber(m[1].matched ? m.str(1) : m.str(4));
      if (mo <= 0) return "";
      const int day = m[2].matched ? std::stoi(m.str(2)) : m[3].matched ? std::stoi(m.str(3)) : 1;
      int y = m[5].matched ? std::stoi(m.str(5)) : recent_year(mo);
      if (!m[5].matched && CivilDate{y, mo, 1} <= d && day > 1 && y == d.year && mo == d.month &&
          day > d.day)
        --y;
      if (day < 1 || day > DaysInMonth(y, mo)) return "";
      return "since:" + CivilDate{y, mo, day}.ToString();
    });
  static const char* kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                    "friday", "saturday", "sunday"};
  static const std::regex since_weekday(
      " since (?:last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday) ");
  if (has("since"))
    take(since_weekday, [&](const std::smatch& m) -> std::string {
      int want = 0;
      for (int i = 0; i < 7; ++i)
        if (m.str(1) == kWeekdays[i]) want = i + 1;
      return "since:" + d.AddDays(-((d.IsoWeekday() - want + 7) % 7)).ToString();
    });
  static const std::regex since_the_first(" since the (?:1st|first)(?: of (?:the|this) month)? ");
  if (has("since"))
    take(since_the_first, [](const std::smatch&) { return std::string("this_month"); });
  // "since the 3rd": from the 3rd of this month (of last month when this month's is to come).
  static const std::regex since_the_day(
      " since the (\\d{1,2})(?:st|nd|rd|th)(?: of (this|last|the) month)? ");
  if (has("since") && digits())
    take(since_the_day, [&](const std::smatch& m) -> std::string {
      const int day = std::stoi(m.str(1));
      const std::string day_spec = day_of_recent_month(day, m.str(2));
      return day_spec.empty() ? "" : "since:" + day_spec;
    });
  // Holidays: "on Christmas", "since Thanksgiving" (spans of them: at the top).
  static const std::regex holiday(" (?:since |on |over |during |for )?(?:the )?(?:last |this )?(" +
                                  HOL + ")" + YEAR_AFTER + " ");
  if (holiday_words)
    take(holiday, [&](const std::smatch& m) -> std::string {
      const std::string h = m.str(1);
      if (h == "black friday") return "";  // its own rule below
      const std::string spec =
          HolidayIn(h, holiday_year(h, m.str(2), m[3].matched ? m.str(3) : "")).ToString();
      return m.str(0).find(" since ") == 0 ? "since:" + spec : "date:" + spec;
    });
  // "the last day of last quarter", "the first day of this year": that date.
  static const std::regex edge_of_period(
      " (?:on )?the (first|1st|last|final) day of (?:the )?(last|this|previous|current) "
      "(quarter|year|week) ");
  if (has(" day of "))
    take(edge_of_period, [&](const std::smatch& m) -> std::string {
      const std::string which = m.str(2) == "previous"  ? "last"
                                : m.str(2) == "current" ? "this"
                                                        : m.str(2);
      auto r = ResolvePeriod(which + "_" + m.str(3), d);
      if (!r.ok() || !r->start) return "";
      CivilDate day = *r->start;
      if (m.str(1) == "last" || m.str(1) == "final") {
        // The period's own last day, not today (this quarter's end may be still to come).
        if (m.str(3) == "quarter") day = r->start->AddMonths(3).AddDays(-1);
        if (m.str(3) == "year") day = CivilDate{r->start->year, 12, 31};
        if (m.str(3) == "week") day = r->start->AddDays(6);
      }
      return "date:" + day.ToString();
    });
  // "the last day of October", "the first day of the month".
  static const std::regex edge_day(
      " (?:on )?the (first|1st|last) day of (?:(this|last|the) month|(" + MNC +
      ")(?: (\\d{4}))?) ");
  if (has(" day of "))
    take(edge_day, [&](const std::smatch& m) -> std::string {
      int y = d.year, mo = d.month;
      if (m[3].matched) {
        mo = MonthNumber(m.str(3));
        y = m[4].matched ? std::stoi(m.str(4)) : recent_year(mo);
      } else if (m.str(2) == "last") {
        const CivilDate prev = CivilDate{d.year, d.month, 1}.AddMonths(-1);
        y = prev.year;
        mo = prev.month;
      }
      if (mo <= 0) return "";
      const int day = (m.str(1) == "last") ? DaysInMonth(y, mo) : 1;
      return "date:" + CivilDate{y, mo, day}.ToString();
    });
  // "between the 1st and the 7th of this month", "the 1st to the 10th of last month".
  static const std::regex days_of_rel_month(
      " (?:between |from )?(?:the )?(\\d{1,2})(?:st|nd|rd|th)? (?:and|to|until|till|through|-) "
      "(?:the )?(\\d{1,2})(?:st|nd|rd|th)? (?:of )?(this|last) month ");
  if (digits() && has(" month"))
    take(days_of_rel_month, [&](const std::smatch& m) -> std::string {
      CivilDate first{d.year, d.month, 1};
      if (m.str(3) == "last") first = first.AddMonths(-1);
      return day_range(first.year, first.month, num(m[1]), num(m[2]));
    });
  // "last saturday and sunday": the weekend before this week.
  static const std::regex sat_and_sun(" (?:last |this past |past )?saturday and sunday ");
  if (has("saturday and sunday"))
    take(sat_and_sun, [&](const std::smatch& m) -> std::string {
      const int wd = d.IsoWeekday();
      CivilDate sat = d.AddDays(-(wd + 1));
      if (m.str(0).find("last") == std::string::npos && wd >= 6) sat = d.AddDays(-(wd - 6));
      return "range:" + sat.ToString() + ":" + sat.AddDays(1).ToString();
    });
  // Weekends: "last weekend" is the Saturday and Sunday of last week; "the weekend" / "over the
  // weekend" / "this weekend" the most recent one (today's, on a Saturday or Sunday).
  static const std::regex weekend(" (?:over |on |at |during )?(last|this|the|past) weekend ");
  if (has("weekend"))
    take(weekend, [&](const std::smatch& m) -> std::string {
      const int wd = d.IsoWeekday();         // 1 = Monday
      CivilDate sat = d.AddDays(-(wd + 1));  // Saturday of last week
      if (m.str(1) != "last" && wd >= 6) sat = d.AddDays(-(wd - 6));
      return "range:" + sat.ToString() + ":" + sat.AddDays(1).ToString();
    });
  // "the week of 3 November", "the week starting 3 November", "the week ending 9 November" and
  // "w/e 9/11" (the seven days up to it).
  static const std::regex week_of(
      " (?:in |during |for )?(?:the )?(?:week (of|starting|beginning|commencing|ending)|w e|w/e) "
      "(?:the )?(" +
      DATE + ") ");
  if ((has("week") || has(" w e ") || has("w/e")) && digits())
    take(week_of, [&](const std::smatch& m) -> std::string {
      auto a = ParseDateWords(m[2], d);
      if (!a) return "";
      CivilDate start = m.str(1) == "of"                        ? a->AddDays(-(a->IsoWeekday() - 1))
                        : m.str(1) == "ending" || !m[1].matched ? a->AddDays(-6)
                                                                : *a;
      return "range:" + start.ToString() + ":" + start.AddDays(6).ToString();
    });
  // "the first week of November" = 1-7 November, "the second week" = 8-14 ..., "the last week" =
  // the month's last seven days.
  static const std::regex nth_week(
      " (?:in |during |for )?(?:the )?(first|1st|second|2nd|third|3rd|fourth|4th|last) week "
      "(?:of|in) (" +
      MNC + ")(?: (\\d{4}))? ");
  if (has("week") && months())
    take(nth_week, [&](const std::smatch& m) -> std::string {
      const int mo = MonthNumber(m.str(2));
      if (mo <= 0) return "";
      const int y = m[3].matched ? std::stoi(m.str(3)) : recent_year(mo);
      const std::string w = m.str(1);
      const int last = DaysInMonth(y, mo);
      const int k = (w == "first" || w == "1st")    ? 0
                    : (w == "second" || w == "2nd") ? 1
                    : (w == "third" || w == "3rd")  ? 2
                    : (w == "fourth" || w == "4th") ? 3
                                                    : -1;
      const int a = k >= 0 ? 1 + 7 * k : last - 6;
      return day_range(y, mo, a, k >= 0 ? a + 6 : last);
    });
  // "the first fortnight of November" = 1-14, "the second fortnight" = 15-28, "the last
  // fortnight" = the last 14 days; "the first half of November" = 1-15, "the second half" = the
  // rest.
  static const std::regex nth_part(
      " (?:in |during |for |over )?(?:the )?(first|1st|second|2nd|last|latter) (fortnight|half) "
      "(?:of|in) (" +
      MNC + ")(?: (\\d{4}))? ");
  if ((has("fortnight") || has("half")) && months())
    take(nth_part, [&](const std::smatch& m) -> std::string {
      const int mo = MonthNumber(m.str(3));
      if (mo <= 0) return "";
      const int y = m[4].matched ? std::stoi(m.str(4)) : recent_year(mo);
      const int last = DaysInMonth(y, mo);
      const bool first = m.str(1) == "first" || m.str(1) == "1st";
      const bool second = m.str(1) == "second" || m.str(1) == "2nd";
      if (m.str(2) == "fortnight") {
        if (first) return day_range(y, mo, 1, 14);
        if (second) return day_range(y, mo, 15, 28);
        return day_range(y, mo, last - 13, last);
      }
      return first ? day_range(y, mo, 1, 15) : day_range(y, mo, 16, last);
    });
  // Seasons (northern hemisphere, meteorological): spring March-May, summer June-August,
  // autumn/fall September-November, winter December-February; the most recent one that has
  // started, or "last summer", "summer 2024". The answer spells out the dates used.
  static const std::regex season(
      " (?:over |during |in |for )?(?:the |this |last |past "
      ")?(spring|summer|autumn|fall|winter)(?: "
      "(\\d{4})| of (\\d{4}))?(?: season)? ");
  if (has("spring") || has("summer") || has("autumn") || has("fall") || has("winter"))
    take(season, [&](const std::smatch& m) -> std::string {
      const std::string w = m.str(1);
      // "fall" is a verb too ("did sales fall"): a season only after a period word.
      if (w == "fall" && m.str(0).find(" the ") == std::string::npos &&
          m.str(0).find(" last ") == std::string::npos &&
          m.str(0).find(" this ") == std::string::npos && !m[2].matched && !m[3].matched)
        return "";
      const int first_month = w == "spring" ? 3 : w == "summer" ? 6 : w == "winter" ? 12 : 9;
      int y = m[2].matched ? std::stoi(m.str(2)) : m[3].matched ? std::stoi(m.str(3)) : d.year;
      const bool explicit_year = m[2].matched || m[3].matched;
      if (!explicit_year) {
        if (CivilDate{y, first_month, 1} > d) --y;
        if (m.str(0).find(" last ") != std::string::npos) {
          // "last summer" in July is the previous year's.
          const CivilDate start{y, first_month, 1};
          const CivilDate end = start.AddMonths(3).AddDays(-1);
          if (end >= d) --y;
        }
      }
      const CivilDate start{y, first_month, 1};
      // Soft: "the autumn rush (September and October)" means the months written.
      soft_periods.push_back("range:" + start.ToString() + ":" +
                             start.AddMonths(3).AddDays(-1).ToString());
      return soft_periods.back();
    });
  // Whole months from the first to the last named: "from January to March 2025" (below), and
  // "between January and March" / "during September and October", whose "and" also joins two
  // months that are compared ("did we sell more in September and October") -- then not a span.
  // "December and January" / "Dec to Jan" span the new year; bare "Nov and Dec sales" (no
  // "in"/"between") only joins two consecutive months.
  auto whole_months = [&](const std::smatch& m, bool joined_by_and,
                          bool consecutive_only = false) -> std::string {
    const int a = MonthNumber(m.str(1)), b = MonthNumber(m.str(2));
    const bool over_new_year = a == 12 && b == 1;
    if (a <= 0 || b <= 0 || (b < a && !over_new_year)) return "";
    if (consecutive_only && b != a + 1 && !over_new_year) return "";
    // "the change from August to September" compares two months; it is not one span.
    for (const char* w : {" change", " growth", " grew", " compare", " vs ", "%", " percent",
                          " increase", " decrease", " difference"}) {
      if (s.find(w) != std::string::npos) return "";
    }
    for (const char* w : {" differ", " better", " worse", " more ", " less ", " fewer "}) {
      if (joined_by_and && s.find(w) != std::string::npos) return "";
    }
    int y = m[3].matched ? std::stoi(m.str(3)) : d.year;
    if (over_new_year) {  // the year is January's: the most recent one begun
      return "range:" + CivilDate{y - 1, 12, 1}.ToString() + ":" + CivilDate{y, 1, 31}.ToString();
    }
    if (!m[3].matched && CivilDate{y, a, 1} > d) --y;
    return "range:" + CivilDate{y, a, 1}.ToString() + ":" +
           CivilDate{y, b, DaysInMonth(y, b)}.ToString();
  };
  static const std::regex month_and_month(" (?:between|during|over|across|in) (" + MNC + ") and (" +
                                          MNC + ")(?: (\\d{4}))? ");
  if (months()) take(month_and_month, [&](const std::smatch& m) { return whole_months(m, true); });
  static const std::regex bare_month_and_month(" (" + MNC + ") and (" + MNC + ")(?: (\\d{4}))? ");
  if (months())
    take(bare_month_and_month, [&](const std::smatch& m) { return whole_months(m, true, true); });
  static const std::regex since(" (?:since|from|after) (" + DATE + ") ");
  if (digits())
    take(since, [&](const std::smatch& m) -> std::string {
      auto a = ParseDateWords(m[1], d);
      return a ? "since:" + a->ToString() : "";
    });
  static const std::regex on_date(" (?:on |for )?(" + DATE + ") ");
  // Comparisons' special bases.
  static const std::regex same_period_ly(
      " (?:the )?same (?:period|time|point|days|dates) (?:of |in )?last year ");
  if (has(" same "))
    take(same_period_ly, [](const std::smatch&) { return std::string("ytd_last_year"); });
  // "compared to this time last year", "this point last month": to the same date.
  static const std::regex this_time_last(
      " (?:at |by )?this (?:time|point|stage|date) (?:of |in )?last (year|month) ");
  if (has(" this "))
    take(this_time_last, [](const std::smatch& m) {
      return std::string(m.str(1) == "year" ? "ytd_last_year" : "mtd_last_month");
    });
  static const std::regex same_month_ly(" (?:the )?same month (?:of |in )?last year ");
  if (has(" same "))
    take(same_month_ly, [](const std::smatch&) { return std::string("month_last_year"); });
  static const std::regex same_days_lm(
      " (?:the )?same (?:days|period|point|time|dates) (?:of |in )?last month ");
  if (has(" same "))
    take(same_days_lm, [](const std::smatch&) { return std::string("mtd_last_month"); });
  static const std::regex prev_days(" (?:the )?(?:previous|prior|preceding) (\\d+) days ");
  if (digits())
    take(prev_days, [&](const std::smatch& m) { return "prev_days:" + std::to_string(num(m[1])); });
  static const std::regex days_before(
      " (?:the )?(\\d+) days (?:before|prior|earlier|preceding)(?: that| it| them)? ");
  if (digits())
    take(days_before,
         [&](const std::smatch& m) { return "prev_days:" + std::to_string(num(m[1])); });
  static const std::regex prev_weeks(" (?:the )?(?:previous|prior|preceding) (\\d+) weeks ");
  if (digits())
    take(prev_weeks,
         [&](const std::smatch& m) { return "prev_days:" + std::to_string(7 * num(m[1])); });
  // "the 90 days to today", "the 30 days up to yesterday": the last N days.
  static const std::regex days_to_today(
      " (?:the |over the |in the |for the )?(\\d+) days (?:to|up to|until|till|through|ending) "
      "(?:today|now|date) ");
  if (has(" days "))
    take(days_to_today,
         [&](const std::smatch& m) { return "last_days:" + std::to_string(num(m[1])); });
  // "the financial year starting 1 April 2024": from that day.
  static const std::regex year_starting(
      " (?:for |in |during )?(?:the |our |my )?(?:financial |fiscal )?year (?:starting|beginning|"
      "that started|which started|from) (?:on )?(" +
      DATE + ")(?: up)?(?: to (?:today|now|date))? ");
  if (has("year ") && digits())
    take(year_starting, [&](const std::smatch& m) -> std::string {
      auto a = ParseDateWords(m[1], d);
      return a ? "since:" + a->ToString() : "";
    });
  // "the last quarter of 2023" is its fourth quarter, not last quarter and 2023.
  static const std::regex last_quarter_of(
      " (?:in |during |for )?(?:the )?(?:last|final) quarter of (\\d{4}) ");
  if (has("quarter of"))
    take(last_quarter_of, [](const std::smatch& m) { return "quarter:" + m.str(1) + ":4"; });
  // "this financial quarter", "best day of the quarter": this quarter.
  static const std::regex the_quarter(
      " (?:(?:of|in|for|during) the|this|the current) (?:financial |fiscal )?quarter(?! before| "
      "after| "
      "of) ");
  if (has("quarter"))
    take(the_quarter, [](const std::smatch&) { return std::string("this_quarter"); });
  // "the last week (7 days)": the gloss says rolling days, not the calendar week.
  static const std::regex week_glossed(
      " (?:in |over |during |for )?(?:the )?(?:last|past) week (?:i e |ie |so )?(?:the )?(?:last "
      ")?7 days ");
  if (has(" 7 days"))
    take(week_glossed, [](const std::smatch&) { return std::string("last_days:7"); });
  static const std::regex last_days(
      " (?:in |over |during |for )?(?:the )?(?:last|past|previous|recent) (\\d+) days ");
  if (digits())
    take(last_days, [&](const std::smatch& m) { return "last_days:" + std::to_string(num(m[1])); });
  // Synced dates are store-local days: "the last 48 hours" is the last 2 days, today included.
  static const std::regex last_hours(
      " (?:in |over |during |for )?(?:the )?(?:last|past|previous) (\\d+) hours ");
  if (digits())
    take(last_hours, [&](const std::smatch& m) {
      return "last_days:" + std::to_string((num(m[1]) + 23) / 24);
    });
  static const std::regex fortnight(
      " (?:in |over |during |for )?(?:the )?(?:last|past|previous) fortnight ");
  if (has("fortnight"))
    take(fortnight, [](const std::smatch&) { return std::string("last_days:14"); });
  static const std::regex last_weeks(" (?:the )?(?:last|past) (\\d+) weeks ");
  if (digits())
    take(last_weeks,
         [&](const std::smatch& m) { return "last_days:" + std::to_string(7 * num(m[1])); });
  static const std::regex last_months(" (?:the )?(?:last|past) (\\d+) months ");
  if (digits())
    take(last_months,
         [&](const std::smatch& m) { return "last_months:" + std::to_string(num(m[1])); });
  static const std::regex months_ago(" (\\d+) months ago ");
  if (digits())
    take(months_ago,
         [&](const std::smatch& m) { return "months_ago:" + std::to_string(num(m[1])); });
  static const std::regex weeks_ago(" (\\d+) weeks ago ");
  if (digits())
    take(weeks_ago, [&](const std::smatch& m) { return "weeks_ago:" + std::to_string(num(m[1])); });
  static const std::regex days_ago(" (\\d+) days ago ");
  if (digits())
    take(days_ago, [&](const std::smatch& m) { return "days_ago:" + std::to_string(num(m[1])); });
  static const std::regex month_before_last(" (?:the )?month before last ");
  if (has(" before "))
    take(month_before_last, [](const std::smatch&) { return std::string("months_ago:2"); });
  static const std::regex week_before_last(" (?:the )?week before last ");
  if (has(" before "))
    take(week_before_last, [](const std::smatch&) { return std::string("weeks_ago:2"); });
  static const std::regex day_before_yesterday(" (?:the )?day before yesterday ");
  if (has(" before "))
    take(day_before_yesterday, [](const std::smatch&) { return std::string("days_ago:2"); });
  static const std::regex year_quarter(" (?:in |during )?(\\d{4}) q([1-4]) ");
  if (digits())
    take(year_quarter, [](const std::smatch& m) { return "quarter:" + m.str(1) + ":" + m.str(2); });
  static const std::regex quarter_n(
      " (?:in |during )?(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th) quarter)(?: "
      "of)?(?: (\\d{4})| (last|this|previous) year)? ");
  if (has("quarter") || has(" q"))
    take(quarter_n, [&](const std::smatch& m) -> std::string {
      int q = 0;
      if (m[1].matched) {
        q = std::stoi(m[1]);
      } else {
        std::string w = m[2];
        q = (w == "first" || w == "1st")    ? 1
            : (w == "second" || w == "2nd") ? 2
            : (w == "third" || w == "3rd")  ? 3
                                            : 4;
      }
      int y = m[3].matched ? std::stoi(m[3]) : d.year;
      if (m[4].matched) {
        y = m.str(4) == "this" ? d.year : d.year - 1;
      } else if (!m[3].matched && CivilDate{y, (q - 1) * 3 + 1, 1} > d) {
        --y;
      }
      return "quarter:" + std::to_string(y) + ":" + std::to_string(q);
    });
  static const std::regex half_year(
      " (?:in |during )?(?:the )?(first|second|1st|2nd) half(?: of)?(?: the year)?(?: (\\d{4}))? ");
  if (has(" half"))
    take(half_year, [&](const std::smatch& m) -> std::string {
      const bool first = m.str(1) == "first" || m.str(1) == "1st";
      int y = m[2].matched ? std::stoi(m[2]) : d.year;
      if (!m[2].matched && CivilDate{y, first ? 1 : 7, 1} > d) --y;
      return half_range(y, first);
    });
  static const std::regex since_start(
      " (?:since|from) (?:the )?(?:start|beginning) of (?:the |this )?(year|month|week|quarter) ");
  if (has("start") || has("beginning"))
    take(since_start, [](const std::smatch& m) { return "this_" + m.str(1); });
  static const std::regex the_period_so_far(
      " (?:of |in |for |during )?the (year|month|week|quarter) (?:so far|to date) ");
  if (has("so far") || has("to date"))
    take(the_period_so_far, [](const std::smatch& m) { return "this_" + m.str(1); });
  // "from January to March 2025": whole months.
  static const std::regex month_range(" (?:from )?(" + MNC + ") (?:to|through|until|till|-) (" +
                                      MNC + ")(?: (\\d{4}))? ");
  if (months()) take(month_range, [&](const std::smatch& m) { return whole_months(m, false); });
  // "last Monday": the most recent Monday before today; "on Monday": today if it is Monday.
  static const std::regex weekday_named(
      " (last|this past|past|on|this|) "
      "?(monday|tuesday|wednesday|thursday|friday|saturday|sunday) ");
  if (has("day"))
    take(weekday_named, [&](const std::smatch& m) -> std::string {
      static const char* kDays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                    "friday", "saturday", "sunday"};
      // "Black Friday", "Good Friday", "Cyber Monday": a day of its own, not a weekday.
      const std::string before = m.prefix().str();
      for (const char* w : {" black", " good", " cyber"}) {
        const size_t n = std::strlen(w);
        if (m.str(1).empty() && before.size() >= n && before.compare(before.size() - n, n, w) == 0)
          return "";
      }
      int want = 0;
      for (int i = 0; i < 7; ++i)
        if (m.str(2) == kDays[i]) want = i + 1;
      int back = (d.IsoWeekday() - want + 7) % 7;
      if (back == 0 && m.str(1) != "on" && m.str(1) != "this" && !m.str(1).empty()) back = 7;
      return "date:" + d.AddDays(-back).ToString();
    });
  // "the black friday code": a description of a coupon, not a period. "since black friday last
  // year": from that day to today.
  static const std::regex black_friday(
      " (since )?(?:last )?black friday(?: (\\d{4})| (last|this) year)?(?= )(?! "
      "(?:code|codes|coupon|"
      "coupons|promo|promos|discount|discounts|voucher|vouchers|sale code) )");
  if (has("black friday"))
    take(black_friday, [&](const std::smatch& m) -> std::string {
      std::string spec;
      if (m[2].matched) {
        spec = "black_friday:" + m.str(2);
      } else if (m[3].matched) {
        spec = "black_friday:" + std::to_string(m.str(3) == "last" ? d.year - 1 : d.year);
      } else {
        spec = "black_friday";
      }
      if (!m[1].matched) return spec;
      int y = m[2].matched   ? std::stoi(m.str(2))
              : m[3].matched ? (m.str(3) == "last" ? d.year - 1 : d.year)
                             : d.year;
      if (!m[2].matched && !m[3].matched && BlackFriday(y) > d) --y;
      return "since:" + BlackFriday(y).ToString();
    });
  // "on the 3rd", "orders the 14th": that day of this month, or of last month when this month's
  // has not come yet ("the 20th" on the 15th); "the 3rd of last month". Not a rank ("the 3rd
  // best product", "the 2nd week").
  static const std::regex day_of_month(
      " (?:on |for |from )?the (\\d{1,2})(?:st|nd|rd|th)(?: of (this|last|the) month)? ");
  if (digits())
    take(day_of_month, [&](const std::smatch& m) -> std::string {
      std::string next = m.suffix().str();
      next = next.substr(0, next.find(' '));
      static const std::set<std::string> kNotADay = {
          "best",     "biggest",  "largest",  "most",     "highest",  "top",       "lowest",
          "worst",    "least",    "product",  "products", "customer", "customers", "order",
          "orders",   "week",     "weeks",    "day",      "days",     "month",     "quarter",
          "coupon",   "country",  "category", "item",     "place",    "busiest",   "slowest",
          "quietest", "smallest", "cheapest", "last",     "time",     "and",       "to",
          "-",        "until",    "till",     "through",  "of"};
      // A period recognised right after ("the 3rd ~~~" where "of October" was) owns the day.
      if (kNotADay.count(next) != 0 || (!next.empty() && next[0] == '~')) return "";
      const int day = std::stoi(m.str(1));
      const std::string day_spec = day_of_recent_month(day, m.str(2));
      return day_spec.empty() ? "" : "date:" + day_spec;
    });
  static const std::regex words(
      " (?:(?:so far )?today|yesterday|(?:so far )?this week|week to date|wtd|last week|previous "
      "week|prior week|past week|(?:so far )?this month|month to date|mtd|current month|last "
      "month|previous "
      "month|prior month|past month|prior quarter|prior year|(?:so far )?this quarter|quarter to "
      "date|qtd|current quarter|last "
      "quarter|previous quarter|past quarter|(?:so far )?this year|year to date|ytd|current "
      "year|last year|previous year|past year|all time|of all time|ever|in total|overall|to "
      "date|lifetime) ");
  take(words, [](const std::smatch& m) -> std::string {
    std::string w = Trim(m.str(0));
    if (w.find("today") != std::string::npos) return "today";
    if (w == "yesterday") return "yesterday";
    if (w.find("this week") != std::string::npos || w == "week to date" || w == "wtd")
      return "this_week";
    if (w == "last week" || w == "previous week" || w == "prior week") return "last_week";
    if (w == "past week") return "last_days:7";
    if (w.find("this month") != std::string::npos || w == "month to date" || w == "mtd" ||
        w == "current month")
      return "this_month";
    if (w == "last month" || w == "previous month" || w == "past month" || w == "prior month")
      return "last_month";
    if (w.find("this quarter") != std::string::npos || w == "quarter to date" || w == "qtd" ||
        w == "current quarter")
      return "this_quarter";
    if (w == "last quarter" || w == "previous quarter" || w == "past quarter" ||
        w == "prior quarter")
      return "last_quarter";
    if (w.find("this year") != std::string::npos || w == "year to date" || w == "ytd" ||
        w == "current year")
      return "this_year";
    // "the past year" is the rolling year, as "the past week" is the last 7 days.
    if (w == "past year") return "last_days:365";
    if (w == "last year" || w == "previous year" || w == "prior year") return "last_year";
    return "all";
  });
  if (digits())
    take(on_date, [&](const std::smatch& m) -> std::string {
      auto a = ParseDateWords(m[1], d);
      return a ? "date:" + a->ToString() : "";
    });
  static const std::regex month_year(" (?:in |during |for |of )?" + M + "(?: (\\d{4}))? ");
  if (months())
    take(month_year, [&](const std::smatch& m) -> std::string {
      std::string w = m[1];
      int mo = MonthNumber(w);
      // "may" alone is a verb unless introduced ("in may") or followed by a year.
      // "June vs May", "April to May": after a comparison or range word it is the month.
      if (w == "may" && !m[2].matched && m.str(0).find(" may") == 0) {
        const std::string before = m.prefix().str();
        bool after_link = false;
        for (const char* link : {" vs", " versus", " than", " and", " to", " with", " against",
                                 " from", " or", " until", " through"}) {
          const size_t n = std::strlen(link);
          after_link =
              after_link || (before.size() >= n && before.compare(before.size() - n, n, link) == 0);
        }
        if (!after_link) return "";
      }
      if (w == "mar" || w == "jan" || w == "dec" || w == "jun" || w == "jul" || w == "aug" ||
          w == "oct" || w == "nov" || w == "feb" || w == "apr" || w == "sep" || w == "sept") {
        // abbreviations are fine
      }
      if (m[2].matched) return "month:" + std::string(m[2]) + ":" + std::to_string(mo);
      return "month:" + std::to_string(mo);
    });
  static const std::regex year(" (?:in |during |for |of |since )?(20\\d\\d|19\\d\\d) ");
  if (digits())
    take(year, [&](const std::smatch& m) -> std::string {
      // "the 2026 edition", "the 2024 model": part of a product's name, not a period.
      const std::string next = m.suffix().str().substr(0, m.suffix().str().find(' '));
      if (next == "edition" || next == "editions" || next == "model" || next == "models" ||
          next == "version" || next == "collection" || next == "range" || next == "series")
        return "";
      // "the 2026 <product>": a year between "the" and a product named ("the 2026 edition
      // trekking pack" where "edition trekking pack" matched the product).
      const std::string before = m.prefix().str();
      if ((next == "<product>" || next == "<variation>") && before.size() >= 4 &&
          before.compare(before.size() - 4, 4, " the") == 0)
        return "";
      if (m.str(0).find("since") != std::string::npos)
        return "since:" + std::string(m[1]) + "-01-01";
      return "year:" + std::string(m[1]);
    });
  // A soft period gives way to dates the question also writes.
  auto is_soft = [&](const std::pair<size_t, std::string>& f) {
    return std::find(soft_periods.begin(), soft_periods.end(), f.second) != soft_periods.end();
  };
  if (std::any_of(out.found.begin(), out.found.end(), is_soft) &&
      !std::all_of(out.found.begin(), out.found.end(), is_soft)) {
    out.found.erase(std::remove_if(out.found.begin(), out.found.end(), is_soft), out.found.end());
  }
  std::sort(out.found.begin(), out.found.end());
  // "in total during the last fortnight", "overall this year": the all-time words are filler
  // when a concrete period is named too.
  const bool concrete = std::any_of(out.found.begin(), out.found.end(),
                                    [](const auto& f) { return f.second != "all"; });
  if (concrete) {
    out.found.erase(std::remove_if(out.found.begin(), out.found.end(),
                                   [](const auto& f) { return f.second == "all"; }),
                    out.found.end());
  }
  return out;
}

// Shifts a period one step back ("and the month before?").
std::string ShiftBack(const std::string& spec, const std::string& unit) {
  auto after = [&](const std::string& prefix) -> int {
    return std::atoi(spec.substr(prefix.size()).c_str());
  };
  if (unit == "month" || unit.empty()) {
    if (spec == "this_month") return "last_month";
    if (spec == "last_month") return "months_ago:2";
    if (spec.rfind("months_ago:", 0) == 0)
      return "months_ago:" + std::to_string(after("months_ago:") + 1);
    if (spec.rfind("month:", 0) == 0 && std::count(spec.begin(), spec.end(), ':') == 2) {
      int y = std::atoi(spec.substr(6, 4).c_str());
      int m = std::atoi(spec.substr(11).c_str()) - 1;
      if (m == 0) {
        m = 12;
        --y;
      }
      return "month:" + std::to_string(y) + ":" + std::to_string(m);
    }
  }
  if (unit == "week" || unit.empty()) {
    if (spec == "this_week") return "last_week";
    if (spec == "last_week") return "weeks_ago:2";
    if (spec.rfind("weeks_ago:", 0) == 0)
      return "weeks_ago:" + std::to_string(after("weeks_ago:") + 1);
  }
  if (unit == "year" || unit.empty()) {
    if (spec == "this_year") return "last_year";
    if (spec.rfind("year:", 0) == 0) return "year:" + std::to_string(after("year:") - 1);
  }
  if (unit == "day" || unit.empty()) {
    if (spec == "today") return "yesterday";
    if (spec == "yesterday") return "days_ago:2";
    if (spec.rfind("days_ago:", 0) == 0)
      return "days_ago:" + std::to_string(after("days_ago:") + 1);
  }
  if (unit == "quarter" || unit.empty()) {
    if (spec == "this_quarter") return "last_quarter";
    if (spec == "last_quarter") return "quarters_ago:2";
    if (spec.rfind("quarters_ago:", 0) == 0)
      return "quarters_ago:" + std::to_string(after("quarters_ago:") + 1);
  }
  if (spec.rfind("last_days:", 0) == 0) return "prev_days:" + spec.substr(10);
  if ((unit == "year" || unit.empty()) && spec == "last_year") return "years_ago:2";
  if (spec.rfind("years_ago:", 0) == 0)
    return "years_ago:" + std::to_string(after("years_ago:") + 1);
  if (unit == "year" && spec == "last_month") return "months_ago:13";
  return DefaultBasePeriod(spec);
}

struct EntityHit {
  const NamedEntity* e = nullptr;
  int start = 0, length = 0, distance = 0;
};

int KindPriority(const std::string& k) {
  static const std::map<std::string, int> p = {
      {"variation", 0}, {"product", 1},        {"category", 2}, {"coupon", 3},
      {"customer", 4},  {"payment_method", 5}, {"country", 6},  {"order_status", 7}};
  auto it = p.find(k);
  return it == p.end() ? 9 : it->second;
}

bool PartialStopWord(const std::string& w);

enum class UnknownNameKind { kProduct, kCustomer };

// The words where a question names a product ("how many X did we sell", "units of X") or a
// customer ("how many orders has X placed", "how much has X spent"), when they are not
// vocabulary: a name the store's names did not match. `s` is the interpreter's text (entities
// already replaced by placeholders, periods blanked to '~').
std::optional<std::string> UnknownName(const std::string& s, UnknownNameKind kind) {
  // Each pattern with the literal words it cannot match without (why: speed, a std::regex search
  // is skipped when none is present).
  struct Pattern {
    std::regex re;
    std::vector<const char*> needs;
    std::vector<const char*> then = {};  // when set, one of these must follow the first need
  };
  static const Pattern product_patterns[] = {
      {std::regex(" how many ((?:[a-z][a-z'\\-]* ){1,4}?)(?:did |have |has |were |was )?(?:we "
                  "|you |i )?(?:sell|sold|ship|shipped)\\b"),
       {"sell", "sold", "ship"}},
      {std::regex(" (?:units|sales|revenue) (?:of|for) (?:the |our |my )?((?:[a-z][a-z'\\-]* "
                  "?){1,4})(?=$| ~| (?:this|last|in|during|since|so|all|ever|yesterday|today)\\b)"),
       {"units of", "units for", "sales of", "sales for", "revenue of", "revenue for"}},
      // "decaf revenue this month", "burr coffee grinder sales in 2024", "paper filters: sales".
      {std::regex("^ ((?:[a-z][a-z'\\-]* ){1,3})(?:revenue|sales|units|qty|takings)(?= |$)"),
       {"revenue", "sales", "units", "qty", "takings"}},
      // "how much did the linen journal make", "how much has the waxed backpack brought in".
      {std::regex(" how much (?:has|did|have) (?:the|our|my) ((?:[a-z][a-z'\\-]* ){1,3}?)"
                  "(?:make|made|bring|brought|earn|earned|generate|generated|take|took|sell|sold)"
                  "\\b"),
       {"how much"}},
      // "did we sell any mittens last week", "sunglasses sold yesterday".
      {std::regex(" did we sell any ((?:[a-z][a-z'\\-]* ){1,3}?)(?=~|$|(?:last|this|in|on|"
                  "yesterday|today|so far)\\b)"),
       {"did we sell any"}},
      {std::regex("^ ((?:[a-z][a-z'\\-]* ){1,2})sold (?=~|$|(?:last|this|in|on|yesterday|"
                  "today)\\b)"),
       {"sold"}}};
  static const Pattern customer_patterns[] = {
      {std::regex(" (?:has|did|have) ((?:[a-z][a-z'\\-]* ){1,3}?)(?:placed|ordered|bought|spent|"
                  "spend|order|buy|place|purchased)\\b"),
       {" has ", " did ", " have "},
       {"placed", "order", "bought", "spen", "buy", "place", "purchased"}},
      // "zoe martinez order count", "grace hayes's order count", "owen novak - number of".
      {std::regex("^ ([a-z][a-z'\\-]* [a-z][a-z'\\-]* )(?:total )?(?:order count|orders|number of "
                  "orders|number of purchases|purchases|spend|spent|lifetime value|ltv|how many|"
                  "order history)\\b"),
       {"order", "purchases", "spen", "lifetime", "ltv", "how many"}},
      // "how many orders from ella hall", "order count for katarina long".
      {std::regex(" (?:orders|purchases|order count|spend|spent|ltv|lifetime value) (?:from|for|by|"
                  "of) ((?:[a-z][a-z'\\-]* ){2})(?=$|~)"),
       {" from ", " for ", " by ", " of "}}};
  static const std::set<std::string> fillers = {
      "them", "it", "its", "they", "there", "here", "each", "every", "total", "overall",
      "altogether", "really", "actually", "exactly", "please", "pls", "else", "other", "others",
      "things", "thing", "stuff", "people", "someone", "anyone", "everyone", "ever", "times",
      "time", "so", "far", "just", "only", "also", "still", "yet", "then", "now", "again", "he",
      "she", "him", "her", "his", "their", "everything", "anything", "nothing", "shop", "store",
      "website", "site", "online", "business", "company", "brand", "catalog", "catalogue",
      "inventory", "stock", "average", "typical", "usual", "ordinary",
      // Words that qualify sales rather than name a product ("holiday sales", "web revenue").
      "holiday", "holidays", "christmas", "xmas", "seasonal", "festive", "weekend", "weekday",
      "morning", "evening", "recent", "gross", "net", "recurring", "web", "retail", "domestic",
      "international", "foreign", "local", "combined", "annual", "yearly", "quarterly", "monthly",
      "weekly", "daily", "expected", "current", "previous", "latest", "current", "hey", "hi",
      "hello", "quick", "question", "ok", "okay", "right", "cool", "thanks", "thank", "our", "my",
      "mean", "median", "lost", "missing", "cash", "card", "cards", "paypal", "today's", "tax",
      "shipping", "refund", "refunds", "coupon", "coupons", "discount", "discounts", "gift", "what",
      "whats", "what's", "show", "give", "tell", "me", "us", "pull", "list", "get", "need", "want",
      "like", "know", "see", "check", "find", "how", "much", "many", "and",
      // Comparison shorthand and how the answer should look ("mom", "graph sales by week").
      "mom", "yoy", "qoq", "wow", "chart", "charts", "graph", "graphs", "plot", "table", "diagram",
      "visual", "bar", "pie", "line"};
  std::smatch m;
  const bool product_kind = kind == UnknownNameKind::kProduct;
  const size_t n_patterns =
      product_kind ? std::size(product_patterns) : std::size(customer_patterns);
  for (size_t pi = 0; pi < n_patterns; ++pi) {
    const Pattern& pattern = product_kind ? product_patterns[pi] : customer_patterns[pi];
    const std::regex& re = pattern.re;
    size_t first_need = std::string::npos;
    for (const char* w : pattern.needs) first_need = std::min(first_need, s.find(w));
    bool possible = first_need != std::string::npos;
    if (possible && !pattern.then.empty()) {
      possible = false;
      for (const char* w : pattern.then) {
        possible = possible || s.find(w, first_need) != std::string::npos;
      }
    }
    if (!possible || !std::regex_search(s, m, re)) continue;
    std::vector<std::string> words = Tokenize(m.str(1));
    bool unknown = false, placeholder = false;
    for (const std::string& w : words) {
      if (w.find('<') != std::string::npos || w.find('~') != std::string::npos) placeholder = true;
      // "customers in Canada", "new buyers": a group of people or a place, not a name.
      if (Vocabulary().count(w) > 0 || w == "customers" || w == "clients" || w == "buyers" ||
          w == "shoppers" || w == "users" || w == "members" || w == "guests") {
        placeholder = true;
      }
      // A word of a country's name or of its people ("did canadians spend", "did the french
      // spend"); the words are gathered once (why: speed, not per word and country).
      static const std::set<std::string> kCountryWords = [] {
        std::set<std::string> all;
        for (const CountryName& c : Countries()) {
          for (std::string& cw : Tokenize(NormalizeText(c.name))) all.insert(std::move(cw));
          for (std::string& cw : Tokenize(NormalizeText(c.aliases))) all.insert(std::move(cw));
        }
        return all;
      }();
      if (kCountryWords.count(w) > 0) placeholder = true;
      if (w.size() >= 3 && !PartialStopWord(w) && fillers.count(w) == 0 && CorrectWord(w) == w &&
          Vocabulary().count(w) == 0) {
        unknown = true;
      }
    }
    if (unknown && !placeholder) {
      std::string name;
      for (const std::string& w : words) name += (name.empty() ? "" : " ") + w;
      return name;
    }
  }
  return std::nullopt;
}

// why: speed. The leading literal words of each alternative of a pattern " (a|b c|d?e|...) ":
// such a pattern matches only where " " + one of them occurs. Kept by first character, so a
// word start is compared with the few prefixes that begin like it. An alternative with no
// literal start leaves the index empty (MayMatchAlternation is then always true).
struct AlternationIndex {
  bool always = true;
  std::array<std::vector<std::string>, 256> by_first;
};

AlternationIndex AlternationPrefixes(const std::string& pattern) {
  AlternationIndex index;
  const size_t open = pattern.find('('), close = pattern.rfind(')');
  if (pattern.rfind(" (", 0) != 0 || close == std::string::npos || close <= open) return index;
  std::vector<std::string> alternatives(1);
  int depth = 0;
  for (size_t i = open + 1; i < close; ++i) {
    const char c = pattern[i];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == '|' && depth == 0) {
      alternatives.emplace_back();
    } else {
      alternatives.back() += c;
    }
  }
  std::vector<std::string> prefixes;
  for (const std::string& a : alternatives) {
    std::string p;
    for (char c : a) {
      if (std::string_view("?()[]\\*+.{}^$|").find(c) != std::string_view::npos) {
        if (c == '?' && !p.empty()) p.pop_back();  // the character before `?` is optional
        break;
      }
      p += c;
    }
    if (p.empty()) return index;
    prefixes.push_back(p);
  }
  for (std::string& p : prefixes) {
    index.by_first[static_cast<unsigned char>(p[0])].push_back(std::move(p));
  }
  index.always = false;
  return index;
}

bool MayMatchAlternation(const std::string& s, const AlternationIndex& index) {
  if (index.always) return true;
  for (size_t pos = s.find(' '); pos != std::string::npos && pos + 1 < s.size();
       pos = s.find(' ', pos + 1)) {
    for (const std::string& p : index.by_first[static_cast<unsigned char>(s[pos + 1])]) {
      if (s.compare(pos + 1, p.size(), p) == 0) return true;
    }
  }
  return false;
}

// A coupon code the question names that the store's codes did not match ("how many times was
// SUMMER50 used", "orders with the coupon blackfriday99"), so that the answer says the store has
// no such coupon instead of giving the total over every coupon. A word right after "coupon" /
// "code" / "promo" / "voucher" that is not vocabulary, or a letters-and-digits word the question
// says was used or redeemed.
std::optional<std::string> UnknownCouponCode(const std::string& s, std::string_view question) {
  // Built once (std::regex construction is slow).
  static const std::regex after_noun(
      " (?:coupon|promo|voucher|discount|code)s? (?:code |codes )?([a-z0-9][a-z0-9_\\-]{2,39})"
      "(?= |$)");
  static const std::regex used(
      " (?:times|often) (?:was|has|have|did|were|is) (?:the )?(?:code |coupon )?"
      "([a-z0-9][a-z0-9_\\-]{2,39}) (?:been )?(?:used|redeemed|applied|use|redeem)\\b");
  static const std::set<std::string> context = {
      "uses",    "usage",   "used",   "redemptions", "redeemed",    "applied",  "savings",
      "orders",  "revenue", "sales",  "report",      "performance", "stats",    "breakdown",
      "count",   "totals",  "value",  "amount",      "given",       "gave",     "cost",
      "worth",   "use",     "off",    "percent",     "usage",       "list",     "expire",
      "expired", "expiry",  "active", "valid",       "works",       "work",     "holders",
      "type",    "types",   "field",  "box",         "entered",     "customers"};
  // "how many orders used vip15", "save5 redemptions this month", "Did anyone use STAFF50": a
  // word shaped like a code (letters and digits, or written in capitals) where the question
  // speaks of using or redeeming.
  static const std::set<std::string> kUseWords = {"used",     "use",    "uses",        "using",
                                                  "redeemed", "redeem", "redemptions", "redemption",
                                                  "applied",  "apply",  "usage"};
  const std::vector<std::string> words = Tokenize(s);
  const bool use_words = std::any_of(words.begin(), words.end(),
                                     [](const std::string& w) { return kUseWords.count(w) > 0; });
  if (use_words) {
    static const std::regex ordinal(R"(\d+(st|nd|rd|th|s))");
    for (const std::string& w : words) {
      if (w.size() < 4 || w.size() > 40 || w.find_first_of("<~") != std::string::npos) continue;
      const bool digit = w.find_first_of("0123456789") != std::string::npos;
      const bool alpha = w.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos;
      if (!alpha ||
          w.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
        continue;
      if (digit && !std::regex_match(w, ordinal) && std::isalpha(static_cast<unsigned char>(w[0])))
        return w;
      std::string upper = w;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (!digit && w.size() >= 5 && question.find(upper) != std::string_view::npos &&
          Vocabulary().count(w) == 0 && !PartialStopWord(w))
        return w;
    }
  }
  if (s.find("coupon") == std::string::npos && s.find("code") == std::string::npos &&
      s.find("promo") == std::string::npos && s.find("voucher") == std::string::npos &&
      s.find("discount") == std::string::npos && s.find("times") == std::string::npos &&
      s.find("often") == std::string::npos) {
    return std::nullopt;
  }
  for (const std::regex* re : {&after_noun, &used}) {
    for (auto it = std::sregex_iterator(s.begin(), s.end(), *re); it != std::sregex_iterator();
         ++it) {
      const std::string w = (*it)[1].str();
      const bool has_digit =
          std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
      const bool has_alpha =
          std::any_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      if (!has_alpha) continue;  // "code 10" is a number, not a code
      if (has_digit) return w;
      // A word of letters only is a code only when written as one: in capitals ("FREESHIP") or
      // in quotes; otherwise it is too often an ordinary word ("which code saved the most").
      std::string upper = w;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const bool written_as_code = question.find(upper) != std::string_view::npos ||
                                   question.find("\"" + w) != std::string_view::npos ||
                                   question.find("'" + w + "'") != std::string_view::npos;
      if (!written_as_code) continue;
      if (w.size() < 4 || PartialStopWord(w) || context.count(w) > 0 || CorrectWord(w) != w ||
          Vocabulary().count(w) > 0 || MonthNumber(w) > 0) {
        continue;
      }
      return w;
    }
  }
  return std::nullopt;
}

// Words that never make a name by themselves in a partial match.
bool PartialStopWord(const std::string& w) {
  static const std::set<std::string> k = {
      "the",   "a",     "an",    "of",      "and",    "or",  "for",  "in",    "on",     "at",
      "to",    "by",    "from",  "with",    "my",     "our", "we",   "us",    "i",      "me",
      "you",   "your",  "did",   "do",      "does",   "how", "many", "much",  "what",   "which",
      "who",   "is",    "are",   "was",     "were",   "has", "have", "had",   "this",   "that",
      "these", "those", "all",   "any",     "some",   "per", "vs",   "than",  "more",   "most",
      "less",  "sell",  "sold",  "selling", "bought", "buy", "pack", "set",   "kit",    "new",
      "old",   "big",   "small", "large",   "one",    "two", "code", "codes", "coupon", "coupons"};
  return k.count(w) > 0 || Vocabulary().count(w) > 0 || MonthNumber(w) > 0;
}

// One question word against one name word: 2 = equal or a plural of it, 1 = a typo of a long
// word, 0 = no match.
int PartialWordMatch(const std::string& q, const std::string& n) {
  if (q == n) return 2;
  if (q.size() < 3 || n.size() < 3) return 0;
  if (q == n + "s" || n == q + "s" || q == n + "es" || n == q + "es") return 2;
  if (q.size() >= 5 && n.size() >= 5 && std::isalpha(static_cast<unsigned char>(q[0])) &&
      q[0] == n[0] && (q.size() > n.size() ? q.size() - n.size() : n.size() - q.size()) <= 2 &&
      EditDistance(q, n) <= AllowedTypos(n.size())) {
    return 1;
  }
  return 0;
}

// Partial names, as merchants say them: "the zip hoodie" (Harbor Zip Hoodie), "Yirgacheffe beans",
// "apple pay" (Apple Pay (WooPayments)), "welcome 10" (welcome10). Only over words no full name
// took, only when one entity of its kind is the clear best, and a single word only when it is
// distinctive (in no other name of that kind) and not an ordinary question word.
void AddPartialHits(const std::vector<std::string>& tokens, const StoreNames& names,
                    std::vector<EntityHit>& hits) {
  std::vector<bool> taken(tokens.size(), false);
  for (const EntityHit& h : hits) {
    for (int i = h.start; i < h.start + h.length; ++i) taken[static_cast<size_t>(i)] = true;
  }
  // why: speed (with the cached list's index, only the names that can match are visited, in list
  // order, so the hits are the same as over the whole list)
  const NameIndex* index = names.index != nullptr && names.index->Describes(names.entities)
                               ? names.index.get()
                               : nullptr;
  // Coupon codes typed with a space: "welcome 10".
  auto coupon_phrases = [&](const NamedEntity& e, size_t k) {
    const auto& phrase = e.phrases[k];
    if (e.kind != "coupon" || phrase.size() != 1 || phrase[0].size() < 4) return;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      if (!taken[i] && !taken[i + 1] && tokens[i] + tokens[i + 1] == phrase[0]) {
        hits.push_back({&e, static_cast<int>(i), 2, 0});
        taken[i] = taken[i + 1] = true;
      }
    }
  };
  if (index != nullptr) {
    std::vector<NameIndex::PhraseRef> refs;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      auto it = index->coupon_words.find(tokens[i] + tokens[i + 1]);
      if (it != index->coupon_words.end())
        refs.insert(refs.end(), it->second.begin(), it->second.end());
    }
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    for (const auto& [ei, k] : refs) coupon_phrases(names.entities[ei], k);
  } else {
    for (const NamedEntity& e : names.entities) {
      for (size_t k = 0; k < e.phrases.size(); ++k) coupon_phrases(e, k);
    }
  }
  // "the vip code": the start of exactly one code, named as a code.
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    const std::string& w = tokens[i];
    const std::string& next = tokens[i + 1];
    if (taken[i] || w.size() < 3 || PartialStopWord(w) ||
        (next != "code" && next != "coupon" && next != "promo" && next != "voucher"))
      continue;
    const NamedEntity* only = nullptr;
    int count = 0;
    for (const NamedEntity& e : names.entities) {
      if (e.kind != "coupon" || e.phrases.empty() || e.phrases[0].size() != 1) continue;
      if (e.phrases[0][0].size() > w.size() && e.phrases[0][0].compare(0, w.size(), w) == 0) {
        only = &e;
        ++count;
      }
    }
    if (count == 1) {
      hits.push_back({only, static_cast<int>(i), 1, 1});
      taken[i] = true;
    }
  }
  struct Candidate {
    const NamedEntity* e = nullptr;
    int first = 0, last = 0, score = 0, alpha = 0, exact = 0;
  };
  // Only the question's own content words are compared with the names; a question with more of
  // them than any merchant types (pasted text, an attack) gets no partial matching.
  int content_words = 0;
  // why: speed (PartialStopWord once per token, not once per token and name below)
  std::vector<bool> skip(tokens.size(), false);
  for (size_t i = 0; i < tokens.size(); ++i) {
    const bool stop = PartialStopWord(tokens[i]);
    if (!taken[i] && !stop) ++content_words;
    // Bare numbers ("3 or fewer units") say nothing about which product is meant.
    skip[i] = stop || tokens[i].find_first_not_of("0123456789.,%$#") == std::string::npos;
  }
  if (content_words > 12) return;
  std::vector<Candidate> winners;  // the clear best of each kind
  for (const char* kind : {"product", "category", "payment_method"}) {
    // How many names of this kind contain each word (distinctiveness).
    // why: speed (counted on demand for the few words that matched, not for every name word)
    std::map<std::string, int> word_names;
    const NameIndex::Kind* kind_index = nullptr;
    if (index != nullptr) {
      auto it = index->kinds.find(std::string_view(kind));
      if (it == index->kinds.end()) continue;  // no names of this kind
      kind_index = &it->second;
    }
    auto names_with = [&](const std::string& w) {
      if (kind_index != nullptr) {
        auto it = kind_index->word_names.find(w);
        return it == kind_index->word_names.end() ? 0 : it->second;
      }
      auto it = word_names.find(w);
      if (it != word_names.end()) return it->second;
      int n = 0;
      for (const NamedEntity& o : names.entities) {
        if (o.kind != kind || o.phrases.empty()) continue;
        if (std::find(o.phrases[0].begin(), o.phrases[0].end(), w) != o.phrases[0].end()) ++n;
      }
      word_names.emplace(w, n);
      return n;
    };
    auto is_card = [](const std::string& t) { return t == "card" || t == "cards"; };
    // The names to compare: with the index, those with a word starting like one of the question's
    // comparable words (a partial word match needs the same first letter).
    std::vector<uint32_t> visit;
    if (kind_index != nullptr) {
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (taken[i] || skip[i] || tokens[i].empty()) continue;
        if (std::string_view(kind) != "payment_method" && is_card(tokens[i])) continue;
        const auto& list = kind_index->by_letter[static_cast<unsigned char>(tokens[i][0])];
        visit.insert(visit.end(), list.begin(), list.end());
      }
      std::sort(visit.begin(), visit.end());
      visit.erase(std::unique(visit.begin(), visit.end()), visit.end());
    } else {
      visit.resize(names.entities.size());
      for (size_t i = 0; i < visit.size(); ++i) visit[i] = static_cast<uint32_t>(i);
    }
    std::vector<Candidate> best;
    for (const uint32_t ei : visit) {
      const NamedEntity& e = names.entities[ei];
      if (e.kind != kind || e.phrases.empty() || e.phrases[0].size() < 2) continue;
      const auto& words = e.phrases[0];
      Candidate c{&e, -1, -1, 0, 0, 0};
      std::string single;  // the matched word, for one-word matches
      std::vector<bool> word_used(words.size(), false);
      bool distinctive = false;
      for (size_t i = 0; i < tokens.size(); ++i) {
        if (taken[i] || skip[i]) continue;  // a stop word or a bare number (see above)
        // "card payments", "paid by card": a payment word, not the Gift Cards category.
        if (std::string_view(kind) != "payment_method" && is_card(tokens[i])) continue;
        for (size_t j = 0; j < words.size(); ++j) {
          // why: speed (every partial word match, exact, plural or typo, has the same first byte)
          if (!tokens[i].empty() && !words[j].empty() && tokens[i][0] != words[j][0]) continue;
          const int quality = word_used[j] ? 0 : PartialWordMatch(tokens[i], words[j]);
          if (quality == 0) continue;
          word_used[j] = true;
          if (quality == 2) ++c.exact;
          single = words[j];
          if (c.first < 0) c.first = static_cast<int>(i);
          c.last = static_cast<int>(i);
          ++c.score;
          const bool alpha = std::isalpha(static_cast<unsigned char>(words[j][0])) != 0;
          if (alpha) ++c.alpha;
          if (alpha && words[j].size() >= 4 && names_with(words[j]) == 1) distinctive = true;
          break;
        }
      }
      // The words must name it together: no more than one other content word between them
      // (stop words aside: "sets of the stoneware mugs").
      if (c.alpha == 0) continue;
      int content_span = 0;
      for (int i = c.first; i <= c.last; ++i) {
        if (!skip[static_cast<size_t>(i)]) ++content_span;
      }
      if (content_span > c.score + 1 || c.last - c.first + 1 > c.score + 3) continue;
      if (c.exact == 0) continue;
      // One word alone names a product only when it is an exact, distinctive noun: not "running"
      // (Trail Running Socks) in "what is running low", not a typo ("stuff" is not "Staff").
      auto ends_with = [&](const char* suffix) {
        const size_t n = std::strlen(suffix);
        return single.size() > n && single.compare(single.size() - n, n, suffix) == 0;
      };
      // Payment methods need two words ("apple pay"): "bank" alone is also where payouts go.
      if (c.score == 1 && std::string_view(kind) == "payment_method") continue;
      // Nor a word that qualifies sales ("holiday sales", "online revenue").
      static const std::set<std::string> kQualifiers = {
          "holiday", "holidays", "christmas", "xmas",     "seasonal", "festive", "weekend",
          "online",  "web",      "retail",    "domestic", "local",    "gift",    "annual",
          "summer",  "winter",   "spring",    "autumn",   "morning",  "evening", "international"};
      if (c.score == 1 && (!distinctive || c.exact != 1 || ends_with("ing") || ends_with("ed") ||
                           ends_with("ly") || kQualifiers.count(single) > 0))
        continue;
      if (best.empty() || c.score > best[0].score) {
        best = {c};
      } else if (c.score == best[0].score) {
        best.push_back(c);
      }
    }
    if (best.size() == 1) winners.push_back(best[0]);  // a tie is not a clear reference
  }
  // Across kinds the fuller match wins the words: "credit card" is the payment method, not the
  // "Gift Cards" category.
  std::stable_sort(winners.begin(), winners.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  for (const Candidate& c : winners) {
    bool free = true;
    for (int i = c.first; i <= c.last; ++i) free = free && !taken[static_cast<size_t>(i)];
    if (!free) continue;
    hits.push_back({c.e, c.first, c.last - c.first + 1, 1});
    for (int i = c.first; i <= c.last; ++i) taken[static_cast<size_t>(i)] = true;
  }
  // "espresso blend bags": a one-word category right after a product's words names what the
  // product comes in, not a second filter.
  for (auto it = hits.begin(); it != hits.end();) {
    bool after_product = false;
    if (it->e->kind == "category" && it->length == 1) {
      for (const EntityHit& h : hits) {
        if (h.e->kind == "product" && h.start + h.length == it->start && h.length >= 2)
          after_product = true;
      }
    }
    it = after_product ? hits.erase(it) : it + 1;
  }
}

std::vector<EntityHit> MatchEntities(const std::vector<std::string>& tokens,
                                     const StoreNames& names, const std::string& raw) {
  std::vector<EntityHit> hits;
  const bool has_upper_us = raw.find("US") != std::string::npos;
  // why: speed (FindPhrase matches, exact or fuzzy, only words with the same first letter: a
  // phrase whose first word starts with a letter no token starts with is skipped at once)
  // With the cached list's index (why: speed), only the phrases whose first word has a token's
  // first letter and a length within 2 of it, in list order (the same hits as the whole list).
  std::vector<NameIndex::PhraseRef> visit;
  if (names.index != nullptr && names.index->Describes(names.entities)) {
    const NameIndex& index = *names.index;
    visit = index.empty_first_word;
    std::vector<uint32_t> keys;
    for (const std::string& t : tokens) {
      if (t.empty()) continue;
      const size_t lo = std::min<size_t>(63, t.size() > 3 ? t.size() - 2 : 1);
      const size_t hi = std::min<size_t>(63, t.size() + 2);
      for (size_t n = lo; n <= hi; ++n) {
        keys.push_back(NameIndex::FirstWordKey(std::string_view(t.data(), 1)) - 1 +
                       static_cast<uint32_t>(n));
      }
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const uint32_t key : keys) {
      auto it = index.by_first_word.find(key);
      if (it != index.by_first_word.end())
        visit.insert(visit.end(), it->second.begin(), it->second.end());
    }
    std::sort(visit.begin(), visit.end());
  } else {
    std::array<bool, 256> first_letters{};
    for (const std::string& t : tokens) {
      if (!t.empty()) first_letters[static_cast<unsigned char>(t[0])] = true;
    }
    for (size_t i = 0; i < names.entities.size(); ++i) {
      const NamedEntity& e = names.entities[i];
      for (size_t k = 0; k < e.phrases.size(); ++k) {
        const auto& phrase = e.phrases[k];
        if (!phrase.empty() && !phrase[0].empty() &&
            !first_letters[static_cast<unsigned char>(phrase[0][0])])
          continue;
        visit.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(k));
      }
    }
  }
  {
    for (const auto& [ei, pi] : visit) {
      const NamedEntity& e = names.entities[ei];
      const auto& phrase = e.phrases[pi];
      if (phrase.size() == 1 && phrase[0] == "us" && !has_upper_us) continue;
      size_t letters = 0;
      for (const auto& t : phrase) letters += t.size();
      if (letters < 2) continue;
      // Single common words are only names when exact; fuzzy needs a distinctive phrase.
      bool fuzzy = letters >= 6 && !(phrase.size() == 1 && Vocabulary().count(phrase[0]));
      PhraseMatch m = FindPhrase(tokens, phrase, fuzzy);
      if (m.start < 0) continue;
      // A fuzzy single-word hit must not be a vocabulary word ("orders" ~ "order5").
      if (m.distance > 0 && phrase.size() == 1 &&
          Vocabulary().count(tokens[static_cast<size_t>(m.start)]))
        continue;
      if (m.distance > 0 && m.length == 1 &&
          Vocabulary().count(tokens[static_cast<size_t>(m.start)]))
        continue;
      // Nor may a fuzzy phrase bend a vocabulary word into a name ("the status" ~ "the states").
      if (m.distance > 0 && m.length == static_cast<int>(phrase.size())) {
        bool bends_vocabulary = false;
        for (size_t k = 0; k < phrase.size(); ++k) {
          const std::string& q = tokens[static_cast<size_t>(m.start) + k];
          if (q != phrase[k] && Vocabulary().count(q)) bends_vocabulary = true;
        }
        if (bends_vocabulary) continue;
      }
      // "1 oct", "oct 15": a month next to a number is a date, not a product whose SKU is OCT.
      if (m.length == 1) {
        const size_t i = static_cast<size_t>(m.start);
        auto is_number = [&](size_t k) {
          return k < tokens.size() && !tokens[k].empty() &&
                 std::isdigit(static_cast<unsigned char>(tokens[k][0]));
        };
        if (MonthNumber(tokens[i]) > 0 && ((i > 0 && is_number(i - 1)) || is_number(i + 1)))
          continue;
        // "payouts in oct": a month, not a product whose SKU or initials are OCT.
        if (MonthNumber(tokens[i]) > 0 && phrase.size() == 1 && e.kind != "coupon") continue;
      }
      hits.push_back({&e, m.start, m.length, m.distance});
    }
  }
  // Partial names compete with whole ones by span: "the coffee scale" (a partial product name
  // over two words) wins over the category Coffee (one word).
  AddPartialHits(tokens, names, hits);
  std::stable_sort(hits.begin(), hits.end(), [](const EntityHit& a, const EntityHit& b) {
    if (a.length != b.length) return a.length > b.length;
    if (a.distance != b.distance) return a.distance < b.distance;
    return KindPriority(a.e->kind) < KindPriority(b.e->kind);
  });
  std::vector<EntityHit> chosen;
  std::vector<bool> used(tokens.size(), false);
  for (const EntityHit& h : hits) {
    bool free = true;
    for (int i = h.start; i < h.start + h.length; ++i) free = free && !used[static_cast<size_t>(i)];
    if (!free) {
      // Same span, same kind, another entity of equal quality: keep both (a name shared by two
      // products selects both).
      bool same = false;
      for (const EntityHit& c : chosen) {
        if (c.start == h.start && c.length == h.length && c.distance == h.distance &&
            c.e->kind == h.e->kind && c.e->name == h.e->name && c.e != h.e) {
          same = true;
        }
      }
      if (same) chosen.push_back(h);
      continue;
    }
    for (int i = h.start; i < h.start + h.length; ++i) used[static_cast<size_t>(i)] = true;
    chosen.push_back(h);
  }
  return chosen;
}

std::optional<int> FirstNumber(const std::string& s, const std::regex& re) {
  std::smatch m;
  if (std::regex_search(s, m, re)) {
    try {
      int v = std::stoi(m[1].str().substr(0, 6));
      return v;
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace

bool MentionsPayments(std::string_view question) {
  std::string n = " " + NormalizeText(question.substr(0, kMaxQuestionBytes)) + " ";
  for (const char* w : {" pay",  "paid",   "method", "gateway", " via ",  " using ", " through ",
                        "share", " card",  "paypal", "stripe",  "cash",   "bank",    "transfer",
                        "apple", "google", "klarna", "cod ",    "cheque", "check "}) {
    if (n.find(w) != std::string::npos) return true;
  }
  return false;
}

bool MentionsCustomers(std::string_view question) {
  // Customer names are loaded only when the question may name a person: an e-mail address, two
  // capitalised words after the first word, or "has/did <first> <last> spent/ordered...".
  std::string raw(question.substr(0, kMaxQuestionBytes));
  if (raw.find('@') != std::string::npos) return true;
  static const std::regex capitalised_pair(
      R"((?:^|\S\s+)([A-Z][a-z'\-]+)\s+([A-Z][A-Za-z'\-]+[0-9]*))");
  std::smatch m;
  std::string rest = raw;
  // why: speed (the pattern needs two capitals after the first character; most questions have
  // one, and each std::regex search costs more than this count)
  const bool two_capitals =
      std::count_if(raw.begin(), raw.end(), [](char c) { return c >= 'A' && c <= 'Z'; }) >= 2;
  while (two_capitals && std::regex_search(rest, m, capitalised_pair)) {
    std::string a = m[1], b = m[2];
    if (MonthNumber(ToLower(a)) == 0 && a != "Black" && a != "Cyber" && a != "United" &&
        a != "New" && a != "South" && a != "Hong" && a != "Saudi" && a != "Czech") {
      return true;
    }
    rest = m.suffix();
  }
  static const std::regex person(
      R"(\b(has|did|have|for|by|of|from)\s+\w+(?:\s+\w+)?\s+(spent|spend|made|make|ordered|order|orders|bought|buy|placed|place|purchased|lifetime|ltv)\b)",
      std::regex::icase);
  // why: speed (icase std::regex is slow; it needs one of its first words somewhere before one
  // of its last words, checked on the lower-cased text first)
  const std::string low = ToLower(raw);
  size_t first_lead = std::string::npos, last_verb = 0;
  bool any_verb = false;
  for (const char* w : {"has", "did", "have", "for", "by", "of", "from"}) {
    first_lead = std::min(first_lead, low.find(w));
  }
  for (const char* w : {"spen", "made", "make", "order", "bought", "buy", "place", "purchased",
                        "lifetime", "ltv"}) {
    const size_t at = low.rfind(w);
    if (at != std::string::npos) {
      any_verb = true;
      last_verb = std::max(last_verb, at);
    }
  }
  if (any_verb && first_lead != std::string::npos && first_lead < last_verb &&
      std::regex_search(raw, person))
    return true;
  // "juliette laurent's order count", "zoe martinez order count": a possessive pair, or a pair
  // opening the question before a customer figure.
  static const std::regex possessive(R"(\b([A-Za-z\-]+)\s+([A-Za-z\-]+)'s\b)");
  static const std::regex leading_pair(
      R"(^\s*([A-Za-z\-]+)\s+([A-Za-z\-]+)\s*[:\-,]?\s+(?:total\s+|number\s+of\s+|no\.?\s+of\s+|count\s+of\s+)?(orders?|order\s+count|spend|spent|purchases|lifetime|ltv|refunds?|sales|revenue|how)\b)");
  for (const std::regex* re : {&possessive, &leading_pair}) {
    std::smatch pm;
    // why: speed (the possessive pattern needs a literal "'s")
    if (re == &possessive && raw.find("'s") == std::string::npos) continue;
    // why: speed (the lower-cased text, so no icase regex)
    if (!std::regex_search(low, pm, *re)) continue;
    const std::string a = pm.str(1), b = pm.str(2);
    // The surname may be an ordinary word ("Nikolai Price"): only the first must not be.
    if (!PartialStopWord(a) && a != "last" && a != "this" && a != "next" && MonthNumber(a) == 0 &&
        MonthNumber(b) == 0) {
      return true;
    }
  }
  // "orders placed by owen novak", "sales from jane doe": two words closing the question.
  static const std::regex by_person(
      R"(\b(by|from|for|of|to)\s+([A-Za-z'\-]+)\s+([A-Za-z'\-]+)\s*[?.!]*\s*$)", std::regex::icase);
  std::smatch m2;
  // why: speed (a match ends the question with "<by|from|for|of|to> <word> <word>": the third
  // whitespace-separated word from the end, trailing spaces and ?.! removed, ends with one)
  auto may_end_with_person = [&] {
    size_t end = low.size();
    while (end > 0 &&
           std::string_view(" \t\n\r\f\v?.!").find(low[end - 1]) != std::string_view::npos)
      --end;
    std::vector<std::string> last;  // up to three words, last first
    while (end > 0 && last.size() < 3) {
      size_t start = end;
      while (start > 0 && !std::isspace(static_cast<unsigned char>(low[start - 1]))) --start;
      last.push_back(low.substr(start, end - start));
      end = start;
      while (end > 0 && std::isspace(static_cast<unsigned char>(low[end - 1]))) --end;
    }
    if (last.size() < 3) return false;
    for (const char* k : {"by", "from", "for", "of", "to"}) {
      const std::string_view kw(k), w(last[2]);
      if (w.size() >= kw.size() && w.substr(w.size() - kw.size()) == kw) return true;
    }
    return false;
  };
  if (may_end_with_person() && std::regex_search(raw, m2, by_person)) {
    const std::string a = ToLower(m2.str(2)), b = ToLower(m2.str(3));
    return !PartialStopWord(a) && !PartialStopWord(b) && a != "last" && a != "this" &&
           a != "next" && a != "the";
  }
  return false;
}

namespace {

QuestionIntent InterpretText(std::string_view question, const StoreNames& names, CivilDate as_of,
                             const QuestionIntent* previous);

// "I'm doing my monthly review. What were gross sales last month?": the sentence that asks
// decides the figure; the others only lend it a period ("We ran a promo last week. How many
// orders did we get that week?"). Returns the sentences; one when there is nothing to split.
std::vector<std::string_view> Sentences(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i + 1 < text.size() && out.size() < 8; ++i) {
    const char c = text[i];
    if ((c != '.' && c != '?' && c != '!') || text[i + 1] != ' ') continue;
    // "vs. last month", "e.g. ", "approx. ": abbreviations, not sentence ends.
    const std::string_view before = text.substr(start, i - start);
    const size_t sp = before.rfind(' ');
    const std::string word =
        ToLower(std::string(sp == std::string_view::npos ? before : before.substr(sp + 1)));
    if (c == '.' && (word == "vs" || word == "e.g" || word == "i.e" || word == "etc" ||
                     word == "approx" || word == "no" || word.size() <= 1)) {
      continue;
    }
    out.push_back(text.substr(start, i + 1 - start));
    start = i + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

size_t CountWords(std::string_view s) {
  size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    const bool alnum = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (alnum && !in_word) ++n;
    in_word = alnum;
  }
  return n;
}

// A customer as the merchant can tell namesakes apart: "Karen Ramirez (karen@example.com)" for a
// guest, "Karen Ramirez (account 12)" for an account.
std::string Describe(const NamedEntity& customer) {
  if (customer.key.rfind("e:", 0) == 0) return customer.name + " (" + customer.key.substr(2) + ")";
  if (customer.key.rfind("c:", 0) == 0)
    return customer.name + " (account " + customer.key.substr(2) + ")";
  return customer.name;
}

// Whether the words name a figure ("revenue", "orders") rather than only a period, a breakdown
// or a filter ("april", "which date", "in Canada").
bool NamesAFigure(std::string_view text) {
  static const std::set<std::string> kFigureWords = {
      "sales",     "revenue",   "takings",  "turnover", "income",   "orders",   "order",
      "refunds",   "refund",    "refunded", "items",    "units",    "aov",      "average",
      "discount",  "discounts", "payouts",  "payout",   "disputes", "dispute",  "chargebacks",
      "stock",     "inventory", "shipping", "tax",      "fees",     "spend",    "spent",
      "customers", "buyers",    "clients",  "shoppers", "coupons",  "uses",     "sold",
      "net",       "gross",     "payments", "deposits", "accounts", "products", "count"};
  for (const std::string& w : Tokenize(NormalizeText(std::string(text)))) {
    if (kFigureWords.count(w)) return true;
  }
  return false;
}

// What a correction names replaces the same part of what it corrects; the rest stays.
QuestionIntent Overlay(QuestionIntent base, const QuestionIntent& correction) {
  if (!correction.dimension.empty()) {
    base.dimension = correction.dimension;
    base.limit = correction.limit != 0 ? correction.limit : base.limit;
    base.single = correction.single || base.single;
    base.ascending = correction.ascending;
  }
  if (!correction.period.empty()) {
    base.period = correction.period;
    base.base_period = correction.base_period;
    base.compare = correction.compare;
  }
  if (!correction.country.empty()) base.country = correction.country;
  if (!correction.product_ids.empty()) {
    base.product_ids = correction.product_ids;
    base.product = correction.product;
  }
  if (!correction.variation_ids.empty()) {
    base.variation_ids = correction.variation_ids;
    base.variation = correction.variation;
  }
  if (!correction.category.empty()) base.category = correction.category;
  if (!correction.coupon.empty()) base.coupon = correction.coupon;
  if (!correction.payment_method.empty()) base.payment_method = correction.payment_method;
  if (!correction.customer_key.empty()) {
    base.customer_key = correction.customer_key;
    base.customer = correction.customer;
  }
  if (!correction.statuses.empty()) base.statuses = correction.statuses;
  if (!correction.customer_type.empty()) base.customer_type = correction.customer_type;
  base.notes.push_back("read with your correction");
  return base;
}

// "... sorry, which date", "in the past month -- I mean October": the words before a correction
// marker and the words after it, when both say something.
std::optional<std::pair<std::string_view, std::string_view>> SelfCorrection(std::string_view text) {
  if (text.size() > 2000) return std::nullopt;
  const std::string lower = ToLower(std::string(text));
  static const std::regex marker(
      "(?:\\.\\.\\.|\u2026|[,;:.!?]| -+| \u2013| \u2014)\\s*(?:sorry|oops|i mean|i meant|no wait|"
      "wait|scratch that|correction|make that|or rather|actually|no(?=,))(?:[\\s,:;.!]|-)+");
  // why: speed (the regex cannot match without one of its marker words)
  bool any_marker = false;
  for (const char* w : {"sorry", "oops", "mean", "wait", "scratch", "correction", "make that",
                        "rather", "actually", "no,"}) {
    if (lower.find(w) != std::string::npos) any_marker = true;
  }
  if (!any_marker) return std::nullopt;
  std::smatch m;
  if (!std::regex_search(lower, m, marker)) return std::nullopt;
  const size_t cut = static_cast<size_t>(m.position(0));
  const size_t rest = cut + static_cast<size_t>(m.length(0));
  const std::string_view before = text.substr(0, cut), after = text.substr(rest);
  if (CountWords(before) < 2 || CountWords(after) < 1) return std::nullopt;
  return std::make_pair(before, after);
}

}  // namespace

QuestionIntent Interpret(std::string_view question, const StoreNames& names, CivilDate as_of,
                         const QuestionIntent* previous) {
  question = question.substr(0, kMaxQuestionBytes);
  if (auto correction = SelfCorrection(question)) {
    // "which weekday had the most orders... sorry, which date": the later words win. The
    // correction reads as a follow-up to what it corrects, so it replaces only what it names.
    QuestionIntent first = Interpret(correction->first, names, as_of, previous);
    if (first.metric.empty() || NamesAFigure(correction->second)) {
      // The correction names its own figure: read alone; a short one ("no, by order count")
      // keeps what it does not replace, a whole question only the period.
      QuestionIntent alone = Interpret(correction->second, names, as_of, previous);
      if (!alone.out_of_scope.empty() || first.metric.empty() || alone.metric.empty())
        return alone.metric.empty() && alone.out_of_scope.empty() ? first : alone;
      if (CountWords(correction->second) > 6) {
        if (alone.period.empty() && alone.base_period.empty()) alone.period = first.period;
        return alone;
      }
      const std::string metric = alone.metric;
      QuestionIntent merged = Overlay(std::move(first), alone);
      merged.metric = metric;
      return merged;
    }
    QuestionIntent second = Interpret(correction->second, names, as_of, &first);
    if (!second.out_of_scope.empty()) return second;
    return Overlay(std::move(first), second);
  }
  const std::vector<std::string_view> sentences = Sentences(question);
  if (sentences.size() < 2) return InterpretText(question, names, as_of, previous);
  // The asking sentence: the last one with a question mark, else the last one.
  std::string_view asking = sentences.back();
  for (auto it = sentences.rbegin(); it != sentences.rend(); ++it) {
    if (it->find('?') != std::string_view::npos) {
      asking = *it;
      break;
    }
  }
  QuestionIntent whole = InterpretText(question, names, as_of, previous);
  QuestionIntent focused = InterpretText(asking, names, as_of, previous);
  if (focused.metric.empty() || !focused.out_of_scope.empty()) return whole;
  if (!whole.out_of_scope.empty() || whole.metric.empty() || whole.metric != focused.metric) {
    // The other sentences pulled the figure elsewhere ("We ran a promo last week. How many
    // orders...?" is not a coupon question): the asking sentence's figure, with their period.
    if (focused.period.empty() && whole.out_of_scope.empty()) focused.period = whole.period;
    return focused;
  }
  // Same figure: the whole message keeps what the other sentences add ("... than last month?
  // by how much %"), but a period the asking sentence names is the one asked about.
  if (!focused.period.empty() && focused.period != whole.period && whole.compare.empty())
    whole.period = focused.period;
  return whole;
}

namespace {

QuestionIntent InterpretText(std::string_view question, const StoreNames& names, CivilDate as_of,
                             const QuestionIntent* previous) {
  QuestionIntent in;
  std::string raw(question.substr(0, kMaxQuestionBytes));
  std::vector<std::string> tokens = Tokenize(NormalizeText(raw));
  if (tokens.size() > 120) tokens.resize(120);
  // "hey clever, how many ...": a greeting naming the assistant, not a customer called "hey
  // clever".
  static const std::set<std::string> kGreetings = {"hey",  "hi", "hello", "ok",
                                                   "okay", "yo", "dear"};
  if (tokens.size() > 2 && kGreetings.count(tokens[0]) != 0 && tokens[1] == "clever")
    tokens.erase(tokens.begin(), tokens.begin() + 2);
  // "twenty twenty-four", "twenty twenty five": a year in words.
  static const std::map<std::string, int> kOnes = {{"one", 1},   {"two", 2},   {"three", 3},
                                                   {"four", 4},  {"five", 5},  {"six", 6},
                                                   {"seven", 7}, {"eight", 8}, {"nine", 9}};
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i] != "twenty" || tokens[i + 1].rfind("twenty", 0) != 0) continue;
    int year = 2020;
    size_t used = 2;
    const std::string& second = tokens[i + 1];
    if (second.size() > 7 && second[6] == '-' && kOnes.count(second.substr(7))) {
      year += kOnes.at(second.substr(7));
    } else if (second == "twenty" && i + 2 < tokens.size() && kOnes.count(tokens[i + 2])) {
      year += kOnes.at(tokens[i + 2]);
      used = 3;
    } else if (second != "twenty") {
      continue;
    }
    tokens[i] = std::to_string(year);
    tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                 tokens.begin() + static_cast<std::ptrdiff_t>(i + used));
  }
  // "refunded-status orders": the status word, then "status".
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string& w = tokens[i];
    if (w.size() <= 7 || w.compare(w.size() - 7, 7, "-status") != 0) continue;
    w.resize(w.size() - 7);
    tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1, "status");
  }
  // "twenty-one days", "forty five days": a tens word with a ones word is one number.
  static const std::map<std::string, int> kTens = {{"twenty", 20}, {"thirty", 30}, {"forty", 40},
                                                   {"fifty", 50},  {"sixty", 60},  {"seventy", 70},
                                                   {"eighty", 80}, {"ninety", 90}};
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& w = tokens[i];
    const size_t dash = w.find('-');
    if (dash != std::string::npos) {
      auto tens = kTens.find(w.substr(0, dash));
      auto ones = kOnes.find(w.substr(dash + 1));
      if (tens != kTens.end() && ones != kOnes.end())
        tokens[i] = std::to_string(tens->second + ones->second);
      continue;
    }
    auto tens = kTens.find(w);
    if (tens == kTens.end() || i + 1 >= tokens.size()) continue;
    auto ones = kOnes.find(tokens[i + 1]);
    if (ones == kOnes.end()) continue;
    tokens[i] = std::to_string(tens->second + ones->second);
    tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1);
  }
  static const std::regex slash_date(R"((\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?)");
  // "12/24-12/31", "10/1-10/15", "12/24/2025-12/31/2025": two slash dates joined by a dash are
  // a range, read like "12/24 to 12/31".
  static const std::regex slash_range(
      R"((\d{1,2}/\d{1,2}(?:/\d{2}|/\d{4})?)-(\d{1,2}/\d{1,2}(?:/\d{2}|/\d{4})?))");
  for (size_t i = 0; i < tokens.size(); ++i) {
    // "jan-mar", "January-March": two months joined by a dash are a range too.
    const size_t dash = tokens[i].find('-');
    if (dash != std::string::npos && MonthNumber(tokens[i].substr(0, dash)) > 0 &&
        MonthNumber(tokens[i].substr(dash + 1)) > 0) {
      const std::string second = tokens[i].substr(dash + 1);
      tokens[i] = tokens[i].substr(0, dash);
      tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1, {"to", second});
      continue;
    }
    std::smatch rm;
    if (tokens[i].find('/') == std::string::npos || !std::regex_match(tokens[i], rm, slash_range))
      continue;
    const std::string from = rm.str(1), to = rm.str(2);
    tokens[i] = from;
    tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1, {"to", to});
  }
  // "12/2025": that month.
  static const std::regex month_slash_year(R"((0?[1-9]|1[0-2])/(20\d\d))");
  for (std::string& w : tokens) {
    std::smatch ym;
    if (w.find('/') == std::string::npos || !std::regex_match(w, ym, month_slash_year)) continue;
    w = ToLower(kMonthNames[std::stoi(ym.str(1))]) + " " + ym.str(2);
  }
  bool month_first = names.month_first_dates;
  for (const std::string& w : tokens) {
    std::smatch dm;
    if (w.find('/') != std::string::npos && std::regex_match(w, dm, slash_date) &&
        std::stoi(dm.str(1)) > 12)
      month_first = false;  // "15/10": this question writes the day first
  }
  for (auto& t : tokens) {
    // "last month's revenue", "this year's orders": the possessive of a period word.
    for (const char* w : {"today", "yesterday", "week", "month", "quarter", "year", "day"}) {
      if (t == std::string(w) + "'s" || t == std::string(w) + "s'") t = w;
    }
    auto it = NumberWords().find(t);
    if (it != NumberWords().end()) t = it->second;
    if (t == "#1" || t == "no.1") t = "top";  // "the #1 product"
    // "year-to-date", "month-to-date": the words the period rules read.
    for (const char* w : {"year-to-date", "quarter-to-date", "month-to-date", "week-to-date"}) {
      if (t == w) std::replace(t.begin(), t.end(), '-', ' ');
    }
    // "1.6.2025", "15.06.2025", "1.6.25": a dotted date is day first, always.
    static const std::regex dotted_date(R"((\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}))");
    std::smatch dd;
    if (t.find('.') != std::string::npos && std::regex_match(t, dd, dotted_date)) {
      const int day = std::stoi(dd.str(1)), month = std::stoi(dd.str(2));
      std::string y = dd.str(3);
      if (y.size() == 2) y = "20" + y;
      if (month >= 1 && month <= 12 && day >= 1 && day <= 31)
        t = std::to_string(day) + " " + ToLower(kMonthNames[month]) + " " + y;
    }
    // British words: "punters" are customers, "how much trade" is sales, "top 5 goods/lines"
    // products (after a rank word only: "cost of goods" stays);
    // "the tax year" is a year, not the tax collected.
    if (t == "punters" || t == "punter") t = t == "punters" ? "customers" : "customer";
    if (t == "trade" && &t != tokens.data() && (*(&t - 1) == "much" || *(&t - 1) == "of"))
      t = "sales";
    // ("sales tax year to date" keeps its tax: only "the/this/last tax year" is a year.)
    static const std::set<std::string> kYearOwners = {"the",  "this",    "last",     "our", "my",
                                                      "next", "current", "previous", "new"};
    if (t == "tax" && &t != tokens.data() && &t + 1 != tokens.data() + tokens.size() &&
        *(&t + 1) == "year" && kYearOwners.count(*(&t - 1)) != 0)
      t = "financial";
    if ((t == "goods" || t == "lines") && &t != tokens.data()) {
      const std::string& before = *(&t - 1);
      static const std::set<std::string> kRankWords = {"top", "best", "worst", "bottom",
                                                       "best-selling"};
      if (kRankWords.count(before) != 0 || std::all_of(before.begin(), before.end(), ::isdigit))
        t = "products";
    }

    if (t == "no" && &t + 1 != tokens.data() + tokens.size() && *(&t + 1) == "of")
      t = "number";  // "no. of orders"
    // "30d", "2w": days and weeks written short. "'24": a two-digit year.
    if (t.size() >= 2 && t.size() <= 5 && std::all_of(t.begin(), t.end() - 1, ::isdigit)) {
      if (t.back() == 'd') t = t.substr(0, t.size() - 1) + " days";
      if (t.back() == 'w') t = t.substr(0, t.size() - 1) + " weeks";
    }
    if (t.size() == 3 && t[0] == '\'' && std::isdigit(static_cast<unsigned char>(t[1])) &&
        std::isdigit(static_cast<unsigned char>(t[2]))) {
      t = "20" + t.substr(1);
    }
    // "14/11/2025", "1/10": day/month[/year]; month first only when the day would be over 12
    // ("11/14/2025"), or in a US-dollar store unless another date of the question is clearly day
    // first ("1/10 to 15/10"). Written as words the period rules read ("14 november 2025").
    std::smatch sm;
    if (t.find('/') != std::string::npos && std::regex_match(t, sm, slash_date)) {
      int a = std::stoi(sm.str(1)), b = std::stoi(sm.str(2));
      if ((b > 12 && a <= 12) || (month_first && a <= 12)) std::swap(a, b);  // month/day
      if (a >= 1 && a <= 31 && b >= 1 && b <= 12) {
        std::string y = sm[3].matched ? sm.str(3) : "";
        if (y.size() == 2) y = "20" + y;
        t = std::to_string(a) + " " + ToLower(kMonthNames[b]) + (y.empty() ? "" : " " + y);
      }
    }
    // "12%" / "$50" keep their number.
    while (!t.empty() && (t.back() == '?' || t.back() == '.')) t.pop_back();
  }

  // ---------------------------------------------------------------- the store's own names
  StripPossessives(tokens);
  std::vector<EntityHit> hits = MatchEntities(tokens, names, raw);
  std::vector<std::string> work = tokens;
  std::vector<bool> in_entity(tokens.size(), false);
  for (const EntityHit& h : hits) {
    for (int i = h.start; i < h.start + h.length; ++i) in_entity[static_cast<size_t>(i)] = true;
  }
  static const std::regex ranked_compound(
      "(best|top|worst|least|fast|fastest|slow|slowest|most|highest|lowest|poorest|"
      "biggest)-?(selling|seller|sellers|sold|performing|moving|earning|grossing|spending|"
      "spender|spenders|paying|value)");
  for (size_t i = 0; i < work.size(); ++i) {
    if (in_entity[i]) continue;
    std::smatch m;
    if (work[i] == "month-over-month" || work[i] == "week-over-week" ||
        work[i] == "year-over-year" || work[i] == "day-over-day" ||
        work[i] == "quarter-over-quarter") {
      std::string w = work[i];
      std::replace(w.begin(), w.end(), '-', ' ');
      work[i] = w;
    } else if (std::regex_match(work[i], m, ranked_compound)) {
      work[i] = std::string(m[1]) + " " + std::string(m[2]);  // one slot, two words in the text
    } else {
      work[i] = CorrectWord(work[i]);
    }
  }
  // Statuses and countries are vocabulary too: keep their words in the text for the rules.
  std::string s = " ";
  for (size_t i = 0; i < work.size(); ++i) {
    bool placeholder = false;
    for (const EntityHit& h : hits) {
      if (static_cast<int>(i) == h.start && IsNamedKind(h.e->kind)) {
        s += "<" + h.e->kind + "> ";
        placeholder = true;
      }
    }
    if (placeholder) continue;
    bool inside = false;
    for (const EntityHit& h : hits) {
      if (static_cast<int>(i) > h.start && static_cast<int>(i) < h.start + h.length &&
          IsNamedKind(h.e->kind)) {
        inside = true;
      }
    }
    if (!inside) s += work[i] + " ";
  }

  // ---------------------------------------------------------------- periods
  const Text with_periods{s};  // the text before time expressions are blanked out
  Periods periods = FindPeriods(s, as_of);
  Text t{s};

  // ---------------------------------------------------------------- entities -> filters
  const NamedEntity* product = nullptr;
  const NamedEntity* variation = nullptr;
  const NamedEntity* category = nullptr;
  const NamedEntity* customer = nullptr;
  const NamedEntity* coupon = nullptr;
  const NamedEntity* method = nullptr;
  const NamedEntity* country = nullptr;
  std::vector<std::string> statuses;
  std::vector<int64_t> product_ids;
  for (const EntityHit& h : hits) {
    const std::string& k = h.e->kind;
    if (k == "product") {
      if (!product) product = h.e;
      if (product && product->name == h.e->name)
        product_ids.push_back(std::atoll(h.e->key.c_str()));
    } else if (k == "variation" && !variation) {
      variation = h.e;
    } else if (k == "category" && !category) {
      category = h.e;
    } else if (k == "customer" && !customer) {
      customer = h.e;
    } else if (k == "coupon" && !coupon) {
      coupon = h.e;
    } else if (k == "payment_method" && !method) {
      method = h.e;
    } else if (k == "country" && !country) {
      country = h.e;
    } else if (k == "order_status") {
      if (std::find(statuses.begin(), statuses.end(), h.e->key) == statuses.end()) {
        statuses.push_back(h.e->key);
      }
    }
  }
  // A code the store does not have stands in as the coupon, so the question's figure is chosen
  // as for a known code; Bind then says there is no such coupon.
  NamedEntity unknown_coupon;
  if (!coupon && previous == nullptr) {
    if (auto code = UnknownCouponCode(t.s, question)) {
      unknown_coupon.kind = "coupon";
      unknown_coupon.key = *code;
      unknown_coupon.name = *code;
      coupon = &unknown_coupon;
      in.unknown_coupon = *code;
    }
  }
  // "orders over $500", "orders above 5k", "orders worth less than 20 dollars": a condition on an
  // order's value, which no metric applies; the answer must not be the count of every order.
  static const std::regex order_value(
      " orders? (?:that |which )?(?:were |are |was |is )?(?:worth |valued at |of |with a total of "
      "|with totals? |totall?ing )?(?:over|above|more than|greater than|bigger than|larger "
      "than|exceeding|under|"
      "below|less than|smaller than|at least|at most) (?:\\$ "
      "?\\d[\\d,.]*k?|\\d[\\d,.]*k|\\d[\\d,.]* ?"
      "(?:dollars|bucks|usd|eur|euros|aud|gbp|pounds))(?= |$)");
  std::smatch value_match;
  if (t.s.find(" order") != std::string::npos && std::regex_search(t.s, value_match, order_value))
    in.unsupported_filter = "an order's value (\"" + Trim(value_match.str(0)) + "\")";
  // Orders "waiting to be shipped" are the ones WooCommerce calls processing (paid, not yet
  // completed): the merchant's word for the status, not a shipping-carrier question.
  if (statuses.empty() && t.Any({"waiting to be shipped",
                                 "waiting to ship",
                                 "waiting to go out",
                                 "awaiting shipment",
                                 "awaiting shipping",
                                 "waiting for shipment",
                                 "to be shipped",
                                 "need to be shipped",
                                 "needs to be shipped",
                                 "need shipping",
                                 "not shipped",
                                 "not yet shipped",
                                 "unshipped",
                                 "unfulfilled",
                                 "awaiting fulfilment",
                                 "awaiting fulfillment",
                                 "to fulfil",
                                 "to fulfill",
                                 "ready to ship",
                                 "still to ship",
                                 "left to ship",
                                 "waiting to be processed",
                                 "to be processed",
                                 "need processing",
                                 "needs processing",
                                 "awaiting processing"})) {
    statuses.push_back("processing");
  }
  // "the coffee scale", "Colombia Huila bags": a category or country word right next to a named
  // product describes it ("bags" of beans); it is not a second filter that would empty the answer.
  if (product != nullptr) {
    int p_start = -1, p_end = -1;
    for (const EntityHit& h : hits) {
      if (h.e == product) {
        p_start = h.start;
        p_end = h.start + h.length;
      }
    }
    for (const EntityHit& h : hits) {
      const bool adjacent = h.start + h.length == p_start || h.start == p_end ||
                            (h.start >= p_start && h.start < p_end);
      if (!adjacent || p_start < 0) continue;
      if (h.e == category) category = nullptr;
      if (h.e == country) country = nullptr;
    }
  }
  // A variation whose whole name matched is more specific than its parent product.
  if (variation && product && std::atoll(product->key.c_str()) == variation->parent_id) {
    product = nullptr;
    product_ids.clear();
  }

  // ---------------------------------------------------------------- out of scope
  // why: speed (the alternation is slow in std::regex and searched twice per question; a text
  // without any alternative's leading words cannot match, see MayMatchAlternation)
  static const std::string oos_pattern(
      " (traffic|visits?|visitors?|sessions?|page ?views?|pageviews|bounce|conversion|conversions|"
      "abandoned|abandonment|carts?(?! "
      "discount)|ads|adverts?|advertising|adwords|roas|cpc|impressions|clicks|"
      "campaigns?|social|instagram|facebook|tiktok|pinterest|twitter|youtube|newsletters?|"
      "mailing|subscribers|marketing|reviews?|ratings?|stars|competitors?|competition|amazon|ebay|"
      "etsy|walmart|cogs|profits?|profitable|margins?|markup|rent|expenses?|salary|salaries|"
      "payroll|wages|staff|employees?|rota|shifts|scheduled|schedule|tickets?|helpdesk|zendesk|"
      "tracking|track|shipments?|dhl|fedex|usps|carriers?|labels?|weather|temperature|rain|"
      "forecast|forecasts|predict|prediction|projected|projection|suppliers?|vendors?|wholesale|"
      "inflation|gdp|unemployment|bitcoin|crypto|nasdaq|seo|google analytics|analytics|"
      "website|web site|homepage|landing|email list|exchange rate|stock market|stock price|"
      "share price|interest rate|lottery|horoscope|recipe|capital of|president|football|soccer|"
      "basketball|baseball|hockey|tennis|nfl|nba|world cup|olympics|election|elections|news|"
      "movie|movies|film|tv show|joke|poem|song|lyrics|visited|visit|ad spend|ad|cac|tax rates?|"
      "influencers?|sponsors?|sponsorship|inspect|inspected|inspection|economy|carbon|footprint|"
      "emissions|google ranking|search ranking|search engine|"
      "vat rates?|satisfaction|csat|domain authority|backlinks|"
      "acquisition cost|likes|followers|blog|blog posts?|net promoter|nps|delivery time|"
      "transit time|how long|search console|staff hours|seo|ctr|open rate|unsubscribes?|viewed|"
      "views|page|pages|warehouse|warehouses|age|ages|aged|gender|genders|birthday|birthdays|"
      "shopify|bigcommerce|squarespace|wix|magento|prestashop|postal|strike|strikes|"
      "time on site|time on the site|churn|churned|churning|fraud|fraudulent|shelf life|"
      "break even|break-even|breakeven|phone number|phone numbers|home address|sizing|"
      "abusing|abuse|industry|benchmark|other stores|other shops|average store|click-through|"
      "click through|clickthrough|clicked|couriers?|delays|delayed|banners?|gst rates?|"
      "sales tax rates?|camp ?sites?|campgrounds?|restaurants?|hotels?|near me|weight|weighs|"
      "dimensions|suited|suitable|unsubscribed|unsubscribing|tax returns? (?:is |are )?due|"
      "tax returns? deadline|filing deadline|corporation tax|income tax|tax bill|hmrc|royal "
      "mail|walked into|walk-ins?|walk ins|bank balance|account balance|retention cost|"
      "cost per (?:voucher|coupon|customer|acquisition|click|lead|install)|keywords?|"
      "search terms?|estimated tax|file (?:our |my |the )?taxes|email "
      "opens?|"
      "opened (?:our |the |my |an |a )?(?:\\S+ )?(?:\\S+ )?e-?mails?|"
      "added (?:\\S+ )?(?:\\S+ )?to (?:their |the |a |his |her )?(?:basket|cart)s?) ");
  static const std::regex oos(oos_pattern);
  static const AlternationIndex oos_prefixes = AlternationPrefixes(oos_pattern);
  static const std::regex action(
      "^ (please |can you |could you |pls )?(send|create|make (a|an|new|me "
      "a)|cancel|delete|remove|update|email|e-mail|"
      "refund (order|the|this|that|my|customer|#|\\d)|issue "
      "(a|an)|publish|mark|post|reply|ship|print|apply|restock|"
      "reorder|order more|write|call|text|notify|disable|enable|archive|approve|contact|set up "
      "(a|an)|"
      "set (the|my|a)|change (the|my)|increase (the|my)|decrease (the|my)|raise (the|my)|lower "
      "(the|my)|"
      "add (a|an|new)|generate "
      "(a|an)|schedule|book|block|ban|reset|edit|rename|duplicate|import|export) ");
  static const std::regex cost_words(" (cost of goods|cost|costs|spend on|spent on|spending on) ");
  static const std::regex future(
      " (next (week|month|quarter|year)|tomorrow|will we|going to|expected to|will i|what "
      "will|will "
      "(sales|revenue|orders|we|i|it) be|how "
      "(much|many)"
      "( \\w+)* should (i|we)|christmas stock|should i|should we|likely to|tax do i owe|"
      "do i owe|do we owe) ");
  std::string oos_topic;
  std::smatch om;
  // The question's own words, less the store's names ("Alpine Rain Jacket" is not weather).
  std::string plain = " ";
  for (size_t i = 0; i < tokens.size(); ++i) {
    bool named = false;
    for (const EntityHit& h : hits) {
      // A name of two words or more ("Alpine Rain Jacket"); one word may be a stray match.
      named = named || (h.length >= 2 && static_cast<int>(i) >= h.start &&
                        static_cast<int>(i) < h.start + h.length && IsNamedKind(h.e->kind));
    }
    plain += named ? std::string("<name> ") : tokens[i] + " ";
  }
  std::string unhyphenated = plain;  // "facebook-acquired"
  std::replace(unhyphenated.begin(), unhyphenated.end(), '-', ' ');
  if ((MayMatchAlternation(t.s, oos_prefixes) && std::regex_search(t.s, om, oos)) ||
      (MayMatchAlternation(plain, oos_prefixes) && std::regex_search(plain, om, oos)) ||
      (MayMatchAlternation(unhyphenated, oos_prefixes) && std::regex_search(unhyphenated, om, oos)))
    oos_topic = Trim(om.str(1));
  // "compared to other coffee shops", "the average store": other businesses.
  static const std::regex other_businesses(
      " (?:other|similar|competing|rival) (?:\\S+ )?(?:shops|stores|businesses|retailers|brands|"
      "sellers|merchants) ");
  if (oos_topic.empty() && t.Has("other") && std::regex_search(t.s, other_businesses))
    oos_topic = "other businesses";
  // "how much time do customers spend on the site" (not what they spend).
  if (oos_topic.empty() && t.Has("time") && t.Any({"spend on", "spent on"}) &&
      t.Any({"site", "website", "store", "shop"}))
    oos_topic = "time on site";
  // Fees a gateway other than WooPayments charges are not in the synced data.
  if (oos_topic.empty() && method != nullptr && t.Any({"fee", "fees", "charge", "charges"}) &&
      !t.Any({"woopayments", "woo payments", "payout", "payouts", "deposit", "deposits"}))
    oos_topic = "fees charged by " + method->name;
  // "uses of the newsletter coupon": the store's code, not a newsletter question.
  if (coupon != nullptr && !oos_topic.empty() && coupon->key == oos_topic &&
      t.Any({"coupon", "coupons", "code", "codes", "promo", "voucher", "discount", "used", "uses",
             "redeemed", "redemptions"}))
    oos_topic.clear();
  // "average ticket" is the average order value, not a support ticket.
  if ((oos_topic == "ticket" || oos_topic == "tickets") &&
      t.Any({"average ticket", "avg ticket", "ticket size", "average ticket size"}))
    oos_topic.clear();
  // "repeat visitors who had bought before": shoppers who ordered again, i.e. customers.
  if ((oos_topic == "visitors" || oos_topic == "visitor" || oos_topic == "visits") &&
      t.Any({"bought before", "ordered before", "purchased before", "who had bought",
             "who had ordered", "bought again", "ordered again"}))
    oos_topic.clear();
  // "disputes under review" is a dispute status; "orders tracking against last month" compares.
  if ((oos_topic == "review" || oos_topic == "reviews") && t.Any({"under review", "in review"}))
    oos_topic.clear();
  if ((oos_topic == "tracking" || oos_topic == "track") &&
      t.Any({"tracking against", "tracking vs", "tracking versus", "tracking compared",
             "tracking ahead", "tracking behind", "on track", "tracking up", "tracking down"}))
    oos_topic.clear();
  if ((oos_topic == "cart" || oos_topic == "carts") &&
      t.Any({"fixed cart", "fixed-cart", "cart discount", "cart coupon", "cart coupons"}))
    oos_topic.clear();
  static const std::regex sql_like(
      "(\\bselect\\b.*\\bfrom\\b|\\bdrop (table|database)\\b|\\binsert into\\b|\\bdelete from\\b|"
      "\\bunion( all)? select\\b|\\bupdate \\w+ set\\b|;\\s*--|\\balter table\\b|\\btruncate\\b|"
      "\\bpragma\\b|\\battach database\\b)",
      std::regex::icase);
  // why: speed (an icase std::regex is slow; it cannot match without one of its keywords)
  auto may_be_sql = [&] {
    const std::string low = ToLower(raw);
    for (const char* k : {"select", "drop", "insert", "delete", "union", "update", "--", "alter",
                          "truncate", "pragma", "attach"}) {
      if (low.find(k) != std::string::npos) return true;
    }
    return false;
  };
  if (oos_topic.empty() && may_be_sql() && std::regex_search(raw, sql_like))
    oos_topic = "database commands";
  if (oos_topic.empty() && raw.find("UPS") != std::string::npos) oos_topic = "carrier tracking";
  // why: speed (`action` matches only when one of the first three words is a verb of its list;
  // std::regex tries every start position even with "^")
  auto starts_with_action = [](const std::string& text) {
    static const std::set<std::string> kVerbs = {
        "send",     "create",   "make",    "cancel",  "delete",  "remove",    "update",   "email",
        "e-mail",   "refund",   "issue",   "publish", "mark",    "post",      "reply",    "ship",
        "print",    "apply",    "restock", "reorder", "order",   "write",     "call",     "text",
        "notify",   "disable",  "enable",  "archive", "approve", "contact",   "set",      "change",
        "increase", "decrease", "raise",   "lower",   "add",     "generate",  "schedule", "book",
        "block",    "ban",      "reset",   "edit",    "rename",  "duplicate", "import",   "export"};
    size_t from = 1;
    for (int i = 0; i < 3 && from < text.size(); ++i) {
      const size_t end = text.find(' ', from);
      if (end == std::string::npos) break;
      if (kVerbs.count(text.substr(from, end - from)) != 0) return true;
      from = end + 1;
    }
    return false;
  };
  if (oos_topic.empty() && ((starts_with_action(t.s) && std::regex_search(t.s, om, action)) ||
                            (starts_with_action(plain) && std::regex_search(plain, om, action)))) {
    oos_topic = "a request to change the store";
  }
  // why: speed (each alternative of cost_words contains "cost" or "spen"; of future one of the
  // words below: without them the regex cannot match)
  auto contains_any = [](const std::string& text, std::initializer_list<const char*> words) {
    for (const char* w : words) {
      if (text.find(w) != std::string::npos) return true;
    }
    return false;
  };
  if (oos_topic.empty() && contains_any(t.s, {"cost", "spen"}) &&
      std::regex_search(t.s, om, cost_words) && coupon == nullptr &&
      !t.Any({"shipping", "discount", "discounts", "coupon", "coupons", "customers", "customer",
              "code", "codes", "promo", "promos", "voucher", "vouchers", "refund", "refunds",
              "chargeback", "chargebacks", "dispute", "disputes"})) {
    oos_topic = "costs and expenses";
  }
  if (oos_topic.empty() &&
      contains_any(t.s, {"next ", "tomorrow", "will", "going to", "expected to", "should", "likely",
                         "owe", "christmas stock"}) &&
      std::regex_search(t.s, om, future) &&
      (!t.Any({"payout", "payouts", "deposit", "deposits", "deadline", "expire", "expires",
               "expiring"}) ||
       t.Any({"next week", "next month", "next quarter", "next year"}))) {
    oos_topic = "forecasts";
  }
  // "when will my next payout arrive": a date WooPayments has not fixed yet; the pending amount
  // is answerable ("how much is pending"), the arrival is not.
  if (oos_topic.empty() && t.Has("when") && t.Any({"payout", "payouts", "deposit", "deposits"}) &&
      t.Any(
          {"will", "arrive", "arriving", "land", "hit", "come", "coming", "expect", "get paid"}) &&
      !t.Any({"last", "latest", "previous", "did"}))
    oos_topic = "future payout dates";
  // Store words that make "stock"/"tracking" etc. legitimate are handled by the specific regexes
  // above (stock market, stock price); a product name never reaches them (it is a placeholder).
  if (!oos_topic.empty()) {
    in.out_of_scope = oos_topic;
    return in;
  }

  // ---------------------------------------------------------------- shared cues
  static const std::regex top_n(
      " (?:top|best|first|bottom|worst|leading|biggest|largest|highest|lowest) (\\d+) ");
  static const std::regex n_noun(
      " (\\d+) "
      "(?:best|top|most|biggest|largest|highest|worst|least|products|product|items|customers|"
      "clients|buyers|countries|categories|coupons|codes|coupon|days|dates|months|methods|reasons|"
      "skus|variants|variations|sizes) ");
  const bool how_many_early = t.Any({"how many", "number of", "count"});
  std::optional<int> n = FirstNumber(t.s, top_n);
  if (!n) n = FirstNumber(t.s, n_noun);
  Text no_at_least{t.s};
  for (size_t pos; (pos = no_at_least.s.find(" at least ")) != std::string::npos;)
    no_at_least.s.replace(pos, 10, " ");
  const bool ascending =
      no_at_least.Any({"least", "worst", "fewest", "lowest", "bottom", "slowest", "smallest",
                       "cheapest", "least expensive", "weakest", "quietest", "slowest selling"});
  const bool ranking =
      ascending || n.has_value() ||
      t.Any({"top",          "best",         "most",    "highest",    "biggest",
             "largest",      "leading",      "popular", "bestseller", "bestsellers",
             "best selling", "best-selling", "busiest", "strongest",  "favourite",
             "favorite",     "number one",   "rank",    "record day", "record month",
             "peak day",     "peak month",   "ranking", "ranked",     "which"}) ||
      (t.s.rfind(" who ", 0) == 0 && !how_many_early);
  // "top 10 customers by number of orders" ranks by a count; it does not ask for one.
  Text no_by_count{t.s};
  for (const char* by_count : {" by the number of ", " by number of ", " by count of ",
                               " by order count ", " by count "}) {
    for (size_t pos; (pos = no_by_count.s.find(by_count)) != std::string::npos;)
      no_by_count.s.replace(pos, std::string_view(by_count).size(), " by ");
  }
  const bool how_many =
      no_by_count.Any({"how many", "number of", "count", "count of", "how often", "no of", "#"});
  // "by how much %" asks the size of a change, not for money.
  const bool how_much = (t.Any({"how much"}) && !t.Any({"by how much"})) ||
                        t.Any({"total", "amount", "value", "sum", "worth", "dollars", "$"});
  const bool money_words = t.Any({"take",        "took",
                                  "taken",       "sales",
                                  "revenue",     "revenues",
                                  "takings",     "turn over",
                                  "turned over", "turnover",
                                  "income",      "made",
                                  "make",        "earn",
                                  "earned",      "earnings",
                                  "brought",     "bring",
                                  "gross",       "money",
                                  "dollars",     "spent",
                                  "spend",       "spending",
                                  "value",       "worth",
                                  "sold for",    "generated",
                                  "generate",    "add up to",
                                  "adds up to",  "added up to",
                                  "come to",     "came to",
                                  "amount to",   "amounted to",
                                  "grossing",    "revenue-generating",
                                  "earning",     "earners",
                                  "money-making"});
  const bool percent_words = t.Any(
      {"percent", "percentage", "%", "share", "proportion", "ratio", "rate", "fraction", "pct"});
  // "new vs returning" contrasts two groups, not two periods: a bare "vs"/"versus" compares only
  // when a period (blanked to ~) or a period word follows it.
  static const std::regex vs_period(
      " (?:vs|versus) (?:the )?(?:~|last|previous|prior|same|this|year|month|week|day|quarter)");
  const bool vs_only = t.Any({"vs", "versus"}) &&
                       !t.Any({"compared", "compare", "comparison", "against", "growth", "change",
                               "increase", "decrease", "difference", "than", "trend"});
  const bool vs_not_periods = vs_only && !t.Re(vs_period);
  // "raised against us" is not a comparison.
  const bool against_us = t.Any({"against us", "against me", "against our", "against my"});
  const bool compare_words =
      (!vs_not_periods &&
       !(against_us && !t.Any({"vs", "versus", "compared", "compare", "growth"})) &&
       t.Any({"vs",
              "versus",
              "compared",
              "compare",
              "comparison",
              "against",
              "growth",
              "grow",
              "grew",
              "change",
              "changed",
              "up or down",
              "increase",
              "decrease",
              "increased",
              "decreased",
              "difference",
              "trend",
              "than",
              "month over month",
              "week over week",
              "year over year",
              "yoy",
              "mom",
              "up or down"})) ||
      // "are sales down on last month", "up on the same month last year".
      with_periods.Any({"down on last", "up on last", "down on the same", "up on the same",
                        "down on the previous", "up on the previous", "down on this",
                        "up on this"}) ||
      t.s.find(" up on ~") != std::string::npos || t.s.find(" down on ~") != std::string::npos;
  const bool orders_words = t.Any(
      {"orders", "order", "purchases", "purchase", "transactions", "transaction", "checkouts"});

  std::string dim;
  auto dim_from_by = [&]() -> std::string {
    static const std::regex by(
        " (?:by|per|for each|each|across|split by|broken down by|break(?:down)? (?:it |that |this "
        ")?(?:down )?by|grouped by) (product "
        "types?|day|days|date|week|weeks|month|months|weekday|weekdays|day of "
        "the "
        "week|year|years|product|products|item|items|category|categories|country|countries|"
        "customer|customers|client|clients|coupon|coupons|code|codes|payment method|payment "
        "methods|method|methods|gateway|status|statuses|reason|reasons|variation|variations|"
        "variant|variants|size|sizes|colour|color|sku|skus|location|region|product "
        "types?|types?) ");
    std::smatch m;
    std::string w;
    // "items purchased by customers": who did it, not a breakdown.
    static const std::regex agent(
        " (?:purchased|bought|ordered|placed|made|spent|paid|used|redeemed) by (?:our |my |the )?"
        "(?:customers|clients|buyers|shoppers|people) ");
    // why: speed (every alternative of `by` is one of these words between spaces)
    const bool by_words = t.Any({"by", "per", "each", "across"});
    if (by_words && std::regex_search(t.s, m, by) && !std::regex_search(t.s, agent)) w = m[1];
    if (w.empty()) {
      if (t.Has("daily"))
        w = "day";
      else if (t.Has("weekly"))
        w = "week";
      else if (t.Has("monthly") || t.Has("month by month") || t.Has("month over month"))
        w = "month";
    }
    if (w.empty()) return "";
    if (w == "day" || w == "days" || w == "date") return "day";
    if (w == "week" || w == "weeks") return "week";
    if (w == "month" || w == "months") return "month";
    if (w == "weekday" || w == "weekdays" || w == "day of the week") return "weekday";
    if (w == "year" || w == "years") return "year";
    if (w == "product" || w == "products" || w == "item" || w == "items" || w == "sku" ||
        w == "skus")
      return "product";
    if (w == "category" || w == "categories") return "category";
    if (w == "type" || w == "types" || w == "product type" || w == "product types") return "type";
    if (w == "country" || w == "countries" || w == "location" || w == "region") return "country";
    if (w == "customer" || w == "customers" || w == "client" || w == "clients") return "customer";
    if (w == "coupon" || w == "coupons" || w == "code" || w == "codes") return "coupon";
    if (w == "status" || w == "statuses") return "status";
    if (w == "reason" || w == "reasons") return "reason";
    if (w == "variation" || w == "variations" || w == "variant" || w == "variants" || w == "size" ||
        w == "sizes" || w == "colour" || w == "color")
      return "variation";
    return "payment_method";
  };
  dim = dim_from_by();
  if (dim.empty() && t.Any({"day of the week", "weekday", "days of the week"})) dim = "weekday";

  // The entity noun of a ranking question ("which country ...", "top 3 products").
  auto rank_noun = [&]() -> std::string {
    if (t.Any({"day of the week", "weekday", "days of the week"})) return "weekday";
    if (t.Any({"size", "sizes", "colour", "color", "colours", "colors", "variant", "variants",
               "variation", "variations"}))
      return "variation";
    if (t.Any({"category", "categories", "collection", "collections", "department", "departments"}))
      return "category";
    if (t.Any({"country", "countries", "where", "market", "markets", "region"})) return "country";
    if (t.Any({"coupon", "coupons", "promo", "codes", "code", "voucher", "vouchers"}))
      return "coupon";
    if (t.Any({"payment method",
               "payment methods",
               "method",
               "methods",
               "gateway",
               "gateways",
               "pay with",
               "paid with",
               "payment option",
               "payment type",
               "how do most customers pay",
               "way to pay",
               "ways to pay",
               "way of paying",
               "ways of paying",
               "way customers paid",
               "ways customers paid",
               "way people paid",
               "how do customers pay",
               "how customers pay",
               "how do people pay",
               "how most customers pay",
               "how do most people pay"}))
      return "payment_method";
    if (t.Any({"customer", "customers", "client", "clients", "buyer", "buyers", "shopper",
               "shoppers", "who", "spenders", "spender"}))
      return "customer";
    if (t.Any({"product",      "products",      "item",           "items",      "sku",
               "skus",         "seller",        "sellers",        "sold best",  "sells best",
               "selling best", "sold the most", "sells the most", "bestseller", "bestsellers",
               "best selling", "best-selling",  "selling",        "thing",      "things"}))
      return "product";
    if (t.Any({"date", "dates", "day", "days"})) return "day";
    if (t.Any({"month", "months"})) return "month";
    if (t.Any({"week", "weeks"})) return "week";
    return "";
  };

  auto set_rank = [&](const std::string& d) {
    in.dimension = d;
    if (n) {
      in.limit = *n;
      in.single = *n == 1;
    } else {
      bool plural = t.Any({"products", "items", "customers", "clients", "countries", "categories",
                           "coupons", "codes", "days", "dates", "months", "methods", "skus",
                           "sellers", "bestsellers", "buyers", "variants", "sizes", "weeks"});
      if (plural && !t.Any({"which one", "the most", "the best", "best seller", "bestseller",
                            "top seller", "number one", "the top"})) {
        in.limit = t.Any({"top", "bottom", "best", "worst"}) ? 5 : 10;
        if (t.Any({"top", "bottom"})) in.notes.push_back("top 5 unless a number is given");
      } else {
        in.limit = 1;
        in.single = true;
      }
    }
    in.ascending = ascending;
  };

  // ---------------------------------------------------------------- topic rules
  // "the biggest refund we paid out" is a refund: "paid out" alone names payouts only without it.
  const bool refund_paid_out =
      t.Any({"refund", "refunds"}) && !t.Any({"payout", "payouts", "deposit", "deposits"});
  const bool payouts = !refund_paid_out && t.Any({"payout",
                                                  "payouts",
                                                  "deposit",
                                                  "deposits",
                                                  "paid out",
                                                  "pay out",
                                                  "pays out",
                                                  "pending balance",
                                                  "available balance",
                                                  "balance",
                                                  "paying out",
                                                  "payed out",
                                                  "transfers to my bank",
                                                  "transfer to my bank",
                                                  "bank transfers",
                                                  "to my bank",
                                                  "to the bank",
                                                  "bank account",
                                                  "settlements",
                                                  "settlement",
                                                  "transfer to me",
                                                  "transferred to me",
                                                  "transfer to us",
                                                  "transferred to us",
                                                  "hit the bank",
                                                  "hit my bank",
                                                  "hit our bank",
                                                  "landed in the bank",
                                                  "paid me out",
                                                  "paid us out",
                                                  "pay us out",
                                                  "pay me out",
                                                  "paid out to",
                                                  "paid into",
                                                  "into my account",
                                                  "into our account",
                                                  "into my bank",
                                                  "into our bank",
                                                  "deposited into"});
  const bool disputes = t.Any({"dispute", "disputes", "disputed", "chargeback", "chargebacks",
                               "charge back", "charge backs"});
  const bool net_words =
      t.Any({"net sales", "net revenue", "after refunds", "minus refunds", "less refunds",
             "excluding refunds", "net of refunds", "net takings", "net income", "net turnover",
             "taking refunds off", "refunds taken off", "refunds off", "after taking refunds",
             "after taking off refunds"});
  // "customers who returned to buy again" came back; "people returning stuff" asked for refunds.
  const bool came_back = t.Any(
      {"returned to buy", "returned to order", "returned to shop", "buy again", "bought again",
       "ordered again", "come back", "came back", "purchased again", "ordered before",
       "bought before", "purchased before", "bought from us before", "ordered from us before",
       "purchased from us before", "shopped with us before", "had bought", "had ordered"});
  const bool refunds =
      !net_words &&
      ((t.Any({"refund", "refunds", "refunded amount", "money back", "reimbursed", "returns",
               "returned", "return rate", "rate of returns"}) &&
        !came_back) ||
       t.Any({"returning stuff", "returning items", "returning products", "returning things",
              "returning orders", "send back", "sending back", "sent back", "send things back",
              "hand back", "handed back", "gave back", "given back", "give back", "paid back"}) ||
       (t.Has("refunded") && !orders_words) || (t.Has("refunded") && percent_words) ||
       (t.Has("refunded") && t.Any({"how much", "total", "amount", "value", "money"})));
  const bool coupons =
      coupon ||
      t.Any({"coupon", "coupons", "promo", "promos", "promo code", "promo codes", "voucher",
             "vouchers", "discount code", "discount codes", "discount", "discounts", "discounted",
             "codes", "which code", "what code", "the code", "code was", "code used"});
  // "About to run out" is low stock (not yet sold out); "ran out" is out of stock. Coupons can
  // "run out" too (used up), so those words mean stock only when no coupon is mentioned.
  const bool running_out_soon =
      !coupons && t.Any({"about to run out", "running out", "going to run out", "will run out",
                         "run out soon", "close to running out", "almost out", "nearly out",
                         "almost sold out", "nearly sold out"});
  // "Dead stock" is products that did not sell ([M-UNSOLD]), not a stock level.
  // "how many grouped products do you stock": the catalogue, not stock levels.
  const bool stock =
      !t.Any({"dead stock", "dead inventory"}) &&
      !(how_many && t.Any({"do you stock", "do we stock", "we stock", "you stock"})) &&
      (t.Any({"stock",         "inventory",    "sold out",   "in stock",
              "out of stock",  "low on",       "hit zero",   "do we have 2 or fewer",
              "or fewer of",   "or less of",   "restocking", "restocked",
              "replenish",     "replenishing", "reordering", "running low",
              "left in stock", "units left",   "restock",    "on hand",
              "warehouse",     "stockout",     "stockouts"}) ||
       (t.Has("left") && t.Any({"units", "unit", "items", "item", "only"})) ||
       t.Any(
           {"down to their last", "down to the last", "last couple of units", "last few units"}) ||
       (t.Any({"or fewer left", "or less left", "or fewer remaining", "or less remaining"}) &&
        !t.Any({"days", "weeks", "sold", "orders"})) ||
       (t.Any({"or fewer", "or less"}) && t.Any({"units", "unit"}) &&
        !t.Any({"sold", "sell", "orders", "bought"})) ||
       t.Any({"unavailable", "currently unavailable"}) || running_out_soon ||
       (!coupons && t.Any({"run out", "ran out"})));
  const bool unpaid = t.Any({"unpaid",
                             "awaiting payment",
                             "not been paid",
                             "not paid",
                             "haven't paid",
                             "haven't been paid",
                             "havent been paid",
                             "hasn't been paid",
                             "not yet paid",
                             "aren't paid",
                             "isn't paid",
                             "still to be paid",
                             "awaiting payments",
                             "need to be paid",
                             "needs to be paid",
                             "still need paying",
                             "waiting to be paid",
                             "havent paid",
                             "have not paid",
                             "outstanding",
                             "owed",
                             "owe",
                             "waiting for payment",
                             "waiting on payment",
                             "yet to pay",
                             "yet to be paid"});
  const bool pending_status = t.Any({"pending payment", "payment pending"}) && !unpaid;
  // "how much money did we receive": money received is payments received (M-PAYMENTS-RECEIVED).
  const bool money_received =
      t.Any({"money did we receive", "money we received", "money have we received",
             "money was received", "money came in", "money received", "money did we get in",
             "cash did we receive", "cash came in", "cash received", "cash we received"});
  const bool payments = method != nullptr || unpaid || money_received ||
                        (t.Any({"way do most customers pay",
                                "way customers paid",
                                "ways customers paid",
                                "way people paid",
                                "way do customers pay",
                                "ways do customers pay",
                                "how do most customers pay",
                                "how do customers pay",
                                "how do people pay",
                                "of our customers pay",
                                "customers pay at checkout",
                                "customers prefer to pay",
                                "do our customers pay",
                                "way to pay",
                                "ways to pay",
                                "way of paying",
                                "ways of paying",
                                "payment method",
                                "payment methods",
                                "paid with",
                                "paid by",
                                "paid via",
                                "paid using",
                                "pay with",
                                "pay by",
                                "pay via",
                                "payment",
                                "payments",
                                "gateway",
                                "gateways",
                                "paid through",
                                "checkout option",
                                "got paid",
                                "were paid",
                                "was paid",
                                "paid orders",
                                "orders paid",
                                "way to pay",
                                "ways to pay",
                                "way of paying",
                                "ways of paying",
                                "how do most customers pay",
                                "how do customers pay",
                                "how customers pay",
                                "how do people pay",
                                "how most customers pay",
                                "how do most people pay",
                                "payment failed",
                                "failed to pay"}) &&
                         !pending_status);
  const bool order_metric =
      net_words ||
      (how_many && !customer && t.Any({"products", "items", "units"}) &&
       t.Any({"buy", "bought", "purchase", "purchased", "order", "ordered"}) &&
       !t.Any({"how many customers", "how many clients", "how many buyers", "how many people"})) ||
      t.Any({"shipping", "postage", "delivery fees", "delivery charges", "delivery", "tax", "taxes",
             "vat", "gst", "average order value", "aov", "items per order", "basket size",
             "average basket"});
  const bool people =
      !(order_metric && customer == nullptr) &&
      (customer != nullptr ||
       t.Any({"customer",   "customers",     "client",  "clients",       "buyer",   "buyers",
              "spenders",   "spender",       "shopper", "shoppers",      "people",  "account",
              "accounts",   "signups",       "signup",  "sign ups",      "sign up", "signed up",
              "registered", "registrations", "members", "who",           "who's",   "whos",
              "who've",     "ltv",           "clv",     "lifetime value"}));

  std::string metric;

  if (money_received && method == nullptr && !payouts && !disputes && !unpaid &&
      !t.Any({"refund", "refunds", "refunded"})) {
    metric = how_many ? "payments_received" : "payments_received_amount";
  } else if (payouts && !disputes) {
    if (t.Any({"pending", "not yet paid", "not paid out", "in transit", "upcoming", "on the way",
               "waiting", "to be paid out", "awaiting", "next", "scheduled", "expected", "not yet",
               "yet to arrive", "on its way", "coming"}))
      metric = "pending_payouts";
    else if (t.Any({"failed", "canceled", "cancelled", "bounced"}))
      metric = "failed_payouts";
    else if (t.Any({"last", "latest", "most recent", "recent", "previous"}) &&
             periods.found.empty()) {
      metric = t.Any({"when", "what date", "which date", "what day", "which day", "date"}) &&
                       !t.Any({"how much", "amount", "how big", "size", "value"})
                   ? "last_payout_date"
                   : "last_payout";
    } else if (t.Any({"largest", "biggest", "highest"}))
      metric = "largest_payout";
    else if (t.Any({"average", "avg", "typical", "mean"}))
      metric = "avg_payout";
    else if (how_many)
      metric = "payout_count";
    else
      metric = "payouts_total";
    if (dim == "day" || dim == "month") in.dimension = dim;
  } else if (disputes) {
    if (t.Any({"win rate", "success rate", "won percentage"}) ||
        (percent_words && t.Any({"won", "win"})))
      metric = "dispute_win_rate";
    else if (t.Any({"deadline", "due", "respond by", "evidence", "due date"}))
      metric = "next_dispute_deadline";
    else if (t.Any({"need a response", "needs a response", "need response", "needs response",
                    "needing a response", "needing response", "require a response",
                    "requires a response", "respond", "response", "reply", "action", "attention",
                    "awaiting response"}))
      metric = "disputes_needing_response";
    else if (t.Any({"under review", "in review", "being reviewed"}) && !t.Any({"open", "active"})) {
      // WooPayments' own status: the bank is reviewing the evidence [M-DISPUTES].
      metric = (how_much && !how_many) || t.Any({"money", "amount", "value", "dollars"})
                   ? "dispute_amount"
                   : "dispute_count";
      in.statuses = {"under_review", "warning_under_review"};
    } else if (t.Any({"open", "active", "ongoing", "unresolved", "pending", "currently",
                      "in progress", "still"})) {
      // "how much money is tied up in open disputes": their amount, not how many.
      if ((how_much && !how_many) ||
          t.Any({"money", "amount", "value", "dollars", "at stake", "tied up", "worth"})) {
        metric = "dispute_amount";
        in.statuses = {"needs_response", "warning_needs_response", "under_review",
                       "warning_under_review"};
      } else {
        metric = "open_disputes";
      }
    } else {
      metric = (how_much && !how_many) || t.Any({"money", "amount", "value", "cost", "dollars"})
                   ? "dispute_amount"
                   : "dispute_count";
      if (t.Any({"lost", "lose", "losing", "gone against us", "went against us", "go against us",
                 "ruled against", "decided against"}))
        in.statuses = {"lost"};
      else if (t.Any({"won", "win", "winning"}))
        in.statuses = {"won"};
      if (t.Any({"reason", "reasons", "why", "cause"}))
        set_rank("reason");
      else if (dim == "reason" || dim == "status" || dim == "month")
        in.dimension = dim;
    }
  } else if (refunds && (percent_words || !t.Any({"fully refunded orders", "orders marked refunded",
                                                  "orders are refunded", "orders were refunded",
                                                  "refunded status", "status refunded"}))) {
    // "are refunds up compared to last month (%)": the percentage is the change, not a rate.
    const bool percent_is_change =
        compare_words && !t.Any({"rate", "share", "proportion", "ratio", "of orders", "of sales"});
    if ((percent_words && !percent_is_change) || t.Any({"rate", "how often"}))
      metric = "refund_rate";
    else if (t.Any({"reason", "reasons", "why", "cause", "causes"})) {
      metric = "refund_count";
      set_rank("reason");
    } else if ((ranking || product) && rank_noun() == "product") {
      metric = "refunded_units";
      if (product) {
        in.product_ids = product_ids;
        in.product = product->name;
      } else {
        set_rank("product");
      }
    } else if (t.Any({"largest", "biggest", "highest", "single largest", "max", "maximum"}))
      metric = "largest_refund";
    else if (t.Any({"average", "avg", "typical", "mean"}))
      metric = "avg_refund";
    else if (how_many && !t.Any({"how much"}))
      metric = "refund_count";
    else
      metric = "refund_total";
    if (metric == "refund_total" || metric == "refund_count") {
      if (dim == "day" || dim == "month") in.dimension = dim;
    }
  } else if (stock && !t.Any({"stock market", "stock price"})) {
    static const std::regex thr(
        " (?:only |just |at most |under |below |less than |fewer than |or fewer|or less)?(\\d+) "
        "(?:or fewer|or less|units|unit|items|item|left|pieces|in stock)");
    static const std::regex thr2(" (?:\\d+) (?:or|and|to) (\\d+) ");
    static const std::regex thr_below(" (?:under|below|less than|fewer than) (\\d+) ");
    if (!running_out_soon &&
        t.Any({"out of stock",   "sold out",     "none left",     "no stock",
               "zero stock",     "unavailable",  "hit zero",      "hit 0",
               "at zero",        "at 0",         "reached zero",  "down to zero",
               "zero inventory", "no inventory", "none in stock", "nothing in stock",
               "0 in stock",     "stockout",     "stockouts",     "out-of-stock",
               "run out",        "ran out"}))
      metric = "out_of_stock";
    else if ((running_out_soon ||
              t.Any({"low", "running low", "low on", "few left", "almost out", "nearly out", "only",
                     "left", "reorder", "restock", "restocking", "replenish", "replenishing",
                     "reordering"})) &&
             !product && !variation) {
      metric = "low_stock";
    } else if (how_much || t.Any({"value", "worth"}))
      metric = "inventory_value";
    else if (product || variation)
      metric = "stock_level";
    else
      metric = "low_stock";
    if (metric == "low_stock") {
      // "3 or fewer" is T = 3; "fewer than 3" is T = 2 ([M-LOW-STOCK]).
      std::optional<int> th = FirstNumber(t.s, thr2);
      if (!th) th = FirstNumber(t.s, thr);
      if (!th) th = FirstNumber(t.s, thr_below);
      if (th) {
        int v = *th;
        if (t.Any({"under", "below", "less than", "fewer than"}) && !t.Any({"or fewer", "or less"}))
          v -= 1;
        if (v > 0) in.threshold = v;
      }
      if (in.threshold == 0) in.notes.push_back("low stock means 5 units or fewer");
    }
  } else if (coupons &&
             ((ranking && t.Any({"coupons", "codes", "coupon", "code"})) ||
              !t.Any({"discount total", "total discount", "total discounts", "discounts given",
                      "discount given", "how much discount", "discounts did", "discount did"}))) {
    // Built once, not per question (performance-only edit, qbench, session 3).
    static const std::regex kPercentOff(" \\d+% off ");
    static const std::regex kNotExpired(
        " (?:haven't|havent|have not|hasn't|hasnt|has not|not|not yet|didn't|didnt|did not) "
        "(?:\\w+ )?expired? ");
    std::string ctype;
    if (t.Any({"fixed cart", "fixed-cart", "cart discount", "fixed basket", "fixed-basket",
               "basket discount"}))
      ctype = "fixed_cart";
    else if (t.Any({"fixed product", "fixed-product", "product discount"}))
      ctype = "fixed_product";
    else if ((t.Any({"percent", "percentage", "%", "percent-off", "percentage-off"}) ||
              t.Re(kPercentOff)) &&
             !t.Any({"share", "of orders"}))
      ctype = "percent";
    if ((t.Any({"valid", "active", "still", "usable", "live", "available", "running", "current",
                "currently", "can be used", "working", "right now", "at the moment", "can use",
                "can customers use", "redeemable", "in effect", "unexpired"}) ||
         t.Re(kNotExpired)) &&
        !coupon)
      metric = "active_coupons";
    else if (t.Any({"expired", "expire", "expiring", "no longer valid"}) && !coupon)
      metric = "expired_coupons";
    else if (t.Any({"unused", "never used", "not used", "not been used", "never been used",
                    "nobody used", "no one used", "zero uses"}))
      metric = "unused_coupons";
    else if (!ctype.empty() && !coupon && !ranking) {
      metric = "coupon_count";
      in.type = ctype;
    } else if (coupon) {
      in.coupon = coupon->key;
      // "times the loyalty10 discount was applied" counts uses.
      const bool counted = t.Any({"times", "applied", "redeemed", "uses", "used", "usage"});
      metric = (how_much ||
                t.Any({"discount", "saved", "save", "cost", "gave", "given", "give away"})) &&
                       !how_many && !(counted && !how_much)
                   ? "coupon_discount"
                   : "coupon_uses";
      if (money_words && t.Any({"sales", "revenue", "brought", "generated", "made"}) &&
          !t.Has("discount"))
        metric = "gross_sales";
    } else if (!coupon && !ranking && !how_many &&
               t.Any({"knocked off", "taken off", "money off", "off orders", "off the orders",
                      "knock off", "knocking off", "$ off", "dollars off", "off with"})) {
      metric = "discount_total";  // "money knocked off orders by coupons"
      in.dimension.clear();
      dim.clear();
    } else if (!coupon && !ranking && !how_many && dim.empty() &&
               (t.Any({"savings", "saved", "save", "saving", "cost", "cost us", "given away",
                       "give away", "gave away"}) ||
                (how_much && t.Any({"discounted", "discount", "discounts"})))) {
      // What customers saved with coupons is the discount they were given ([M-DISCOUNTS]).
      metric = "discount_total";
    } else if (t.Any({"orders with a coupon", "orders used a coupon", "orders that used a coupon",
                      "used a coupon", "with a coupon", "with coupons", "used coupons",
                      "using a coupon", "coupon orders"}) ||
               (percent_words && orders_words)) {
      if (percent_words)
        metric = "coupon_order_share";
      else if (t.Any({"average", "aov", "avg"}))
        metric = "coupon_aov";
      else
        metric = "coupon_orders";
    } else if (ranking) {
      Text no_code_noun{t.s};  // "discount code" names the coupon, not the ranking figure
      for (const char* noun : {" discount codes ", " discount code "}) {
        for (size_t pos; (pos = no_code_noun.s.find(noun)) != std::string::npos;)
          no_code_noun.s.replace(pos, std::string_view(noun).size(), " code ");
      }
      metric = no_code_noun.Any({"discount", "discounts", "gave away", "saved", "value", "amount",
                                 "money", "cost", "most expensive", "dollars"}) &&
                       !no_code_noun.Any({"used", "uses", "redeemed", "usage", "popular"})
                   ? "coupon_discount"
                   : "coupon_uses";
      set_rank("coupon");
    } else if (how_many && t.Any({"coupons", "coupon codes", "codes", "vouchers"}) &&
               !orders_words && !t.Any({"used", "uses", "redeemed", "times"})) {
      metric = "coupon_count";
    } else if (t.Any({"discount", "discounts", "discounted"}) && !how_many) {
      metric = "discount_total";
    } else if (dim == "coupon" ||
               t.Any({"each coupon", "per coupon", "coupon usage", "coupon use", "coupon uses",
                      "coupons used", "redeemed", "redemptions"})) {
      metric = how_much && !how_many ? "coupon_discount" : "coupon_uses";
      if (dim == "coupon" || !how_many) in.dimension = "coupon";
      if (!how_many) in.limit = 0;
      if (how_many && dim != "coupon") in.dimension.clear();
      if (how_many && in.dimension.empty()) metric = "coupon_orders";
    } else {
      metric = "coupon_uses";
      in.dimension = "coupon";
    }
  } else if (coupons) {
    metric = "discount_total";
  } else if (payments && !(people && customer) && !(order_metric && !unpaid && !method)) {
    if (unpaid)
      metric = (how_much && !how_many) ? "unpaid_value" : "unpaid_orders";
    else if (t.Any({"enabled", "accept", "accepted", "offer", "offered", "available", "set up",
                    "configured", "active", "turned on", "support"}) &&
             !ranking && !method)
      metric = "enabled_gateways";
    else if ((t.Any({"payments received", "received payments", "payments came in",
                     "payments did we receive", "payments were received",
                     "payments have we received", "payments we received", "got paid", "paid orders",
                     "were paid", "was paid", "payments did we get", "payments were made",
                     "payments came", "orders paid", "orders that were paid", "orders got paid"}) ||
              money_received) &&
             !method) {
      metric = how_much && !how_many ? "payments_received_amount" : "payments_received";
    } else if (t.Any({"failed payment", "failed payments", "payment failures", "payments failed",
                      "payment failed", "declined", "failed to pay", "payment was declined"})) {
      metric = "order_count";
      in.statuses = {"failed"};
    } else if (method && (percent_words)) {
      metric = money_words && !t.Any({"orders"}) ? "payment_revenue_share" : "payment_share";
      in.payment_method = method->key;
    } else if (method) {
      in.payment_method = method->key;
      if (how_many || (orders_words && !money_words))
        metric = "order_count";
      else if (t.Any({"average", "aov", "avg"}))
        metric = "avg_order_value";
      else
        metric = "gross_sales";
    } else if (percent_words || t.Any({"mix", "breakdown", "split", "distribution"})) {
      metric = money_words ? "payment_revenue_share" : "payment_share";
      in.dimension = "payment_method";
      if (ranking) set_rank("payment_method");
    } else if (ranking || t.Any({"payment method", "payment methods"})) {
      metric = money_words && !t.Any({"used", "orders"}) ? "gross_sales" : "order_count";
      if (ranking)
        set_rank("payment_method");
      else
        in.dimension = "payment_method";
    } else if (t.Any({"payments", "payment"}) && how_many) {
      metric = "payments_received";
    } else if (t.Any({"payments", "payment"}) && how_much) {
      metric = "payments_received_amount";
    } else {
      metric = "order_count";
      in.dimension = "payment_method";
    }
  } else if (people &&
             !(product && !customer && !t.Any({"who", "customers", "buyers", "people"}))) {
    std::optional<int> times;
    static const std::regex at_least(
        " (?:at least|minimum of|min) (\\d+) (?:times|orders|purchases) ");
    static const std::regex more_than(" (?:more than|over) (\\d+) (?:times|orders|purchases) ");
    static const std::regex n_or_more(
        " (\\d+) (?:(?:or more|plus|\\+) (?:times|orders|purchases)|(?:times|orders|purchases) or "
        "more) ");
    static const std::regex n_times(" (\\d+) (?:times|orders|purchases) ");
    if (auto v = FirstNumber(t.s, at_least))
      times = *v;
    else if (auto v2 = FirstNumber(t.s, more_than))
      times = *v2 + 1;
    else if (auto v3 = FirstNumber(t.s, n_or_more))
      times = *v3;
    else if (t.Any({"more than once", "multiple times", "again and again", "repeatedly",
                    "twice or more", "more than one order", "more than 1 order",
                    "more than one purchase", "more than 1 purchase", "multiple orders"}))
      times = 2;
    // "3+ orders": the plus sign is dropped by normalisation, so read it in the raw text.
    static const std::regex n_plus("(\\d+) ?\\+ ?(?:orders|times|purchases)");
    std::smatch plus_match;
    if (!times && std::regex_search(raw, plus_match, n_plus))
      times = std::atoi(plus_match.str(1).substr(0, 6).c_str());
    if (customer && !ranking) {
      in.customer_key = customer->key;
      in.customer = customer->name;
      if ((how_many && (orders_words || t.Any({"how many times", "how often"}))) ||
          (!money_words && (!how_much || t.Any({"total orders", "total number of orders"})) &&
           t.Any({"orders placed", "orders from", "orders by", "orders of", "number of orders",
                  "order count", "count of orders", "orders made", "total orders", "purchases"})) ||
          // "chris walsh orders", "Chris Walsh, orders?": the orders, counted.
          (!money_words && !how_much && t.Has("orders") &&
           !t.Any({"average", "aov", "avg", "items", "units", "largest", "biggest", "last",
                   "latest", "first", "recent"})))
        metric = "order_count";
      else if (t.Any({"average", "aov", "avg"}))
        metric = "avg_order_value";
      else if (how_many && t.Any({"items", "units"}))
        metric = "items_sold";
      else
        metric = "customer_spend";
    } else if (t.Any({"paying customers", "paying customer", "non-paying", "non paying",
                      "nonpaying"})) {
      metric = t.Any({"non-paying", "non paying", "nonpaying"}) ? "non_paying_customers"
                                                                : "paying_customers";
    } else if (t.Any({"account", "accounts", "signups", "signup", "sign ups", "sign up",
                      "signed up", "registered", "registrations", "register", "joined", "members",
                      "created an account"})) {
      metric = periods.found.empty() ? "registered_customers" : "new_signups";
    } else if (t.Any({"lapsed", "haven't ordered", "havent ordered", "have not ordered",
                      "not ordered", "inactive", "churned", "stopped ordering", "not bought",
                      "haven't bought", "not purchased", "haven't purchased", "not come back",
                      "lost customers"})) {
      metric = "lapsed_customers";
      for (const auto& [pos, spec] : periods.found) {
        if (spec.rfind("last_days:", 0) == 0) in.threshold = std::atoi(spec.c_str() + 10);
        if (spec == "last_month") in.threshold = 30;
        if (spec == "last_year") in.threshold = 365;
        if (spec.rfind("last_months:", 0) == 0) in.threshold = 30 * std::atoi(spec.c_str() + 12);
      }
      periods.found.clear();
      if (in.threshold == 0) in.notes.push_back("lapsed means no order in the last 90 days");
    } else if (t.Any({"lifetime value", "ltv", "clv", "lifetime spend"}) && !ranking) {
      metric = "avg_ltv";
    } else if (times && !ranking) {
      metric = percent_words ? "repeat_rate" : "repeat_customers";
      in.threshold = *times;
    } else if (t.Any({"repeat", "loyal", "come back", "came back", "returned", "ordered again",
                      "bought again", "purchased again", "second order", "more than once",
                      "repeat customers", "repeat buyers"}) &&
               // "repeat buyers in the last 30 days" asks who came back in that period
               // (returning customers); M-REPEAT itself has no period.
               (periods.found.empty() || (percent_words && t.Has("repeat") && !came_back)) &&
               !t.Has("returning")) {
      metric = percent_words ? "repeat_rate" : "repeat_customers";
    } else if (came_back || t.Any({"returning", "existing", "came back", "come back",
                                   "bought again", "ordered again", "repeat"})) {
      metric = "returning_customers";
      if (money_words && !how_many) {
        metric = "gross_sales";
        in.customer_type = "returning";
      }
    } else if (with_periods.Any({"first ever"}) ||  // "ever" alone is a period word
               t.Any({"new", "brand-new", "brand new", "first-time", "first time", "first order",
                      "first purchase", "first-ever", "new buyers", "newly"})) {
      metric = "new_customers";
      if (money_words && !how_many) {
        metric = "gross_sales";
        in.customer_type = "new";
      }
    } else if (ranking && (!how_many || t.Any({"rank", "top", "ranking", "ranked"}))) {
      const bool by_orders =
          t.Any({"orders", "order count", "most orders", "placed", "most often", "frequent",
                 "frequently", "purchases", "number of orders", "times"}) &&
          !t.Any({"spend", "spent", "spending", "money", "revenue", "value"});
      metric = by_orders ? "order_count" : "customer_spend";
      if (t.Any({"items", "units"})) metric = "items_sold";
      set_rank("customer");
    } else if (t.Any({"average orders", "orders per customer", "average number of orders"})) {
      metric = "avg_orders_per_customer";
    } else if (t.Any({"average spend", "average customer", "spend per customer",
                      "spent per customer", "average spent"})) {
      metric = "avg_ltv";
    } else if ((how_much || t.Any({"what did", "what have"})) && !how_many && customer == nullptr &&
               t.Any({"spend", "spent", "spending", "sell", "sold", "make", "made", "earn",
                      "earned", "bring in", "brought in", "take in", "took in"})) {
      // "how much have customers in Canada spent": what they paid is the store's sales.
      metric = "gross_sales";
    } else if (!how_many && t.Any({"revenue", "sales", "takings", "turnover", "income"})) {
      // "revenue from Canadian customers": the customers only say whose orders count.
      metric = "gross_sales";
    } else if (country && how_many && !orders_words) {
      metric = "customers_in_country";
      in.country = country->key;
    } else if (dim == "country" && !orders_words) {
      metric = "customers_in_country";
    } else if (product || category) {
      metric = "customer_count";
    } else if (how_many || t.Any({"customers", "clients", "buyers"})) {
      metric = "customer_count";
    }
    if (metric == "customer_count" && dim == "country" && !orders_words) {
      metric = "customers_in_country";
    }
  }

  // ------------------------------------------------------------ products / categories / orders
  if (metric.empty()) {
    std::string ptype;
    if (t.Any({"grouped"}))
      ptype = "grouped";
    else if (t.Any({"external", "affiliate"}))
      ptype = "external";
    else if (t.Any({"variable"}))
      ptype = "variable";
    else if (t.Any({"simple"}))
      ptype = "simple";
    const bool catalog_q =
        how_many &&
        (t.Any({"products", "product", "items", "listed", "catalogue", "catalog", "listings",
                "skus"}) ||
         (category != nullptr && t.Any({"different", "do we carry", "we carry", "do we stock",
                                        "do you stock", "do you carry", "you carry", "do we offer",
                                        "do we have", "kinds of", "types of"}))) &&
        !t.Any({"sold", "sell", "sales", "bought", "units", "orders", "ordered", "purchased",
                "revenue", "buy", "buys", "purchase", "purchases", "went out", "out the door",
                "ship", "shipped"});
    // "which category has the most products": a count of the catalogue per category, not sales.
    const bool category_size =
        t.Any({"category", "categories"}) &&
        t.Any({"has the most products", "have the most products", "has the fewest products",
               "have the fewest products", "most products in it", "fewest products in it"}) &&
        !t.Any({"sold", "sell", "sells", "sales", "revenue", "units", "orders"});
    if (category_size) {
      metric = "product_count";
      in.dimension = "category";
      in.single = t.Any({"which", "what"});
      in.limit = in.single ? 1 : 0;
      in.ascending = t.Any({"fewest", "smallest"});
    } else if (catalog_q || (!ptype.empty() && how_many && t.Any({"products", "product"}))) {
      metric = "product_count";
      in.type = ptype;
      if (t.Any({"on sale", "discounted"})) metric = "on_sale_products";
    } else if (t.Any({"on sale"}) && !money_words) {
      metric = "on_sale_products";
    } else if (t.Any({"most expensive", "priciest", "highest price", "highest priced",
                      "highest-priced", "cheapest", "lowest price", "least expensive",
                      "lowest priced", "lowest-priced", "costliest"})) {
      metric = "product_price";
      in.dimension = "product";
      in.single = !n || *n == 1;
      in.limit = n ? *n : 1;
      in.ascending =
          t.Any({"cheapest", "lowest price", "least expensive", "lowest priced", "lowest-priced"});
    } else if (t.Any({"sold nothing",   "didn't sell",       "didnt sell",    "did not sell",
                      "no sales",       "not sold",          "unsold",        "zero sales",
                      "haven't sold",   "havent sold",       "have not sold", "not selling",
                      "never sold",     "no orders",         "sold 0",        "sold zero",
                      "without sales",  "without any sales", "nothing sold",  "dead stock",
                      "had a 1 sale",   "had a sale",        "had any sales", "had no sales",
                      "not had a sale", "zero orders",       "hasn't sold",   "hasnt sold",
                      "has not sold",   "hasn't been sold",  "hasn't moved",  "hasnt moved",
                      "haven't moved",  "havent moved",      "not moved",     "didn't move",
                      "not moving"})) {
      metric = "unsold_products";
    }
  }
  if (metric.empty()) {
    // Order-level metric words.
    std::string m2;
    if (t.Any({"average order value",
               "aov",
               "average order",
               "mean order",
               "mean basket",
               "mean sale",
               "typical order value",
               "average basket",
               "average sale",
               "average ticket",
               "average transaction",
               "average purchase",
               "average spend per order",
               "avg order",
               "basket value",
               "average order size",
               "order value",
               "typical order",
               "order worth",
               "orders worth",
               "average checkout",
               "average value of an order",
               "average value per order",
               "average value of orders",
               "value of an average order",
               "average order amount",
               "average cart",
               "spend per order",
               "per order on average",
               "revenue per order",
               "sales per order",
               "takings per order",
               "turnover per order",
               "income per order",
               "value per order",
               "spent per order",
               "per-order revenue",
               "divided by orders",
               "divided by the number of orders"}))
      m2 = "avg_order_value";
    else if (t.Any({"items per order", "units per order", "basket size", "products per order"}))
      m2 = "avg_items_per_order";
    else if (t.Any({"price per unit", "per unit", "per item", "average selling price",
                    "average price", "unit price"}))
      m2 = "avg_unit_price";
    else if (t.Any({"orders per day", "orders a day", "daily orders", "orders each day",
                    "average orders"}))
      m2 = "orders_per_day";
    else if (net_words || t.Has("net"))
      m2 = "net_sales";
    else if (t.Any({"shipping", "delivery fees", "delivery charges", "postage", "shipping fees",
                    "shipping charges", "pay for delivery", "paid for delivery"}) ||
             (t.Has("delivery") && (how_much || money_words) && !how_many))
      m2 = "shipping_collected";
    else if (t.Any({"tax", "taxes", "vat", "gst", "sales tax"}) &&
             !t.Any({"tax return", "tax returns", "for the taxman", "for my taxes"}))
      m2 = "tax_collected";
    else if (t.Any({"guest", "guests", "without an account", "without account", "not logged in"}))
      m2 = percent_words ? "guest_share" : "guest_orders";
    else if (t.Any({"largest order", "biggest order", "highest order", "largest single order",
                    "biggest single order", "biggest sale", "largest sale", "largest purchase",
                    "biggest purchase", "most expensive order", "highest value order",
                    "largest transaction", "biggest transaction"}))
      m2 = "largest_order";
    else if ((t.Any({"items", "units", "pieces", "quantity", "how many sold", "sold units",
                     "products sold", "things sold", "many things", "things did", "things have",
                     "things we"}) ||
              (how_many && t.Any({"products", "product"}) &&
               t.Any({"buy", "bought", "purchase", "purchased", "purchases", "ship", "shipped",
                      "went out", "out the door"}))) &&
             !t.Any({"revenue", "sales", "money", "value"}))
      m2 = "items_sold";
    else if (how_many && orders_words)
      m2 = "order_count";
    else if (money_words || (t.Any({"sold", "sell"}) && how_much) ||
             (t.Has("how much") && orders_words &&
              !t.Any({"volume", "number of", "count", "how many",
                      "by how much"})))  // "how much did orders to Canada total"
      m2 = "gross_sales";
    else if (orders_words ||
             t.Any({"sales count", "how many sales", "number of sales", "how many sold"}))
      m2 = "order_count";
    else if (t.Any({"sold", "sell", "selling", "seller", "sellers", "bestseller", "bestsellers",
                    "popular"}))
      m2 = (product || category || ranking) ? "items_sold" : "gross_sales";
    if (t.Any({"how many sales", "number of sales", "sales count"})) m2 = "order_count";

    if (statuses.empty() && orders_words &&
        t.Any({"all statuses", "any status", "every status", "all status", "regardless of status",
               "including cancelled", "of any status", "all orders ever"})) {
      statuses = {"pending",   "processing", "on-hold", "completed",
                  "cancelled", "refunded",   "failed",  "checkout-draft"};
      in.notes.push_back("orders of every status are counted");
    }
    if (!statuses.empty() && !t.Any({"sales", "revenue"})) {
      // Orders in a status [M-STATUS] / [M-ORDERS].
      in.statuses = statuses;
      if (m2.empty() || m2 == "items_sold") m2 = "order_count";
      if (how_much && m2 == "order_count" && !how_many) m2 = "gross_sales";
    }
    const std::string noun = rank_noun();
    if (!m2.empty() || ranking || product || category || variation) {
      const bool figure_named = !m2.empty();
      if (m2.empty())
        m2 = (product || category || variation) ? (money_words ? "product_revenue" : "items_sold")
                                                : "gross_sales";
      // Which day / month / country / product / category ...
      const bool time_rank = t.Any(
          {"which day",    "what day",      "which date",    "what date",       "best day",
           "busiest day",  "worst day",     "slowest day",   "quietest day",    "which month",
           "what month",   "best month",    "busiest month", "worst month",     "which week",
           "best week",    "which weekday", "what weekday",  "day of the week", "on what day",
           "on which day", "biggest day",   "highest day",   "strongest month", "strongest day",
           "record day",   "record month",  "best ever day", "peak day",        "peak month"});
      if (ranking && (time_rank || (!noun.empty() && noun != "customer")) &&
          m2 != "avg_order_value" && m2 != "largest_order") {
        std::string d2 = noun.empty() ? "product" : noun;
        if (time_rank && (d2 != "weekday")) {
          d2 = t.Any({"month", "months"})                              ? "month"
               : t.Any({"week", "weeks"}) && !t.Has("day of the week") ? "week"
                                                                       : "day";
        }
        if (d2 == "product" || d2 == "category" || d2 == "variation") {
          // "top 5 products" names no figure: ranked by units [M-TOP-PRODUCTS].
          if (!figure_named && !money_words && d2 != "category") m2 = "items_sold";
          if (m2 == "gross_sales" || m2 == "net_sales") m2 = "product_revenue";
          if (m2 == "order_count" && !money_words)
            m2 = t.Any({"orders", "order"}) && !t.Any({"sold", "units", "items"}) ? "product_orders"
                                                                                  : "items_sold";
          if (money_words && m2 == "items_sold" && !t.Any({"units", "items sold", "quantity"}))
            m2 = "product_revenue";
          // Category "sales" are line totals ([M-CATEGORY]): a top-selling category is by revenue
          // unless units are asked for.
          if (d2 == "category" && m2 == "items_sold" &&
              !t.Any({"units", "items", "quantity", "pieces", "items sold"}))
            m2 = "product_revenue";
        }
        if ((d2 == "day" || d2 == "month" || d2 == "week" || d2 == "weekday") &&
            t.Any({"busiest", "quietest"}) && !money_words)
          m2 = "order_count";
        // "which day did we take the most orders", "record day for number of orders".
        if ((d2 == "day" || d2 == "month" || d2 == "week" || d2 == "weekday") &&
            t.Any({"most orders", "number of orders", "order count", "orders"}) &&
            !t.Any({"sales", "revenue", "money", "value", "takings", "turnover", "income"}))
          m2 = "order_count";
        if (d2 == "country" && t.Any({"placed", "orders"}) && !money_words) m2 = "order_count";
        if (d2 == "variation" && (product || variation)) {
          if (product) {
            in.product_ids = product_ids;
            in.product = product->name;
          }
        }
        set_rank(d2);
        if (d2 == "weekday" || d2 == "week" || d2 == "month" || d2 == "day") {
          // "which month ..." is one answer.
          if (!n) {
            in.single = true;
            in.limit = 1;
          }
        }
      } else if (ranking && noun == "customer") {
        m2 = money_words ? "customer_spend" : "order_count";
        set_rank("customer");
      }
      metric = m2;
    }
  }

  // "how many products do we sell in the Kitchen category": the range the store sells (present
  // tense, no period), not units sold.
  if (how_many && category != nullptr && periods.found.empty() && previous == nullptr &&
      t.Any({"do we sell", "we sell", "do you sell", "are for sale", "are on sale in"}) &&
      t.Any({"products", "items", "different", "kinds", "types"}) &&
      !t.Any({"sold", "units", "orders", "pieces"})) {
    metric = "product_count";
    in.dimension.clear();
  }
  // ---------------------------------------------------------------- filters for all metrics
  if (metric.empty() && previous == nullptr && (product || category))
    metric = money_words ? "product_revenue" : "items_sold";
  if (in.product_ids.empty() && product && metric != "refunded_units") {
    in.product_ids = product_ids;
    in.product = product->name;
  }
  if (variation && in.variation_ids.empty()) {
    in.variation_ids = {std::atoll(variation->key.c_str())};
    in.variation = variation->name;
  }
  // The stored name (the key), which the SQL filter compares: WooCommerce escapes "&" in it.
  if (category) in.category = category->key;
  if (country && metric != "customers_in_country") in.country = country->key;
  if (country && metric == "customers_in_country") in.country = country->key;
  if (coupon && in.coupon.empty() && metric != "unused_coupons") in.coupon = coupon->key;
  // Payouts and disputes are WooPayments' own: "how much did WooPayments pay us out" names no
  // payment-method filter.
  const bool woopayments_ledger = metric.rfind("payout", 0) == 0 || metric.rfind("dispute", 0) == 0;
  if (method && in.payment_method.empty() && metric != "enabled_gateways" && !woopayments_ledger)
    in.payment_method = method->key;
  if (customer && in.customer_key.empty() && metric != "customer_spend") {
    in.customer_key = customer->key;
    in.customer = customer->name;
  }
  if (!statuses.empty() && in.statuses.empty() &&
      (metric == "order_count" || metric == "gross_sales") && !t.Any({"sales", "revenue"})) {
    in.statuses = statuses;
  }
  if (in.dimension.empty() && !dim.empty()) in.dimension = dim;
  if (!metric.empty() && in.dimension == "product" && metric == "gross_sales")
    metric = "product_revenue";

  // A product or customer named but not in this store ("how many burr grinders did we sell" in a
  // store without them) must not quietly become the store's total: the name is kept without ids
  // and Bind answers that the store has no such product or customer.
  if (!product && !variation && !category && method == nullptr && in.product_ids.empty() &&
      previous == nullptr) {
    if (auto unknown = UnknownName(t.s, UnknownNameKind::kProduct)) in.product = *unknown;
  }
  if (!customer && in.customer_key.empty() && previous == nullptr) {
    if (auto unknown = UnknownName(t.s, UnknownNameKind::kCustomer)) {
      in.customer = *unknown;
      // "how many orders has riley placed": a first name that only one customer has.
      if (unknown->find(' ') == std::string::npos) {
        const NamedEntity* only = nullptr;
        bool several = false;
        std::set<std::string> namesakes;
        for (const NamedEntity& e : names.entities) {
          if (e.kind != "customer" || e.phrases.empty() || e.phrases[0].size() < 2 ||
              e.phrases[0][0] != *unknown)
            continue;
          if (only != nullptr && only->key != e.key) several = true;
          only = &e;
          if (namesakes.size() < 5) namesakes.insert(e.name);
        }
        if (several) in.namesakes.assign(namesakes.begin(), namesakes.end());
        if (only != nullptr && !several) {
          in.customer_key = only->key;
          in.customer = only->name;
          in.notes.push_back("\"" + *unknown + "\" is taken as " + only->name +
                             ", the only customer with that first name");
        }
      }
    }
    // An e-mail address no account or guest order has.
    for (const std::string& w : tokens) {
      if (in.customer.empty() && w.find('@') != std::string::npos && w.size() >= 5) in.customer = w;
    }
  }
  // "products in the Kitchen category" in a store without one: that category, which is empty,
  // not every product.
  if (!category && !product && in.category.empty() && previous == nullptr) {
    static const std::regex in_category(
        " (?:in|under|from) (?:the |our |my )?((?:[a-z][a-z&'\\-]* ){1,3})(?:category|categories|"
        "section|department) ");
    std::smatch cm;
    if (std::regex_search(t.s, cm, in_category)) {
      std::string name = Trim(cm.str(1));
      bool vocabulary_only = true;
      for (const std::string& w : Tokenize(name)) {
        if (!PartialStopWord(w) && Vocabulary().count(w) == 0 && w != "each" && w != "every" &&
            w != "which" && w != "what" && w != "product" && w != "biggest" && w != "top")
          vocabulary_only = false;
      }
      if (!vocabulary_only) in.category = name;
    }
  }

  // "How did October compare to September?" names no figure: comparing periods of the store
  // means its sales, the documented default (metrics.md section 3), stated in the answer.
  if (metric.empty() && previous == nullptr && !periods.found.empty() &&
      (periods.found.size() >= 2 || (compare_words && !t.Has("than"))) &&
      OnlyPeriodsAndComparison(t)) {
    metric = "gross_sales";
    in.notes.push_back("no figure was named, so this compares sales (gross sales)");
  }

  // A name the store does not have, in a question whose figure was not recognised ("how many
  // times has <unknown person> bought from us"): still say the name is unknown (Bind), rather
  // than that the question is outside the data.
  if (metric.empty() && previous == nullptr && in.customer_key.empty() && !in.customer.empty() &&
      in.out_of_scope.empty()) {
    metric = money_words || how_much ? "customer_spend" : "order_count";
  }
  if (metric.empty() && previous == nullptr && in.product_ids.empty() && !in.product.empty() &&
      in.out_of_scope.empty()) {
    metric = money_words || how_much ? "product_revenue" : "items_sold";
  }

  // ---------------------------------------------------------------- periods and comparisons
  in.metric = metric;
  if (!periods.found.empty()) in.period = periods.found[0].second;
  const bool explicit_two = periods.found.size() >= 2;
  if (compare_words && !in.metric.empty()) {
    in.compare = t.Any({"difference", "how much more", "how many more", "how much less",
                        "how many fewer", "change in dollars", "absolute"}) &&
                         !t.Any({"percent", "percentage", "%"})
                     ? "change"
                     : "growth";
    if (explicit_two) in.base_period = periods.found[1].second;
    // Only a base was named ("vs the same month last year"): compare the matching current period.
    if (!explicit_two && !in.period.empty()) {
      const std::string only = in.period;
      std::string current;
      if (only == "month_last_year" || only == "mtd_last_month") current = "this_month";
      if (only == "ytd_last_year") current = "this_year";
      if (only.rfind("prev_days:", 0) == 0) current = "last_days:" + only.substr(10);
      // "net sales up or down vs last month", "orders up on last year": the period named is the
      // base; the current one is this month / year (to date) [metrics.md section 2].
      const size_t at = periods.found[0].first;
      const std::string lead = t.s.substr(0, at) + " ";
      auto ends_with = [&](const char* w) {
        const std::string x = std::string(" ") + w + " ";
        return lead.size() >= x.size() && lead.compare(lead.size() - x.size(), x.size(), x) == 0;
      };
      const bool named_as_base = ends_with("vs") || ends_with("versus") || ends_with("on") ||
                                 ends_with("than") || ends_with("compared to") ||
                                 ends_with("compared with") || ends_with("against") ||
                                 ends_with("over") || ends_with("from");
      if (current.empty() && named_as_base) {
        if (only == "last_month") current = "this_month";
        if (only == "last_year") current = "this_year";
        if (only == "last_week") current = "this_week";
        if (only == "last_quarter") current = "this_quarter";
        if (only == "yesterday") current = "today";
      }
      if (!current.empty()) {
        in.base_period = only;
        in.period = current;
      }
    }
    // "growth from last year to this year": the first period named is the base.
    if (explicit_two) {
      const size_t p0 = periods.found[0].first, p1 = periods.found[1].first;
      const std::string before = Trim(t.s.substr(0, p0)), between = t.s.substr(p0, p1 - p0);
      // "change between September and October": the first named is the base too.
      const bool between_and =
          (before == "between" ||
           (before.size() >= 8 && before.compare(before.size() - 8, 8, " between") == 0)) &&
          (between + " ").find(" and ") != std::string::npos;
      if ((before == "from" ||
           (before.size() >= 5 && before.compare(before.size() - 5, 5, " from") == 0)) &&
          (between + " ").find(" to ") != std::string::npos) {
        std::swap(in.period, in.base_period);
      } else if (between_and) {
        std::swap(in.period, in.base_period);
      } else if ((before.size() >= 6 && before.compare(before.size() - 6, 6, " up on") == 0) ||
                 (before.size() >= 8 && before.compare(before.size() - 8, 8, " down on") == 0)) {
        // "down on last month mtd": what it is down on is the base.
        std::swap(in.period, in.base_period);
      }
    }
    // "rev yoy", "year over year growth": this year so far against the same days last year.
    // "black friday sales vs last year": the same holiday a year earlier, not all of last year.
    if (in.base_period == "last_year" &&
        (in.period.rfind("black_friday", 0) == 0 || in.period.rfind("date:", 0) == 0)) {
      auto day = ResolvePeriod(in.period, as_of);
      if (day.ok() && day->start) {
        static const std::regex holiday_name(std::string(" (") + kHolidayAlt + ") ");
        std::smatch hm;
        const int year = day->start->year - 1;
        CivilDate before{year, day->start->month,
                         std::min(day->start->day, DaysInMonth(year, day->start->month))};
        if (std::regex_search(with_periods.s, hm, holiday_name))
          before = HolidayIn(hm.str(1), year);
        in.base_period = "date:" + before.ToString();
      }
    }
    const bool yoy = t.Any({"year over year", "yoy", "year on year"});
    if (yoy && in.period.empty()) {
      in.period = "this_year";
      in.base_period = "ytd_last_year";
    }
    if (in.period.empty()) in.period = "this_month";
    static const std::regex before_unit(" (?:the |that )?(year|month|week|day|quarter) before ");
    std::smatch bm;
    if (std::regex_search(t.s, bm, before_unit) && (!explicit_two || in.base_period == in.period)) {
      in.base_period = ShiftBack(in.period, bm[1]);
    }
    if (in.base_period == in.period && !in.period.empty()) {
      std::string unit = in.period.find("year") != std::string::npos    ? "year"
                         : in.period.find("week") != std::string::npos  ? "week"
                         : in.period.find("month") != std::string::npos ? "month"
                                                                        : "";
      in.base_period = ShiftBack(in.period, unit);
    }
    // "this year vs last year up to the same date", "this month vs last month (same days)".
    if (t.Any({"same date", "same day", "same days", "same point", "same time", "same period",
               "this point", "this time", "this stage", "same dates", "like for like",
               "like-for-like", "up to the same"}) ||
        with_periods.Any({"so far", "to date", "year to date", "month to date", "ytd", "mtd"})) {
      if (in.period == "this_year" && in.base_period == "last_year")
        in.base_period = "ytd_last_year";
      if (in.period == "this_month" && in.base_period == "last_month")
        in.base_period = "mtd_last_month";
    }
    if (in.base_period.empty() && t.Any({"month over month", "mom"}) && in.period == "this_month")
      in.base_period = "last_month";
    if (yoy && (in.base_period.empty() || in.base_period == DefaultBasePeriod(in.period))) {
      // The same span one year earlier: a whole month is that month last year.
      in.base_period.clear();
      auto r = ResolvePeriod(in.period, as_of);
      if (in.period != "this_year" && in.period != "this_month" && r.ok() && r->start) {
        const CivilDate a{
            r->start->year - 1, r->start->month,
            std::min(r->start->day, DaysInMonth(r->start->year - 1, r->start->month))};
        const CivilDate b{r->end.year - 1, r->end.month,
                          std::min(r->end.day, DaysInMonth(r->end.year - 1, r->end.month))};
        const bool whole_month = r->start->day == 1 && r->start->month == r->end.month &&
                                 r->start->year == r->end.year &&
                                 r->end.day == DaysInMonth(r->end.year, r->end.month);
        in.base_period = whole_month
                             ? "month:" + std::to_string(a.year) + ":" + std::to_string(a.month)
                             : "range:" + a.ToString() + ":" + b.ToString();
      }
      if (in.period == "this_year") in.base_period = "ytd_last_year";
      if (in.period == "this_month") in.base_period = "month_last_year";
    }
    if (in.base_period.empty()) {
      in.base_period = DefaultBasePeriod(in.period);
      if (!in.base_period.empty())
        in.notes.push_back("compared with the previous period of the same length");
    }
    if (t.Has("than") && !explicit_two &&
        !t.Any({"growth", "change", "vs", "versus", "compared", "by how much", "%", "percent",
                "percentage"})) {
      in.compare.clear();
      in.base_period.clear();
    }
    // "... and how does it compare? Just the YTD figure please": one figure was asked for, the
    // first period's.
    if (with_periods.Any({"just the", "just this", "only the", "give me this", "just give me",
                          "just need the", "only need the", "just want the", "only want the"}) &&
        t.Any({"number", "figure", "rate", "total", "amount", "count", "value"}) &&
        !t.Any({"change", "percentage", "percent", "%", "difference", "growth"})) {
      in.compare.clear();
      in.base_period.clear();
    }
  } else if (explicit_two && !in.metric.empty() && periods.found[1].second != in.period &&
             t.Has("and") &&
             t.Any({"combined", "together", "altogether", "in total", "put together", "total"})) {
    // "revenue in 2023 and 2024 combined": one span from the first start to the last end.
    auto a = ResolvePeriod(in.period, as_of);
    auto b = ResolvePeriod(periods.found[1].second, as_of);
    if (a.ok() && b.ok() && a->start && b->start) {
      const CivilDate from = std::min(*a->start, *b->start);
      const CivilDate to = std::max(a->end, b->end);
      in.period = "range:" + from.ToString() + ":" + to.ToString();
    }
  } else if (explicit_two && !in.metric.empty() && periods.found[1].second != in.period &&
             (t.Has("and") || t.Has("or"))) {
    // "sales in October and September": compare the two.
    in.base_period = periods.found[1].second;
    in.compare = "growth";
  }

  // Two customers with the same full name (an account and a guest, or two accounts): which one
  // is meant cannot be known, so Bind asks for the e-mail address [M-CUSTOMER-KEY].
  // Only customers with a sales order count: an account that never bought is not a namesake.
  if (customer != nullptr && in.customer_key == customer->key) {
    const std::string wanted = ToLower(customer->name);
    std::vector<const NamedEntity*> buyers;
    for (const NamedEntity& e : names.entities) {
      if (e.kind == "customer" && e.buyer && ToLower(e.name) == wanted) buyers.push_back(&e);
    }
    if (buyers.size() == 1 && buyers[0] != customer) {
      in.customer_key = buyers[0]->key;
      in.customer = buyers[0]->name;
    } else if (buyers.size() > 1) {
      in.customer_key.clear();
      for (size_t i = 0; i < buyers.size() && i < 5; ++i)
        in.namesakes.push_back(Describe(*buyers[i]));
    }
  }

  // ---------------------------------------------------------------- follow-ups
  if (previous != nullptr && previous->out_of_scope.empty() && !previous->metric.empty()) {
    const bool starts_follow =
        t.s.rfind(" and ", 0) == 0 || t.s.rfind(" what about ", 0) == 0 ||
        t.s.rfind(" how about ", 0) == 0 || t.s.rfind(" only ", 0) == 0 ||
        t.s.rfind(" same ", 0) == 0 || t.s.rfind(" now ", 0) == 0 || t.s.rfind(" just ", 0) == 0 ||
        t.s.rfind(" break ", 0) == 0 || t.s.rfind(" split ", 0) == 0 || t.s.rfind(" by ", 0) == 0 ||
        t.s.rfind(" for ", 0) == 0 || t.s.rfind(" in ", 0) == 0 || t.s.rfind(" then ", 0) == 0;
    const bool before = t.Any({"before", "the one before", "prior", "earlier"});
    if (in.metric.empty() ||
        (starts_follow && !t.Any({"sales", "orders", "revenue", "refunds", "customers", "payouts",
                                  "disputes", "coupons"}))) {
      QuestionIntent f = *previous;
      f.notes.clear();
      if (!in.period.empty()) {
        f.period = in.period;
        f.base_period = in.base_period;
        f.compare = in.compare;
      } else if (before) {
        std::string unit = t.Has("month")     ? "month"
                           : t.Has("week")    ? "week"
                           : t.Has("year")    ? "year"
                           : t.Has("day")     ? "day"
                           : t.Has("quarter") ? "quarter"
                                              : "";
        std::string shifted = ShiftBack(previous->period.empty() ? "all" : previous->period, unit);
        if (!shifted.empty()) f.period = shifted;
        f.base_period.clear();
        f.compare.clear();
      }
      if (!in.compare.empty() && in.period.empty()) {
        f.compare = in.compare;
        f.base_period = DefaultBasePeriod(f.period);
      }
      if (!dim.empty()) {
        f.dimension = dim;
        f.limit = 0;
        f.single = false;
      } else if (!in.dimension.empty()) {
        f.dimension = in.dimension;
        f.limit = in.limit;
        f.single = in.single;
        f.ascending = in.ascending;
      }
      if (f.dimension == "product" && f.metric == "gross_sales") f.metric = "product_revenue";
      if (country) f.country = country->key;
      if (product) {
        f.product_ids = product_ids;
        f.product = product->name;
      }
      if (variation) {
        f.variation_ids = {std::atoll(variation->key.c_str())};
        f.variation = variation->name;
      }
      if (category) f.category = category->key;
      if (coupon) f.coupon = coupon->key;
      if (method) f.payment_method = method->key;
      if (customer) {
        f.customer_key = customer->key;
        f.customer = customer->name;
      }
      if (!statuses.empty()) f.statuses = statuses;
      if (!in.customer_type.empty()) f.customer_type = in.customer_type;
      if (t.Any({"new customers", "new customer", "first-time"}) && f.metric != "new_customers")
        f.customer_type = "new";
      if (t.Any({"returning customers", "returning"}) && f.metric != "returning_customers")
        f.customer_type = "returning";
      f.notes.push_back("follow-up: reusing the previous question");
      return f;
    }
  }
  return in;
}

}  // namespace

}  // namespace clever::query
