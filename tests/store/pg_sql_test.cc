// The PostgreSQL backend's pure helpers (no server needed): placeholder renumbering, SQLSTATE
// mapping, result-cell conversion.
#include "store/internal/pg_sql.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace clever::store::internal {
namespace {

std::string Renumbered(std::string_view sql) {
  auto out = RenumberPlaceholders(sql);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? out->sql : "<error>";
}

TEST(RenumberPlaceholdersTest, NumbersQuestionMarksInOrder) {
  auto out = RenumberPlaceholders("SELECT * FROM t WHERE a = ? AND b IN (?, ?)");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->sql, "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)");
  EXPECT_EQ(out->param_count, 3);
  EXPECT_EQ(Renumbered("SELECT 1"), "SELECT 1");
  EXPECT_EQ(RenumberPlaceholders("")->param_count, 0);
  EXPECT_EQ(Renumbered("??"), "$1$2");
}

TEST(RenumberPlaceholdersTest, SkipsLiteralsIdentifiersAndComments) {
  EXPECT_EQ(Renumbered("SELECT '?', 'it''s ?', ?"), "SELECT '?', 'it''s ?', $1");
  EXPECT_EQ(Renumbered("SELECT \"a?\"\"b\" FROM t WHERE x = ?"),
            "SELECT \"a?\"\"b\" FROM t WHERE x = $1");
  EXPECT_EQ(Renumbered("SELECT ? -- why?\n, ?"), "SELECT $1 -- why?\n, $2");
  EXPECT_EQ(Renumbered("SELECT ? -- trailing?"), "SELECT $1 -- trailing?");
  EXPECT_EQ(Renumbered("SELECT /* ? /* nested ? */ still ? */ ?"),
            "SELECT /* ? /* nested ? */ still ? */ $1");
  EXPECT_EQ(Renumbered("SELECT E'\\'?', ?"), "SELECT E'\\'?', $1");
  EXPECT_EQ(Renumbered("SELECT e'a\\\\', ?"), "SELECT e'a\\\\', $1");
  // Without E, a backslash is an ordinary character (standard_conforming_strings).
  EXPECT_EQ(Renumbered("SELECT 'a\\', ?"), "SELECT 'a\\', $1");
  // A keyword ending in E right before a quote is not an E-string prefix.
  EXPECT_EQ(Renumbered("SELECT CASE WHEN ? THEN 'x' ELSE'\\' END, ?"),
            "SELECT CASE WHEN $1 THEN 'x' ELSE'\\' END, $2");
  EXPECT_EQ(Renumbered("SELECT $$ ? $$, $tag$ ?$$? $tag$, ?"),
            "SELECT $$ ? $$, $tag$ ?$$? $tag$, $1");
  EXPECT_EQ(Renumbered("SELECT a$b, ? FROM t$1"), "SELECT a$b, $1 FROM t$1");
  EXPECT_EQ(Renumbered("SELECT ? - -?"), "SELECT $1 - -$2");
  EXPECT_EQ(Renumbered("SELECT ?/?"), "SELECT $1/$2");
  EXPECT_EQ(Renumbered("SELECT 'caf\xc3\xa9?' || ?"), "SELECT 'caf\xc3\xa9?' || $1");
}

