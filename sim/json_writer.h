// A streaming JSON writer for wcsim responses: appends straight to one std::string, escapes as
// PHP's json_encode() does with WordPress's default flags ("/" as "\/", every non-ASCII code
// point as "\uXXXX", invalid UTF-8 as U+FFFD), and applies WordPress `_fields` filtering while
// writing. Used by the hot list routes (render.h); nlohmann values go through WriteJson().
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace clever::wcsim {

// `_fields` as WordPress builds it in rest_filter_response_fields(): "a.b" nests, a leaf
// includes the whole value (and wins over any "a.b" of the same parent).
struct FieldTree {
  std::map<std::string, FieldTree, std::less<>> children;
  bool leaf = false;

  // From the wp_parse_list()ed `_fields` values. An empty list means "no filtering" (as WP).
  static FieldTree Parse(const std::vector<std::string>& fields);
};

class JsonWriter {
 public:
  // Appends to *out. With `fields`, the top-level object (or each element of a top-level array)
  // is filtered: unknown keys are dropped; a key selected with sub-fields keeps an object
  // filtered by them, keeps a scalar as is, and drops a list (as recorded on WC 10.0.2).
  explicit JsonWriter(std::string* out, const FieldTree* fields = nullptr);

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Object keys: `k` is written without escaping (callers pass literal ASCII names);
  // EscapedKey() escapes.
  void Key(std::string_view k);
  void EscapedKey(std::string_view k);

  void String(std::string_view s);
  void Int(int64_t v);
  void Uint(uint64_t v);
  void Double(double v);  // shortest round-trip; integral values get ".0" (as PHP / nlohmann)
  void Bool(bool v);
  void Null();
  // Integer cents as WooCommerce's decimal string: "12.30", "-0.05".
  void MoneyString(int64_t cents);
  // Integer cents as a JSON number: 12 when whole, else 12.3 / 12.05.
  void MoneyNumber(int64_t cents);
  // "YYYY-MM-DDTHH:MM:SS" for a wall-clock time given as seconds since 1970 in that clock.
  void IsoDateTime(int64_t wall_seconds);

  // Shorthands: key + value.
  void Str(std::string_view k, std::string_view v) {
    Key(k);
    String(v);
  }
  void Num(std::string_view k, int64_t v) {
    Key(k);
    Int(v);
  }
  void Flag(std::string_view k, bool v) {
    Key(k);
    Bool(v);
  }
  void Money(std::string_view k, int64_t cents) {
    Key(k);
    MoneyString(cents);
  }
  void NullField(std::string_view k) {
    Key(k);
    Null();
  }
  void EmptyArray(std::string_view k) {
    Key(k);
    BeginArray();
    EndArray();
  }

  // True while the writer discards output (inside a value `_fields` excluded): renderers may
  // skip expensive work.
  [[nodiscard]] bool Discarding() const { return skip_ > 0 || pending_ == Pending::kSkip; }

 private:
  enum class Pending : uint8_t { kNone, kWhole, kSkip, kFiltered };
  struct Frame {
    const FieldTree* filter;  // objects: keys allowed (null = all); arrays: for elements
    bool array;
  };
  void Comma() {
    if (need_comma_) out_.push_back(',');
  }
  void RawKey(std::string_view k, bool escape);
  // Called before any value: returns false when the value is to be discarded, else writes the
  // pending key / comma. `container` is true for Begin*, and `array` says which.
  bool BeforeValue(bool container, bool array, const FieldTree** child_filter);
  void AfterScalar() { need_comma_ = true; }
  void EscapeInto(std::string_view s);

  std::string& out_;
  const FieldTree* root_;
  bool need_comma_ = false;
  int skip_ = 0;  // > 0: nesting depth inside a discarded value
  std::vector<Frame> frames_;
  Pending pending_ = Pending::kNone;
  const FieldTree* pending_filter_ = nullptr;
  std::string pending_key_;
  bool pending_key_escape_ = false;
};

// Writes an nlohmann value through `w` (escaping and `_fields` as above).
void WriteJson(JsonWriter& w, const nlohmann::ordered_json& j);
void WriteJson(JsonWriter& w, const nlohmann::json& j);

}  // namespace clever::wcsim
