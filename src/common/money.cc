#include "common/money.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>

namespace clever {
namespace {

constexpr std::array<int64_t, 5> kPow10 = {1, 10, 100, 1000, 10000};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

StatusOr<Money> ParseMoney(std::string_view text, int decimals) {
  if (decimals < 0 || decimals > 4) return InvalidArgumentError("money: decimals out of range");
  std::string_view s = Trim(text);
  if (s.empty()) return InvalidArgumentError("money: empty amount");
  if (s.size() > 64) return InvalidArgumentError("money: amount too long");
  bool negative = false;
  if (s.front() == '-' || s.front() == '+') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const int64_t max = std::numeric_limits<int64_t>::max() / 100;
  int64_t whole = 0;
  size_t i = 0;
  bool any_digit = false;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
    whole = whole * 10 + (s[i] - '0');
    any_digit = true;
    if (whole > max / kPow10[4]) return InvalidArgumentError("money: amount too large");
  }
  int64_t fraction = 0;
  int digits = 0;
  bool round_up = false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
      any_digit = true;
      if (digits < decimals) {
        fraction = fraction * 10 + (s[i] - '0');
        ++digits;
      } else if (digits == decimals) {
        round_up = s[i] >= '5';
        ++digits;  // only the first dropped digit decides the rounding
      }
    }
  }
  if (!any_digit || i != s.size()) {
    return InvalidArgumentError("money: not a decimal amount: '" + std::string(text.substr(0, 32)) +
                                "'");
  }
  while (digits < decimals) {
    fraction *= 10;
    ++digits;
  }
  int64_t minor = whole * kPow10[static_cast<size_t>(decimals)] + fraction + (round_up ? 1 : 0);
  return Money{negative ? -minor : minor};
}

std::string FormatMoneyPlain(Money amount, int decimals) {
  if (decimals <= 0) return std::to_string(amount.minor);
  const int64_t scale = kPow10[static_cast<size_t>(std::min(decimals, 4))];
  const bool negative = amount.minor < 0;
  const uint64_t abs = negative ? static_cast<uint64_t>(-(amount.minor + 1)) + 1
                                : static_cast<uint64_t>(amount.minor);
  const std::string fraction = std::to_string(abs % static_cast<uint64_t>(scale));
  // Built by appending: GCC 12's -Wrestrict misfires on `const char* + std::string` at -O3.
  std::string text;
  if (negative) text.push_back('-');
  text.append(std::to_string(abs / static_cast<uint64_t>(scale)));
  text.push_back('.');
  text.append(
      static_cast<size_t>(decimals) - std::min(fraction.size(), static_cast<size_t>(decimals)),
      '0');
  text.append(fraction);
  return text;
}

double MoneyToMajor(Money amount, int decimals) {
  return static_cast<double>(amount.minor) /
         static_cast<double>(kPow10[static_cast<size_t>(std::clamp(decimals, 0, 4))]);
}

int CurrencyDecimals(std::string_view currency_code) {
  static constexpr std::array<std::string_view, 16> kZeroDecimal = {
      "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
      "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
  std::string upper;
  for (char c : currency_code)
    upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view z : kZeroDecimal) {
    if (upper == z) return 0;
  }
  return 2;
}

}  // namespace clever
