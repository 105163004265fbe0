// Optional language model for Interpret (issue 4): with CLEVER_LLM_URL set to an OpenAI-compatible
// chat-completions endpoint (llama.cpp server, Ollama, vLLM, a hosted API), the model is asked to
// fill a QuestionIntent through a tool call. Its answer is validated against the catalogue and
// merged with the built-in interpreter's result; anything invalid, slow or unreachable falls back
// to the built-in intent, so Clever never depends on the model to answer.
//
// What the model sees: the question, today's date and the catalogue (metric names, definitions,
// dimensions, period grammar). Never store data, credentials or SQL; it never writes SQL either.
// Entities (products, customers, coupons...) are never taken from the model: they come from the
// built-in interpreter's match against the store's own names, and a model that names one the
// built-in interpreter did not find is rejected.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/dates.h"
#include "common/status.h"
#include "net/http.h"
#include "query/intent.h"

namespace clever::query {

struct LanguageModelConfig {
  std::string url;      // the chat-completions endpoint, or a base ending in /v1
  std::string model;    // CLEVER_LLM_MODEL (may be empty for single-model servers)
  std::string api_key;  // CLEVER_LLM_API_KEY, sent as a Bearer token; never logged
  int timeout_ms = 20000;

  // From CLEVER_LLM_URL / CLEVER_LLM_MODEL / CLEVER_LLM_API_KEY / CLEVER_LLM_TIMEOUT_MS;
  // nullopt when CLEVER_LLM_URL is unset or empty (Clever then works fully offline).
  static std::optional<LanguageModelConfig> FromEnvironment();
  // The URL the request goes to: `url` itself when it ends in /chat/completions, else
  // `url` + "/chat/completions".
  [[nodiscard]] std::string Endpoint() const;
};

// The chat-completions request body (JSON): system prompt with the catalogue, the question, and
// one forced tool whose parameters are the QuestionIntent fields.
std::string BuildModelRequest(const LanguageModelConfig& config, std::string_view question,
                              CivilDate as_of);

// The intent in a chat-completions response: the tool call's arguments, else the message content
// as JSON. kInvalidArgument for anything else (error bodies, prose, wrong types, > 1 MiB).
StatusOr<QuestionIntent> ParseModelResponse(std::string_view body);

// Checks a model's intent against the catalogue and the built-in interpreter's entities, and
// returns the intent to answer with: the model's figure, period, comparison, breakdown and ranking,
// with the built-in interpreter's entity filters. kInvalidArgument says what was wrong.
StatusOr<QuestionIntent> MergeModelIntent(const QuestionIntent& model,
                                          const QuestionIntent& builtin, CivilDate as_of);

// The whole exchange: sends the request, parses, validates, merges. Returns `builtin` unchanged on
// any failure, with the reason in *fallback_reason when given.
QuestionIntent InterpretWithModel(const LanguageModelConfig& config, net::HttpTransport& transport,
                                  std::string_view question, const QuestionIntent& builtin,
                                  CivilDate as_of, std::string* fallback_reason = nullptr);

}  // namespace clever::query
