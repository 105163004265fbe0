// The one translation from Status (and connector Problems) to an HTTP status and a JSON error body
// (style.md section 4: "Status -> HTTP status + JSON error (server/)"). Pure functions;
// unit-tested.
#pragma once

#include <string>

#include "common/status.h"

namespace clever::server {

struct HttpError {
  int http_status = 500;
  std::string code;     // stable, lower_snake: "invalid_argument", "not_found", ...
  std::string message;  // merchant-facing; internal errors get a generic text
  std::string field;    // the form field the error concerns, "" if none
  std::string hint;     // what to do about it, "" if none
};

// Maps a non-OK Status: kInvalidArgument 400, kUnauthenticated 401, kPermissionDenied 403,
// kNotFound 404, kAlreadyExists 409, kFailedPrecondition 409, kDataLoss 502, kUnavailable 503,
// kDeadlineExceeded 504, kInternal 500 (message replaced: internals are logged, not returned).
// An OK status maps to 500 "internal" (a caller bug).
HttpError HttpErrorFor(const Status& status);

// {"error":{"code":..,"message":..[,"field":..][,"hint":..]}}
std::string ErrorJson(const HttpError& error);

}  // namespace clever::server
