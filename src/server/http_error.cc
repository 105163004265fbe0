#include "server/http_error.h"

#include <nlohmann/json.hpp>

namespace clever::server {

HttpError HttpErrorFor(const Status& status) {
  HttpError e;
  e.message = status.message();
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      e.http_status = 400;
      e.code = "invalid_argument";
      break;
    case StatusCode::kUnauthenticated:
      e.http_status = 401;
      e.code = "unauthenticated";
      break;
    case StatusCode::kPermissionDenied:
      e.http_status = 403;
      e.code = "permission_denied";
      break;
    case StatusCode::kNotFound:
      e.http_status = 404;
      e.code = "not_found";
      break;
    case StatusCode::kAlreadyExists:
      e.http_status = 409;
      e.code = "already_exists";
      break;
    case StatusCode::kFailedPrecondition:
      e.http_status = 409;
      e.code = "failed_precondition";
      break;
    case StatusCode::kDataLoss:
      e.http_status = 502;
      e.code = "data_loss";
      break;
    case StatusCode::kUnavailable:
      e.http_status = 503;
      e.code = "unavailable";
      break;
    case StatusCode::kDeadlineExceeded:
      e.http_status = 504;
      e.code = "deadline_exceeded";
      break;
    case StatusCode::kInternal:
    case StatusCode::kOk:
      e.http_status = 500;
      e.code = "internal";
      e.message =
          "Something went wrong on our side. Please try again; if it persists, check the "
          "server log.";
      break;
  }
  if (e.message.empty()) e.message = e.code;
  return e;
}

std::string ErrorJson(const HttpError& error) {
  nlohmann::json inner = {{"code", error.code}, {"message", error.message}};
  if (!error.field.empty()) inner["field"] = error.field;
  if (!error.hint.empty()) inner["hint"] = error.hint;
  return nlohmann::json{{"error", inner}}.dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
}

}  // namespace clever::server
