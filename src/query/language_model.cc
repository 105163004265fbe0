#include "query/language_model.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "query/catalog.h"
#include "query/interpret.h"
#include "query/periods.h"

namespace clever::query {
namespace {

constexpr size_t kMaxResponseBytes = 1 << 20;
constexpr const char* kToolName = "answer_with_intent";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Statuses a filter may name: WooCommerce order statuses, WooPayments dispute and payout states.
const std::set<std::string>& KnownStatuses() {
  static const std::set<std::string> k = {
      "pending", "processing", "on-hold", "completed", "cancelled", "refunded", "failed",
      "checkout-draft", "trash", "draft",
      // disputes
      "needs_response", "under_review", "warning_needs_response", "warning_under_review",
      "warning_closed", "won", "lost", "charge_refunded",
      // payouts
      "paid", "in_transit", "estimated", "canceled"};
  return k;
}

const std::set<std::string>& KnownDimensions() {
  static const std::set<std::string> k = {
      "",          "day",      "week",    "month",    "weekday", "year",           "product",
      "variation", "category", "country", "customer", "coupon",  "payment_method", "status",
      "reason",    "type"};
  return k;
}

nlohmann::json IntentSchema() {
  using nlohmann::json;
  json metric_names = json::array();
  for (const MetricInfo& m : AllMetrics()) metric_names.push_back(m.name);
  json dims = json::array();
  for (const std::string& d : KnownDimensions()) dims.push_back(d);
  return json{
      {"type", "object"},
      {"properties",
       {{"out_of_scope",
         {{"type", "string"},
          {"description",
           "non-empty (the topic) when the question is outside the nine data categories"}}},
        {"metric", {{"type", "string"}, {"enum", metric_names}}},
        {"period", {{"type", "string"}, {"description", "a period spec, see the system prompt"}}},
        {"base_period", {{"type", "string"}, {"description", "comparison base period spec"}}},
        {"compare", {{"type", "string"}, {"enum", {"", "growth", "change"}}}},
        {"dimension", {{"type", "string"}, {"enum", dims}}},
        {"limit", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000}}},
        {"ascending", {{"type", "boolean"}}},
        {"single", {{"type", "boolean"}}},
        {"statuses", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"customer_type", {{"type", "string"}, {"enum", {"", "new", "returning"}}}},
        {"type", {{"type", "string"}, {"description", "product type or coupon discount type"}}},
        {"threshold", {{"type", "integer"}, {"minimum", 0}}},
        {"product", {{"type", "string"}, {"description", "product named in the question"}}},
        {"category", {{"type", "string"}}},
        {"customer", {{"type", "string"}}},
        {"coupon", {{"type", "string"}}},
        {"country", {{"type", "string"}, {"description", "ISO 3166 code"}}},
        {"payment_method", {{"type", "string"}}}}},
      {"required", {"metric"}}};
}

std::string SystemPrompt(CivilDate as_of) {
  std::string p =
      "You turn a WooCommerce merchant's question into a query intent by calling the tool "
      "answer_with_intent. Never answer in prose and never invent figures. The data covers "
      "only: ";
  p += kNineCategories;
  p += ". If the question is about anything else (traffic, ads, profit without costs, "
       "forecasts, ...) set out_of_scope to its topic. Today (store-local) is " +
       as_of.ToString() +
       ". Period specs: today, yesterday, this_week, last_week, weeks_ago:N, this_month, "
       "last_month, months_ago:N, this_quarter, last_quarter, quarters_ago:N, quarter:YYYY:Q, "
       "this_year, "
       "last_year, year:YYYY, month:M (most recent), month:YYYY:M, last_days:N, prev_days:N, "
       "ytd_last_year, month_last_year, mtd_last_month, range:YYYY-MM-DD:YYYY-MM-DD, "
       "since:YYYY-MM-DD, date:YYYY-MM-DD, all. Metrics (name: definition):\n";
  for (const MetricInfo& m : AllMetrics()) {
    p += std::string("- ") + m.name + ": " + m.label;
    if (m.dimensions[0] != '\0') p += std::string(" (by: ") + m.dimensions + ")";
    p += "\n";
  }
  return p;
}

}  // namespace

std::optional<LanguageModelConfig> LanguageModelConfig::FromEnvironment() {
  LanguageModelConfig c;
  c.url = Env("CLEVER_LLM_URL");
  if (c.url.empty()) return std::nullopt;
  c.model = Env("CLEVER_LLM_MODEL");
  c.api_key = Env("CLEVER_LLM_API_KEY");
  const std::string t = Env("CLEVER_LLM_TIMEOUT_MS");
  if (!t.empty()) {
    const int v = std::atoi(t.c_str());
    if (v > 0 && v <= 600000) c.timeout_ms = v;
  }
  return c;
}

std::string LanguageModelConfig::Endpoint() const {
  std::string u = url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (EndsWith(u, "/chat/completions")) return u;
  return u + "/chat/completions";
}

