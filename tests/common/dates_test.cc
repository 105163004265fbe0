#include "common/dates.h"

#include <gtest/gtest.h>

namespace clever {
namespace {

TEST(CivilDateTest, RoundTripsDaysAndKnowsWeekdays) {
  CivilDate d{2025, 11, 15};
  EXPECT_EQ(CivilDate::FromDays(d.ToDays()), d);
  EXPECT_EQ(d.IsoWeekday(), 6);  // Saturday
  EXPECT_EQ((CivilDate{2024, 2, 29}.AddDays(1)), (CivilDate{2024, 3, 1}));
  EXPECT_EQ((CivilDate{2025, 3, 31}.AddMonths(-1)), (CivilDate{2025, 2, 28}));
  EXPECT_EQ((CivilDate{2025, 1, 15}.AddMonths(-1)), (CivilDate{2024, 12, 15}));
  EXPECT_EQ(d.ToString(), "2025-11-15");
}

TEST(CivilDateTest, ParsesDatesAndRejectsBadOnes) {
  EXPECT_EQ(*ParseCivilDate("2025-03-01T23:30:00"), (CivilDate{2025, 3, 1}));
  for (const char* bad :
       {"", "2025-02-30", "2025-13-01", "25-01-01", "2025/01/01", "2025-01-01X"}) {
    EXPECT_EQ(ParseCivilDate(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(LocalDateTimeTest, ParsesWooCommerceForms) {
  auto t = ParseLocalDateTime("2025-03-01T23:30:05");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->hour, 23);
  EXPECT_EQ(t->second, 5);
  EXPECT_EQ(ParseLocalDateTime("2025-11-01 04:05:06")->minute, 5);
  EXPECT_EQ(ParseLocalDateTime("2025-11-01T4:05").status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreTimeZoneTest, ConvertsWithDaylightSaving) {
  auto tz = StoreTimeZone::FromIndex("America/New_York", -5);
  EXPECT_EQ(tz.name(), "America/New_York");
  // 2025-07-01T03:00:00Z is 23:00 the day before in New York (EDT, UTC-4).
  auto summer = tz.ToLocal(LocalDateTime{{2025, 7, 1}, 3, 0, 0}.ToEpochSecondsAsUtc());
  EXPECT_EQ(summer.ToString(), "2025-06-30T23:00:00");
  // In January it is EST, UTC-5.
  auto winter = tz.ToLocal(LocalDateTime{{2025, 1, 1}, 3, 0, 0}.ToEpochSecondsAsUtc());
  EXPECT_EQ(winter.ToString(), "2024-12-31T22:00:00");
  EXPECT_EQ(tz.ToUtc(winter), (LocalDateTime{{2025, 1, 1}, 3, 0, 0}.ToEpochSecondsAsUtc()));
}

TEST(StoreTimeZoneTest, FallsBackToGmtOffset) {
  auto tz = StoreTimeZone::FromIndex("", 5.5);
  EXPECT_EQ(tz.name(), "UTC+05:30");
  EXPECT_EQ(tz.ToLocal(0).ToString(), "1970-01-01T05:30:00");
  EXPECT_EQ(StoreTimeZone::FromIndex("Not/AZone", -3).name(), "UTC-03:00");
}

}  // namespace
}  // namespace clever
