// The long kill -9 series (label `slow`): 20 trials on a larger store.
#include <gtest/gtest.h>

#include "tests/sync/sync_testing.h"

namespace clever::sync::testing {
namespace {

TEST(SyncKillSlow, TwentyKill9TrialsEndIdentical) { KillTrials(20, 2500); }

}  // namespace
}  // namespace clever::sync::testing
