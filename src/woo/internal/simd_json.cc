#include "woo/internal/simd_json.h"

#include <algorithm>
#include <cstring>

namespace clever::woo::internal {

bool SimdParse(std::string_view body, size_t max_depth, SimdState& state,
               simdjson::dom::element& root) {
  if (body.empty()) return false;
  if (state.capacity < body.size()) {
    size_t cap = std::max(body.size(), state.capacity * 2);
    state.buffer = std::make_unique<char[]>(cap + simdjson::SIMDJSON_PADDING);
    state.capacity = cap;
  }
  std::memcpy(state.buffer.get(), body.data(), body.size());
  std::memset(state.buffer.get() + body.size(), 0, simdjson::SIMDJSON_PADDING);
  if (state.parser.max_depth() != max_depth || state.parser.capacity() < body.size()) {
    if (state.parser.allocate(std::max(body.size(), state.parser.capacity()), max_depth) !=
        simdjson::SUCCESS) {
      return false;
    }
  }
  return state.parser.parse(state.buffer.get(), body.size(), /*realloc_if_needed=*/false)
             .get(root) == simdjson::SUCCESS;
}

SimdState& ThreadSimdState() {
  thread_local SimdState state;
  return state;
}

bool SimdAccepts(std::string_view text) {
  constexpr size_t kDepth = kSimdMaxDepth;
  simdjson::dom::element root;
  if (text.size() <= kReusedParserBytes) return SimdParse(text, kDepth, ThreadSimdState(), root);
  SimdState own;
  return SimdParse(text, kDepth, own, root);
}

}  // namespace clever::woo::internal
