// simdjson DOM parsing with one reused parser per thread (woo/records.cc's fast path, and the
// validity check of every answer in woo/errors.cc). Internal to woo/.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <memory>
#include <string_view>

namespace clever::woo::internal {

// A parser and a padded copy buffer (simdjson reads up to SIMDJSON_PADDING bytes past the end of
// its input). Both grow to the largest body seen and are then reused: nothing is allocated per
// page once warm.
struct SimdState {
  simdjson::dom::parser parser;
  std::unique_ptr<char[]> buffer;
  size_t capacity = 0;
};

// Bodies above this get a parser of their own, freed afterwards (one huge answer must not pin
// memory in a worker thread for the rest of the sync).
inline constexpr size_t kReusedParserBytes = size_t{8} << 20;

// The nesting limit of every simdjson parse here (= woo::kMaxJsonDepth; one value, so that the
// per-thread parser is never reallocated between the validity check and the mapping).
inline constexpr size_t kSimdMaxDepth = 64;

// Parses `body` (nesting at most `max_depth`) with `state`; false when simdjson refuses it.
// `root` is valid until the next parse with `state`.
bool SimdParse(std::string_view body, size_t max_depth, SimdState& state,
               simdjson::dom::element& root);

// The calling thread's reused state (for bodies up to kReusedParserBytes).
SimdState& ThreadSimdState();

// True when simdjson reads `text` as one complete JSON document nested at most kSimdMaxDepth. False
// does not prove the text is not JSON (simdjson refuses integers beyond 64 bits, for one): callers
// fall back to a lenient parser.
bool SimdAccepts(std::string_view text);

}  // namespace clever::woo::internal