TEST(RenumberPlaceholdersTest, PassesNativePlaceholdersThrough) {
  auto out = RenumberPlaceholders("SELECT $2, $1, $2");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->sql, "SELECT $2, $1, $2");
  EXPECT_EQ(out->param_count, 2);
  EXPECT_EQ(RenumberPlaceholders("SELECT $1, ?").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenumberPlaceholders("SELECT $0").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenumberPlaceholders("SELECT $99999999999999999999").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(RenumberPlaceholdersTest, RejectsUnterminatedInput) {
  for (const char* bad : {"SELECT 'abc", "SELECT \"abc", "SELECT /* ? ", "SELECT /* /* */",
                          "SELECT $x$ abc", "SELECT E'\\'", "SELECT 'it''"}) {
    EXPECT_EQ(RenumberPlaceholders(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(RenumberPlaceholdersTest, HugeAndHostileInput) {
  std::string sql = "SELECT 1 WHERE x IN (";
  for (int i = 0; i < 65535; ++i) sql += i ? ",?" : "?";
  sql += ")";
  auto out = RenumberPlaceholders(sql);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->param_count, 65535);
  EXPECT_NE(out->sql.find("$65535)"), std::string::npos);
  EXPECT_EQ(RenumberPlaceholders(sql + " AND ?").status().code(), StatusCode::kInvalidArgument);

  // Binary garbage, NULs and a long run of quotes neither crash nor loop.
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage += static_cast<char>((i * 7919) % 256);
  (void)RenumberPlaceholders(garbage);
  EXPECT_EQ(Renumbered(std::string(100000, '\'')), std::string(100000, '\''));
  EXPECT_EQ(Renumbered(std::string("a\0?", 3)), std::string("a\0$1", 4));
  EXPECT_EQ(RenumberPlaceholders(std::string(100001, '"')).status().code(),
            StatusCode::kInvalidArgument);
  std::string deep;
  for (int i = 0; i < 50000; ++i) deep += "/*";
  EXPECT_EQ(RenumberPlaceholders(deep).status().code(), StatusCode::kInvalidArgument);
}

TEST(StatusFromSqlStateTest, MapsClassesToCodes) {
  struct Case {
    const char* state;
    StatusCode code;
  };
  const Case cases[] = {
      {"23505", StatusCode::kAlreadyExists},      {"23502", StatusCode::kInvalidArgument},
      {"23503", StatusCode::kInvalidArgument},    {"42601", StatusCode::kInvalidArgument},
      {"42P01", StatusCode::kInvalidArgument},    {"42703", StatusCode::kInvalidArgument},
      {"22P02", StatusCode::kInvalidArgument},    {"22003", StatusCode::kInvalidArgument},
      {"08006", StatusCode::kUnavailable},        {"08001", StatusCode::kUnavailable},
      {"40001", StatusCode::kUnavailable},        {"40P01", StatusCode::kUnavailable},
      {"57014", StatusCode::kDeadlineExceeded},   {"57P01", StatusCode::kUnavailable},
      {"55P03", StatusCode::kUnavailable},        {"53100", StatusCode::kUnavailable},
      {"42501", StatusCode::kPermissionDenied},   {"28P01", StatusCode::kUnauthenticated},
      {"25P02", StatusCode::kFailedPrecondition}, {"XX001", StatusCode::kDataLoss},
      {"XX000", StatusCode::kInternal},           {"3D000", StatusCode::kNotFound},
  };
  for (const Case& c : cases) {
    Status s = StatusFromSqlState(c.state, "boom", true);
    EXPECT_EQ(s.code(), c.code) << c.state;
    EXPECT_NE(s.message().find("boom"), std::string::npos);
    EXPECT_NE(s.message().find(c.state), std::string::npos);
  }
  EXPECT_EQ(StatusFromSqlState("", "x", true).code(), StatusCode::kInternal);
  EXPECT_EQ(StatusFromSqlState("", "x", false).code(), StatusCode::kUnavailable);
  EXPECT_EQ(StatusFromSqlState("2350", "x", true).code(), StatusCode::kInternal);
}

TEST(ValueFromPgTextTest, ConvertsByType) {
  EXPECT_EQ(std::get<int64_t>(ValueFromPgText(kInt8Oid, "-9223372036854775808")),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(std::get<int64_t>(ValueFromPgText(kInt4Oid, "42")), 42);
  EXPECT_EQ(std::get<int64_t>(ValueFromPgText(kInt2Oid, "-7")), -7);
  EXPECT_EQ(std::get<int64_t>(ValueFromPgText(kBoolOid, "t")), 1);
  EXPECT_EQ(std::get<int64_t>(ValueFromPgText(kBoolOid, "f")), 0);
  EXPECT_EQ(std::get<double>(ValueFromPgText(kFloat8Oid, "1.5")), 1.5);
  EXPECT_EQ(std::get<double>(ValueFromPgText(kFloat8Oid, "-Infinity")),
            -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(std::get<double>(ValueFromPgText(kFloat4Oid, "NaN"))));
  EXPECT_EQ(std::get<double>(ValueFromPgText(kFloat8Oid, "1e-320")), 1e-320);
  // NUMERIC: integral and in range -> int64; fractions, NaN and huge values -> double.
  EXPECT_EQ(std::get<int64_t>(ValueFromPgText(kNumericOid, "4000000004000")), 4000000004000);
  EXPECT_EQ(std::get<int64_t>(ValueFromPgText(kNumericOid, "-12")), -12);
  EXPECT_EQ(std::get<double>(ValueFromPgText(kNumericOid, "2.5000000000000000")), 2.5);
  EXPECT_EQ(std::get<double>(ValueFromPgText(kNumericOid, "3.00")), 3.0);
  EXPECT_DOUBLE_EQ(std::get<double>(ValueFromPgText(kNumericOid, "123456789012345678901234567890")),
                   1.2345678901234568e29);
  EXPECT_TRUE(std::isnan(std::get<double>(ValueFromPgText(kNumericOid, "NaN"))));
  EXPECT_EQ(std::get<double>(ValueFromPgText(kNumericOid, "0." + std::string(400, '0') + "1")),
            0.0);
  EXPECT_EQ(std::get<double>(ValueFromPgText(kNumericOid, "9" + std::string(400, '9'))),
            std::numeric_limits<double>::infinity());
  // Text, dates, json, unknown types stay text; unparsable numbers too (never a silent 0).
  EXPECT_EQ(std::get<std::string>(ValueFromPgText(kTextOid, "12")), "12");
  EXPECT_EQ(std::get<std::string>(ValueFromPgText(1082, "2025-01-31")), "2025-01-31");
  EXPECT_EQ(std::get<std::string>(ValueFromPgText(kInt8Oid, "12x")), "12x");
  EXPECT_EQ(std::get<std::string>(ValueFromPgText(kInt8Oid, "")), "");
  EXPECT_EQ(std::get<std::string>(ValueFromPgText(kNumericOid, "-")), "-");
  EXPECT_EQ(std::get<std::string>(ValueFromPgText(kBoolOid, "maybe")), "maybe");
}

}  // namespace
}  // namespace clever::store::internal
