#include "common/money.h"

#include <gtest/gtest.h>

#include <string>

namespace clever {
namespace {

TEST(MoneyTest, ParsesWooCommerceDecimalStrings) {
  EXPECT_EQ(ParseMoney("12.50")->minor, 1250);
  EXPECT_EQ(ParseMoney("-10.00")->minor, -1000);
  EXPECT_EQ(ParseMoney("1234")->minor, 123400);
  EXPECT_EQ(ParseMoney(" 0.5 ")->minor, 50);
  EXPECT_EQ(ParseMoney(".75")->minor, 75);
  EXPECT_EQ(ParseMoney("1000", 0)->minor, 1000);
}

TEST(MoneyTest, RoundsExtraDigitsHalfAwayFromZero) {
  EXPECT_EQ(ParseMoney("1.005")->minor, 101);
  EXPECT_EQ(ParseMoney("1.0049")->minor, 100);
  EXPECT_EQ(ParseMoney("-1.005")->minor, -101);
  EXPECT_EQ(ParseMoney("19.899999999999999")->minor, 1990);
}

TEST(MoneyTest, RejectsMalformedAndHugeInput) {
  for (const char* bad : {"", "abc", "1.2.3", "1e5", "--1", "12,50", "$5", "NaN", "1 2"}) {
    EXPECT_EQ(ParseMoney(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseMoney(std::string(100, '9')).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseMoney("999999999999999999").status().code(), StatusCode::kInvalidArgument);
}

TEST(MoneyTest, FormatsPlain) {
  EXPECT_EQ(FormatMoneyPlain(Money{123450}), "1234.50");
  EXPECT_EQ(FormatMoneyPlain(Money{-5}), "-0.05");
  EXPECT_EQ(FormatMoneyPlain(Money{7}, 0), "7");
  EXPECT_DOUBLE_EQ(MoneyToMajor(Money{1999}), 19.99);
}

TEST(MoneyTest, ZeroDecimalCurrencies) {
  EXPECT_EQ(CurrencyDecimals("jpy"), 0);
  EXPECT_EQ(CurrencyDecimals("USD"), 2);
}

}  // namespace
}  // namespace clever
