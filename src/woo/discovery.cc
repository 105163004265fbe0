#include "woo/discovery.h"

#include <nlohmann/json.hpp>

#include "net/curl_transport.h"
#include "woo/errors.h"
#include "woo/internal/signing.h"

namespace clever::woo {
namespace {

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool GetArgsHave(const nlohmann::json& route, const char* arg) {
  auto endpoints = route.find("endpoints");
  if (endpoints == route.end() || !endpoints->is_array()) return false;
  for (const auto& e : *endpoints) {
    if (!e.is_object()) continue;
    bool get = false;
    if (auto m = e.find("methods"); m != e.end() && m->is_array()) {
      for (const auto& x : *m) get = get || (x.is_string() && x.get<std::string>() == "GET");
    }
    auto args = e.find("args");
    if (get && args != e.end() && args->is_object() && args->contains(arg)) return true;
  }
  return false;
}

std::string TrimSlash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

StatusOr<StoreIndex> ParseRootIndex(std::string_view body) {
  CLEVER_ASSIGN_OR_RETURN(std::string_view text, LocateJson(body));
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) return DataLossError("the /wp-json/ index is not valid JSON");
  auto namespaces = j.is_object() ? j.find("namespaces") : j.end();
  if (!j.is_object() || namespaces == j.end() || !namespaces->is_array()) {
    return NotFoundError("the address answers, but not with a WordPress REST API index");
  }
  StoreIndex index;
  index.name = StringField(j, "name");
  index.description = StringField(j, "description");
  index.url = StringField(j, "url");
  index.home = StringField(j, "home");
  index.timezone_string = StringField(j, "timezone_string");
  if (auto g = j.find("gmt_offset"); g != j.end()) {
    if (g->is_number()) {
      index.gmt_offset = g->get<double>();
    } else if (g->is_string()) {
      index.gmt_offset = std::strtod(g->get<std::string>().c_str(), nullptr);
    }
  }
  for (const auto& ns : *namespaces) {
    if (ns.is_string()) index.namespaces.push_back(ns.get<std::string>());
  }
  for (const auto& ns : index.namespaces) {
    if (ns == "wc/v3") index.features.has_wc_v3 = true;
    if (ns == "wc-analytics") index.features.has_analytics = true;
  }
  if (j.contains("routes")) CLEVER_RETURN_IF_ERROR(ApplyRouteIndex(text, index));
  return index;
}

Status ApplyRouteIndex(std::string_view body, StoreIndex& index) {
  CLEVER_ASSIGN_OR_RETURN(std::string_view text, LocateJson(body));
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return DataLossError("route index is not a JSON object");
  auto routes = j.find("routes");
  if (routes == j.end() || !routes->is_object()) return OkStatus();
  for (const auto& [route, description] : routes->items()) {
    index.routes.insert(route);
    if (route == "/wc/v3/refunds") index.features.has_refunds_route = true;
    if (route == "/wc/v3/variations") index.features.has_variations_route = true;
    if (route == "/wc/v3/payments/deposits") index.features.has_woopayments = true;
    if (route == "/wc/v3/orders" && description.is_object()) {
      index.features.supports_modified_after =
          index.features.supports_modified_after || GetArgsHave(description, "modified_after");
      index.features.supports_dates_are_gmt =
          index.features.supports_dates_are_gmt || GetArgsHave(description, "dates_are_gmt");
    }
    if (route.rfind("/wc/v3", 0) == 0) index.features.has_wc_v3 = true;
  }
  return OkStatus();
}

StatusOr<StoreIndex> Discover(net::HttpTransport& transport, const Endpoint& endpoint,
                              Api* signed_api) {
  const std::string base = TrimSlash(endpoint.store_url) + "/wp-json/";
  net::HttpRequest root{
      .method = "GET",
      .url = base + "?_fields=name,description,url,home,gmt_offset,timezone_string,namespaces",
      .headers = {{"Accept", "application/json"}},
      .body = "",
      .timeout_ms = endpoint.timeout_ms};
  StatusOr<net::HttpResponse> answer = transport.Send(root);
  if (!answer.ok()) return internal::MapTransportError(answer.status());
  if (answer->status == 404 || answer->status == 410) {
    return NotFoundError("no WordPress REST API at this address (/wp-json/ answered HTTP " +
                         std::to_string(answer->status) + ")");
  }
  if (answer->status >= 300 && answer->status <= 399 && !answer->Header("location").empty()) {
    return FailedPreconditionError("the store redirects to " +
                                   net::RedactUrl(answer->Header("location")) +
                                   " (redirects to another address are not followed)");
  }
  if (answer->status < 200 || answer->status > 299) {
    return MapErrorResponse(answer->status, answer->body, answer->Header("retry-after"));
  }
  StatusOr<StoreIndex> parsed = ParseRootIndex(answer->body);
  if (!parsed.ok()) {
    return NotFoundError("no WordPress REST API at this address: " + parsed.status().message());
  }
  StoreIndex index = *std::move(parsed);
  if (!index.features.has_wc_v3) return index;

  net::HttpRequest wc{.method = "GET",
                      .url = base + "wc/v3",
                      .headers = {{"Accept", "application/json"}},
                      .body = "",
                      .timeout_ms = endpoint.timeout_ms};
  StatusOr<net::HttpResponse> wc_answer = transport.Send(wc);
  if (!wc_answer.ok()) return internal::MapTransportError(wc_answer.status());
  if (wc_answer->status >= 200 && wc_answer->status <= 299) {
    CLEVER_RETURN_IF_ERROR(ApplyRouteIndex(wc_answer->body, index));
    return index;
  }
  if (wc_answer->status == 401 && signed_api != nullptr) {
    StatusOr<Response> signed_answer = signed_api->Get("wc/v3", {});
    if (signed_answer.ok()) {
      CLEVER_RETURN_IF_ERROR(ApplyRouteIndex(signed_answer->body, index));
      return index;
    }
  }
  // The route table is optional: without it the features stay off (the safe defaults), except
  // what the root index listed.
  StatusOr<net::HttpResponse> full_root =
      transport.Send(net::HttpRequest{.method = "GET",
                                      .url = base,
                                      .headers = {{"Accept", "application/json"}},
                                      .body = "",
                                      .timeout_ms = endpoint.timeout_ms});
  if (full_root.ok() && full_root->status >= 200 && full_root->status <= 299) {
    (void)ApplyRouteIndex(full_root->body, index);
  }
  return index;
}

}  // namespace clever::woo
