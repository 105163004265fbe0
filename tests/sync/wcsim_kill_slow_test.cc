// The long kill -9 series against wcsim (label `slow`): 20 trials of `clever sync` SIGKILLed at
// random moments, each resumed sync identical to an uninterrupted one.
#include <gtest/gtest.h>

#include "tests/sync/wcsim_sync_testing.h"

namespace clever::sync::testing {
namespace {

TEST(WcsimKillSlow, TwentyKill9TrialsOfTheCliEndIdentical) { WcsimKillTrials(20, 1500, 31); }

}  // namespace
}  // namespace clever::sync::testing
