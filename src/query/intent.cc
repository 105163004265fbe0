#include "query/intent.h"

#include <nlohmann/json.hpp>

namespace clever::query {

std::string QuestionIntent::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  put("out_of_scope", out_of_scope);
  put("metric", metric);
  put("period", period);
  put("base_period", base_period);
  put("compare", compare);
  put("dimension", dimension);
  if (limit) j["limit"] = limit;
  if (ascending) j["ascending"] = true;
  if (single) j["single"] = true;
  if (!statuses.empty()) j["statuses"] = statuses;
  put("country", country);
  if (!product_ids.empty()) j["product_ids"] = product_ids;
  put("product", product);
  if (!variation_ids.empty()) j["variation_ids"] = variation_ids;
  put("variation", variation);
  put("category", category);
  put("coupon", coupon);
  put("unknown_coupon", unknown_coupon);
  put("unsupported_filter", unsupported_filter);
  put("payment_method", payment_method);
  put("customer_key", customer_key);
  put("customer", customer);
  if (!namesakes.empty()) j["namesakes"] = namesakes;
  put("customer_type", customer_type);
  put("type", type);
  if (threshold) j["threshold"] = threshold;
  if (!notes.empty()) j["notes"] = notes;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<QuestionIntent> QuestionIntent::FromJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return InvalidArgumentError("intent is not a JSON object");
  QuestionIntent in;
  try {
    auto str = [&](const char* k, std::string& out) {
      if (j.contains(k)) out = j[k].get<std::string>();
    };
    str("out_of_scope", in.out_of_scope);
    str("metric", in.metric);
    str("period", in.period);
    str("base_period", in.base_period);
    str("compare", in.compare);
    str("dimension", in.dimension);
    if (j.contains("limit")) in.limit = j["limit"].get<int>();
    if (j.contains("ascending")) in.ascending = j["ascending"].get<bool>();
    if (j.contains("single")) in.single = j["single"].get<bool>();
    if (j.contains("statuses")) in.statuses = j["statuses"].get<std::vector<std::string>>();
    str("country", in.country);
    if (j.contains("product_ids")) in.product_ids = j["product_ids"].get<std::vector<int64_t>>();
    str("product", in.product);
    if (j.contains("variation_ids"))
      in.variation_ids = j["variation_ids"].get<std::vector<int64_t>>();
    str("variation", in.variation);
    str("category", in.category);
    str("coupon", in.coupon);
    str("unknown_coupon", in.unknown_coupon);
    str("unsupported_filter", in.unsupported_filter);
    str("payment_method", in.payment_method);
    str("customer_key", in.customer_key);
    str("customer", in.customer);
    if (j.contains("namesakes")) in.namesakes = j["namesakes"].get<std::vector<std::string>>();
    str("customer_type", in.customer_type);
    str("type", in.type);
    if (j.contains("threshold")) in.threshold = j["threshold"].get<int>();
    if (j.contains("notes")) in.notes = j["notes"].get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgumentError(std::string("intent has a wrong type: ") + e.what());
  }
  if (in.limit < 0 || in.limit > 1000) return InvalidArgumentError("intent limit out of range");
  return in;
}

}  // namespace clever::query
