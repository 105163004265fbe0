// Interpret: question text -> QuestionIntent. Rule-based and deterministic: normalise, match the
// store's own names (with typo tolerance), read time expressions (periods.h specs, store-local),
// correct typos in the domain vocabulary, then pick the catalogue metric, breakdown, ranking and
// filters. Follow-ups ("and the month before?", "break that down by product", "only in
// Australia") start from the previous turn's intent. Never fails: an unrecognised question yields
// an intent with an empty metric (the assistant refuses it).
#pragma once

#include <string>
#include <string_view>

#include "common/dates.h"
#include "query/intent.h"
#include "query/store_names.h"

namespace clever::query {

// Questions longer than this are cut before interpretation (an honest question is short).
inline constexpr size_t kMaxQuestionBytes = 2000;

QuestionIntent Interpret(std::string_view question, const StoreNames& names, CivilDate as_of,
                         const QuestionIntent* previous = nullptr);

// True when the question mentions paying, methods or gateways (the caller then loads payment
// method names), or customers by name (then guest names are loaded too).
bool MentionsPayments(std::string_view question);
bool MentionsCustomers(std::string_view question);

}  // namespace clever::query
