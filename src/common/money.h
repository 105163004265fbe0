// Money as integer minor units (cents), never floating point. WooCommerce sends amounts as decimal
// strings ("12.50", "-10.00", "1234"); WooPayments sends integer minor units.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace clever {

// Minor units of an amount at `decimals` places. Value type.
struct Money {
  int64_t minor = 0;
  friend auto operator<=>(const Money&, const Money&) = default;
};

// Parses a WooCommerce decimal string at `decimals` places (0..4). Accepts a leading sign,
// surrounding spaces, and more fraction digits than `decimals` (rounded half away from zero, as
// WooCommerce's wc_format_decimal does). Also accepts a JSON number rendered as text
// ("1.1000000000000001" from a float). Errors: kInvalidArgument for anything else, or overflow.
StatusOr<Money> ParseMoney(std::string_view text, int decimals = 2);

// "1234.50" / "-0.05" at `decimals` places.
std::string FormatMoneyPlain(Money amount, int decimals = 2);

// Minor units -> major units as a double, for JSON output only (never for arithmetic).
double MoneyToMajor(Money amount, int decimals = 2);

// Decimal places of an ISO 4217 currency: 0 for zero-decimal currencies (JPY, KRW, VND, CLP,
// XOF, XAF, ...), else 2. Case-insensitive.
int CurrencyDecimals(std::string_view currency_code);

}  // namespace clever
