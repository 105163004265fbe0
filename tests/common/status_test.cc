#include "common/status.h"

#include <gtest/gtest.h>

namespace clever {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

StatusOr<int> Quarter(int x) {
  CLEVER_ASSIGN_OR_RETURN(int half, Half(x));
  CLEVER_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, WithContextPrefixesMessageAndKeepsCode) {
  Status s = UnavailableError("503").WithContext("fetching orders page 3");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "fetching orders page 3: 503");
  EXPECT_TRUE(IsRetryable(s));
  EXPECT_FALSE(IsRetryable(InvalidArgumentError("x")));
}

TEST(StatusTest, AssignOrReturnPropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(3).status().message(), "odd");
}

}  // namespace
}  // namespace clever
