// Problem: one merchant-facing finding of a connector check (a refusal or a warning).
#pragma once

#include <string>

namespace clever::connect {

struct Problem {
  std::string field;    // "name" | "url" | "consumer_key" | "consumer_secret" | "ca_file" | ""
  std::string code;     // stable machine code, e.g. "duplicate_domain", "wrong_secret"
  std::string message;  // plain-language sentence for the merchant; never holds a credential
  std::string hint;     // what to do about it
};

}  // namespace clever::connect