std::string BuildModelRequest(const LanguageModelConfig& config, std::string_view question,
                              CivilDate as_of) {
  using nlohmann::json;
  // Invalid UTF-8 in the question must not make the request unserialisable: replace it.
  const std::string q(question.substr(0, kMaxQuestionBytes));
  json body = {
      {"temperature", 0},
      {"messages", json::array({json{{"role", "system"}, {"content", SystemPrompt(as_of)}},
                                json{{"role", "user"}, {"content", q}}})},
      {"tools", json::array({json{{"type", "function"},
                                  {"function",
                                   {{"name", kToolName},
                                    {"description", "The intent of the merchant's question"},
                                    {"parameters", IntentSchema()}}}}})},
      {"tool_choice", {{"type", "function"}, {"function", {{"name", kToolName}}}}}};
  if (!config.model.empty()) body["model"] = config.model;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

StatusOr<QuestionIntent> ParseModelResponse(std::string_view body) {
  if (body.size() > kMaxResponseBytes) return InvalidArgumentError("model response too large");
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgumentError("model response is not JSON");
  }
  try {
    const auto& message = j.at("choices").at(0).at("message");
    std::string arguments;
    if (message.contains("tool_calls") && message["tool_calls"].is_array() &&
        !message["tool_calls"].empty()) {
      const auto& fn = message["tool_calls"][0].at("function");
      const auto& args = fn.at("arguments");
      // OpenAI sends the arguments as a JSON string; some servers send the object itself.
      arguments = args.is_string() ? args.get<std::string>() : args.dump();
    } else if (message.contains("content") && message["content"].is_string()) {
      arguments = message["content"].get<std::string>();
    } else {
      return InvalidArgumentError("model response has neither a tool call nor content");
    }
    return QuestionIntent::FromJson(arguments);
  } catch (const nlohmann::json::exception&) {
    return InvalidArgumentError("model response is not a chat completion");
  }
}

StatusOr<QuestionIntent> MergeModelIntent(const QuestionIntent& model,
                                          const QuestionIntent& builtin, CivilDate as_of) {
  QuestionIntent out;
  if (!model.out_of_scope.empty()) {
    out.out_of_scope = model.out_of_scope.substr(0, 80);
    return out;
  }
  const MetricInfo* info = FindMetric(model.metric);
  if (info == nullptr) return InvalidArgumentError("the model named no catalogue metric");
  if (!KnownDimensions().count(model.dimension) ||
      (!model.dimension.empty() && !SupportsDimension(*info, model.dimension))) {
    return InvalidArgumentError("the model asked for an unsupported breakdown");
  }
  for (const std::string& spec : {model.period, model.base_period}) {
    if (!spec.empty() && !ResolvePeriod(spec, as_of).ok()) {
      return InvalidArgumentError("the model gave an invalid period");
    }
  }
  if (model.compare != "" && model.compare != "growth" && model.compare != "change") {
    return InvalidArgumentError("the model gave an invalid comparison");
  }
  if (model.customer_type != "" && model.customer_type != "new" &&
      model.customer_type != "returning") {
    return InvalidArgumentError("the model gave an invalid customer type");
  }
  for (const std::string& s : model.statuses) {
    if (!KnownStatuses().count(s)) return InvalidArgumentError("the model gave an unknown status");
  }
  if (model.threshold < 0 || model.threshold > 1000000 || model.limit < 0 || model.limit > 1000) {
    return InvalidArgumentError("the model gave a number out of range");
  }
  // Entities come from the store's own names, matched by the built-in interpreter only.
  auto named_without_match = [](const std::string& by_model, bool matched) {
    return !by_model.empty() && !matched;
  };
  if (named_without_match(model.product,
                          !builtin.product_ids.empty() || !builtin.variation_ids.empty()) ||
      named_without_match(model.category, !builtin.category.empty()) ||
      named_without_match(model.customer, !builtin.customer_key.empty()) ||
      named_without_match(model.coupon, !builtin.coupon.empty()) ||
      named_without_match(model.country, !builtin.country.empty()) ||
      named_without_match(model.payment_method, !builtin.payment_method.empty())) {
    return InvalidArgumentError("the model named something the store's data does not contain");
  }
  out.metric = model.metric;
  out.period = model.period;
  out.base_period = model.base_period;
  out.compare = model.compare;
  out.dimension = model.dimension;
  out.limit = model.limit;
  out.ascending = model.ascending;
  out.single = model.single;
  out.statuses = model.statuses;
  out.customer_type = model.customer_type;
  out.type = model.type.substr(0, 40);
  out.threshold = model.threshold;
  out.country = builtin.country;
  out.product_ids = builtin.product_ids;
  out.product = builtin.product;
  out.variation_ids = builtin.variation_ids;
  out.variation = builtin.variation;
  out.category = builtin.category;
  out.coupon = builtin.coupon;
  out.payment_method = builtin.payment_method;
  out.customer_key = builtin.customer_key;
  out.customer = builtin.customer;
  out.notes = builtin.notes;
  out.notes.push_back("interpreted with the language model, checked against the catalogue");
  return out;
}

QuestionIntent InterpretWithModel(const LanguageModelConfig& config, net::HttpTransport& transport,
                                  std::string_view question, const QuestionIntent& builtin,
                                  CivilDate as_of, std::string* fallback_reason) {
  auto fall_back = [&](std::string why) {
    if (fallback_reason != nullptr) *fallback_reason = std::move(why);
    return builtin;
  };
  // A topic the built-in rules know to be outside the data stays refused: the model can never
  // turn it into a figure.
  if (!builtin.out_of_scope.empty()) return fall_back("refused by the built-in rules");
  net::HttpRequest request;
  request.method = "POST";
  request.url = config.Endpoint();
  request.headers.emplace_back("Content-Type", "application/json");
  if (!config.api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + config.api_key);
  }
  request.body = BuildModelRequest(config, question, as_of);
  request.timeout_ms = config.timeout_ms;
  auto response = transport.Send(request);
  if (!response.ok()) return fall_back("the language model could not be reached");
  if (response->status != 200) {
    return fall_back("the language model answered HTTP " + std::to_string(response->status));
  }
  auto intent = ParseModelResponse(response->body);
  if (!intent.ok()) return fall_back(std::string(intent.status().message()));
  auto merged = MergeModelIntent(*intent, builtin, as_of);
  if (!merged.ok()) return fall_back(std::string(merged.status().message()));
  return *merged;
}

}  // namespace clever::query
