#include "server/hub_server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <sstream>

#include "common/dates.h"
#include "server/accounts.h"
#include "server/conversations.h"
#include "server/http_error.h"
#include "server/static_files.h"

namespace clever::server {
namespace {

using json = nlohmann::json;

constexpr const char* kCookieName = "clever_session";
constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(Dump(body), "application/json");
}

void SendError(httplib::Response& res, const HttpError& error) {
  res.status = error.http_status;
  res.set_content(ErrorJson(error), "application/json");
}

void SendStatus(httplib::Response& res, const Status& status) {
  SendError(res, HttpErrorFor(status));
}

HttpError MakeError(int http_status, std::string code, std::string message, std::string field = "",
                    std::string hint = "") {
  return HttpError{http_status, std::move(code), std::move(message), std::move(field),
                   std::move(hint)};
}

// The value of one cookie from the Cookie header(s), "" if absent.
std::string CookieValue(const httplib::Request& req, const std::string& name) {
  size_t count = req.get_header_value_count("Cookie");
  for (size_t i = 0; i < count; ++i) {
    std::string header = req.get_header_value("Cookie", i);
    size_t pos = 0;
    while (pos < header.size()) {
      size_t end = header.find(';', pos);
      if (end == std::string::npos) end = header.size();
      std::string part = header.substr(pos, end - pos);
      size_t b = part.find_first_not_of(' ');
      if (b != std::string::npos) part = part.substr(b);
      if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 &&
          part[name.size()] == '=') {
        return part.substr(name.size() + 1);
      }
      pos = end + 1;
    }
  }
  return "";
}

bool IsStateChanging(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

json ConnectorJson(const ConnectorInfo& c) {
  // Deliberately field by field: nothing credential-like can slip in.
  return json{{"id", c.id},
              {"name", c.name},
              {"store_url", c.store_url},
              {"store_domain", c.store_domain},
              {"key_hint", c.key_hint},
              {"key_scope", c.key_scope},
              {"auth_mode", c.auth_mode},
              {"enabled", c.enabled},
              {"created_at", c.created_at},
              {"last_checked_at", c.last_checked_at}};
}

json ProblemJson(const ConnectorProblem& p) {
  return json{{"field", p.field}, {"code", p.code}, {"message", p.message}, {"hint", p.hint}};
}

json ProgressJson(const CategoryProgress& p) {
  return json{{"category", p.category},
              {"state", p.state},
              {"records_done", p.records_done},
              {"records_total", p.records_total},
              {"rate_per_s", p.rate_per_s},
              {"eta_s", p.eta_s},
              {"last_success_at", p.last_success_at},
              {"reason", p.reason},
              {"hint", p.hint}};
}

json UserJson(const User& u) {
  return json{{"id", u.id},
              {"email", u.email},
              {"display_name", u.display_name},
              {"role", u.role},
              {"merchant", {{"id", u.merchant_id}, {"name", u.merchant_name}}}};
}

json ConversationJson(const Conversation& c) {
  return json{
      {"id", c.id}, {"title", c.title}, {"created_at", c.created_at}, {"updated_at", c.updated_at}};
}

json MessageJson(const Message& m) {
  json j = {{"id", m.id}, {"role", m.role}, {"created_at", m.created_at}};
  if (m.role == "assistant") {
    json answer = json::parse(m.content, nullptr, false);
    j["answer"] = answer.is_discarded() ? json{{"status", "error"}, {"answer", m.content}} : answer;
  } else {
    j["text"] = m.content;
  }
  return j;
}

// One SSE event: "event: NAME\ndata: JSON\n\n". JSON has no raw newlines, so one data line.
std::string SseEvent(const std::string& name, const json& data) {
  return "event: " + name + "\ndata: " + Dump(data) + "\n\n";
}

struct RequestTiming {
  std::chrono::steady_clock::time_point start;
  int64_t user_id = 0;
};
thread_local RequestTiming t_timing;

}  // namespace

struct HubServer::Impl {
  HubDeps deps;
  HubOptions options;
  std::unique_ptr<httplib::Server> http;
  LoginRateLimiter limiter;
  // argon2id needs 64 MiB per check: bound how many run at once.
  std::counting_semaphore<64> password_slots{4};
  bool tls = false;

  Impl(HubDeps d, HubOptions o)
      : deps(std::move(d)), options(std::move(o)), limiter(*deps.clock, options.rate_limit) {
    if (!deps.log) deps.log = [](const std::string& line) { std::cerr << line << "\n"; };
  }

  bool SecureCookies() const { return options.secure_cookies || tls; }

  std::string SessionCookie(const std::string& token, int64_t max_age) const {
    std::string c = std::string(kCookieName) + "=" + token +
                    "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
    if (SecureCookies()) c += "; Secure";
    return c;
  }

  // ------------------------------------------------------------------ request plumbing

  // The session of the request, or an error already written to `res`.
  std::optional<Session> Authenticate(const httplib::Request& req, httplib::Response& res,
                                      store::Database& db) {
    Accounts accounts(db, *deps.clock, options.session_ttl_s);
    auto session = accounts.LookupSession(CookieValue(req, kCookieName));
    if (!session.ok()) {
      SendStatus(res, session.status());
      return std::nullopt;
    }
    if (IsStateChanging(req.method) &&
        !SecureEquals(req.get_header_value("X-CSRF-Token"), session->csrf_token)) {
      SendError(res, MakeError(403, "csrf",
                               "This request was refused (missing or wrong CSRF "
                               "token). Reload the page and try again."));
      return std::nullopt;
    }
    t_timing.user_id = session->user.id;
    return std::move(*session);
  }

  // The request body as a JSON object, or an error already written to `res`.
  static std::optional<json> JsonBody(const httplib::Request& req, httplib::Response& res) {
    std::string type = req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) != 0) {
      SendError(res, MakeError(415, "unsupported_media_type",
                               "Send the request body as application/json."));
      return std::nullopt;
    }
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
      SendError(res, MakeError(400, "malformed_json", "The request body is not a JSON object."));
      return std::nullopt;
    }
    return body;
  }

  // A string member of a JSON body: absent -> "", non-string or too long -> error written.
  static std::optional<std::string> StringField(const json& body, const std::string& name,
                                                size_t max_len, httplib::Response& res) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::string();
    if (!it->is_string()) {
      SendError(res, MakeError(400, "invalid_argument", name + " must be a string.", name));
      return std::nullopt;
    }
    std::string value = it->get<std::string>();
    if (value.size() > max_len) {
      SendError(
          res,
          MakeError(400, "too_long",
                    name + " is too long (at most " + std::to_string(max_len) + " bytes).", name));
      return std::nullopt;
    }
    return value;
  }

  using Authed = std::function<void(const httplib::Request&, httplib::Response&, const Session&,
                                    store::Database&)>;

  httplib::Server::Handler WithSession(Authed handler) {
    return
        [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
          auto lease = deps.db->Acquire();
          if (!lease.ok()) {
            SendStatus(res, lease.status());
            return;
          }
          auto session = Authenticate(req, res, **lease);
          if (!session) return;
          handler(req, res, *session, **lease);
        };
  }

  // The merchant's connector with this id, or an error written (kNotFound for another merchant's).
  std::optional<ConnectorInfo> OwnConnector(const Session& s, const std::string& id_text,
                                            httplib::Response& res) {
    auto list = deps.connectors->List(s.user.merchant_id);
    if (!list.ok()) {
      SendStatus(res, list.status());
      return std::nullopt;
    }
    for (const auto& c : *list) {
      if (std::to_string(c.id) == id_text && c.merchant_id == s.user.merchant_id) return c;
    }
    SendStatus(res, NotFoundError("No such data connector."));
    return std::nullopt;
  }

  // ------------------------------------------------------------------ routes

  void Routes() {
    auto& s = *http;
    s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
      SendJson(res, 200, {{"ok", true}});
    });

    s.Post("/api/login",
           [this](const httplib::Request& req, httplib::Response& res) { Login(req, res); });
    s.Post("/api/logout", WithSession([this](const httplib::Request& req, httplib::Response& res,
                                             const Session&, store::Database& db) {
             Accounts accounts(db, *deps.clock);
             (void)accounts.DeleteSession(CookieValue(req, kCookieName));
             res.set_header("Set-Cookie", SessionCookie("", 0));
             SendJson(res, 200, {{"ok", true}});
           }));
    s.Get("/api/me", WithSession([](const httplib::Request&, httplib::Response& res,
                                    const Session& session, store::Database&) {
            SendJson(res, 200,
                     {{"user", UserJson(session.user)}, {"csrf_token", session.csrf_token}});
          }));

    s.Get("/api/connectors", WithSession([this](const httplib::Request&, httplib::Response& res,
                                                const Session& session, store::Database&) {
            auto list = deps.connectors->List(session.user.merchant_id);
            if (!list.ok()) return SendStatus(res, list.status());
            json out = json::array();
            for (const auto& c : *list) {
              if (c.merchant_id != session.user.merchant_id) continue;  // belt and braces
              json j = ConnectorJson(c);
              j["sync"] = SyncJson(c.id);
              out.push_back(std::move(j));
            }
            SendJson(res, 200, {{"connectors", out}});
          }));
    s.Post("/api/connectors",
           WithSession([this](const httplib::Request& req, httplib::Response& res,
                              const Session& session,
                              store::Database&) { AddConnector(req, res, session); }));
    s.Delete(R"(/api/connectors/(\d{1,18}))",
             WithSession([this](const httplib::Request& req, httplib::Response& res,
                                const Session& session, store::Database&) {
               auto c = OwnConnector(session, req.matches[1], res);
               if (!c) return;
               Status st = deps.connectors->Remove(session.user.merchant_id, c->name);
               if (!st.ok()) return SendStatus(res, st);
               deps.sync->Forget(c->id);
               SendJson(res, 200, {{"ok", true}});
             }));
    s.Post(R"(/api/connectors/(\d{1,18})/enabled)",
           WithSession([this](const httplib::Request& req, httplib::Response& res,
                              const Session& session, store::Database&) {
             auto body = JsonBody(req, res);
             if (!body) return;
             auto it = body->find("enabled");
             if (it == body->end() || !it->is_boolean()) {
               return SendError(res, MakeError(400, "invalid_argument",
                                               "enabled must be true or false.", "enabled"));
             }
             auto c = OwnConnector(session, req.matches[1], res);
             if (!c) return;
             Status st =
                 deps.connectors->SetEnabled(session.user.merchant_id, c->name, it->get<bool>());
             if (!st.ok()) return SendStatus(res, st);
             c->enabled = it->get<bool>();
             SendJson(res, 200, {{"connector", ConnectorJson(*c)}});
           }));
    s.Post(R"(/api/connectors/(\d{1,18})/test)",
           WithSession([this](const httplib::Request& req, httplib::Response& res,
                              const Session& session, store::Database&) {
             auto c = OwnConnector(session, req.matches[1], res);
             if (!c) return;
             ConnectorOutcome outcome = deps.connectors->Test(session.user.merchant_id, c->name);
             SendOutcome(res, outcome, 200);
           }));
    s.Post(R"(/api/connectors/(\d{1,18})/sync)",
           WithSession([this](const httplib::Request& req, httplib::Response& res,
                              const Session& session, store::Database&) {
             auto c = OwnConnector(session, req.matches[1], res);
             if (!c) return;
             deps.sync->SyncNow(c->id);
             SendJson(res, 202, {{"ok", true}, {"sync", SyncJson(c->id)}});
           }));
    s.Get(R"(/api/connectors/(\d{1,18})/sync)",
          WithSession([this](const httplib::Request& req, httplib::Response& res,
                             const Session& session, store::Database&) {
            auto c = OwnConnector(session, req.matches[1], res);
            if (!c) return;
            auto progress = deps.sync->Progress(c->id);
            if (!progress.ok()) return SendStatus(res, progress.status());
            json out = json::array();
            for (const auto& p : *progress) out.push_back(ProgressJson(p));
            SendJson(res, 200, {{"sync", out}});
          }));

    s.Get("/api/conversations", WithSession([this](const httplib::Request&, httplib::Response& res,
                                                   const Session& session, store::Database& db) {
            Conversations conversations(db, *deps.clock);
            auto list = conversations.List(session.user.merchant_id);
            if (!list.ok()) return SendStatus(res, list.status());
            json out = json::array();
            for (const auto& c : *list) out.push_back(ConversationJson(c));
            SendJson(res, 200, {{"conversations", out}});
          }));
    s.Post("/api/conversations",
           WithSession([this](const httplib::Request& req, httplib::Response& res,
                              const Session& session, store::Database& db) {
             auto body = JsonBody(req, res);
             if (!body) return;
             auto title = StringField(*body, "title", 200, res);
             if (!title) return;
             Conversations conversations(db, *deps.clock);
             auto id = conversations.Create(session.user.merchant_id, session.user.id, *title);
             if (!id.ok()) return SendStatus(res, id.status());
             auto c = conversations.Get(session.user.merchant_id, *id);
             if (!c.ok()) return SendStatus(res, c.status());
             SendJson(res, 201, {{"conversation", ConversationJson(*c)}});
           }));
    s.Get(R"(/api/conversations/(\d{1,18}))",
          WithSession([this](const httplib::Request& req, httplib::Response& res,
                             const Session& session, store::Database& db) {
            Conversations conversations(db, *deps.clock);
            int64_t id = std::stoll(req.matches[1]);
            auto c = conversations.Get(session.user.merchant_id, id);
            if (!c.ok()) return SendStatus(res, c.status());
            auto messages = conversations.Messages(session.user.merchant_id, id);
            if (!messages.ok()) return SendStatus(res, messages.status());
            json out = json::array();
            for (const auto& m : *messages) out.push_back(MessageJson(m));
            SendJson(res, 200, {{"conversation", ConversationJson(*c)}, {"messages", out}});
          }));
    s.Delete(R"(/api/conversations/(\d{1,18}))",
             WithSession([this](const httplib::Request& req, httplib::Response& res,
                                const Session& session, store::Database& db) {
               Conversations conversations(db, *deps.clock);
               Status st =
                   conversations.Delete(session.user.merchant_id, std::stoll(req.matches[1]));
               if (!st.ok()) return SendStatus(res, st);
               SendJson(res, 200, {{"ok", true}});
             }));
    s.Post(R"(/api/conversations/(\d{1,18})/messages)",
           WithSession([this](const httplib::Request& req, httplib::Response& res,
                              const Session& session,
                              store::Database& db) { AskInConversation(req, res, session, db); }));

    // Everything else under /api is a JSON 404, not the page.
    auto api_404 = [](const httplib::Request&, httplib::Response& res) {
      SendError(res, MakeError(404, "not_found", "No such API endpoint."));
    };
    s.Get("/api/.*", api_404);
    s.Post("/api/.*", api_404);
    s.Delete("/api/.*", api_404);
    s.Put("/api/.*", api_404);
    s.Patch("/api/.*", api_404);

    s.Get("/.*",
          [this](const httplib::Request& req, httplib::Response& res) { ServeStatic(req, res); });
  }

  json SyncJson(int64_t store_id) {
    auto progress = deps.sync->Progress(store_id);
    json out = json::array();
    if (!progress.ok()) {
      deps.log(Dump({{"level", "warn"},
                     {"event", "sync_status_unreadable"},
                     {"store_id", store_id},
                     {"status", progress.status().ToString()}}));
      return out;
    }
    for (const auto& p : *progress) out.push_back(ProgressJson(p));
    return out;
  }

  static void SendOutcome(httplib::Response& res, const ConnectorOutcome& outcome, int ok_status) {
    json warnings = json::array();
    for (const auto& w : outcome.warnings) warnings.push_back(ProblemJson(w));
    if (outcome.problem) {
      const auto& p = *outcome.problem;
      HttpError e =
          MakeError(p.code == "duplicate_domain" ? 409 : 422, p.code, p.message, p.field, p.hint);
      json body = json::parse(ErrorJson(e));
      body["warnings"] = warnings;
      return SendJson(res, e.http_status, body);
    }
    SendJson(res, ok_status,
             {{"connector", ConnectorJson(outcome.connector)}, {"warnings", warnings}});
  }

  void Login(const httplib::Request& req, httplib::Response& res) {
    // Login has no session yet, so no CSRF token: a JSON content type (which a cross-site form
    // cannot send without a CORS preflight we never grant) and SameSite=Strict stand in for it.
    auto body = JsonBody(req, res);
    if (!body) return;
    auto email = StringField(*body, "email", 320, res);
    if (!email) return;
    auto password = StringField(*body, "password", 1024, res);
    if (!password) return;
    std::string key = NormalizeEmail(*email).value_or(*email);
    int64_t wait_s = limiter.RetryAfter(req.remote_addr, key);
    if (wait_s > 0) {
      res.set_header("Retry-After", std::to_string(wait_s));
      return SendError(res, MakeError(429, "rate_limited",
                                      "Too many failed logins. Try again in " +
                                          std::to_string((wait_s + 59) / 60) + " minutes."));
    }
    auto lease = deps.db->Acquire();
    if (!lease.ok()) return SendStatus(res, lease.status());
    Accounts accounts(**lease, *deps.clock, options.session_ttl_s);
    StatusOr<User> user = UnauthenticatedError("");
    {
      password_slots.acquire();
      user = accounts.VerifyPassword(*email, *password);
      password_slots.release();
    }
    if (!user.ok()) {
      if (user.status().code() == StatusCode::kUnauthenticated) {
        limiter.RecordFailure(req.remote_addr, key);
      }
      return SendStatus(res, user.status());
    }
    limiter.RecordSuccess(req.remote_addr, key);
    // Rotation: whatever session id the browser brought is dropped, and a fresh one is issued.
    (void)accounts.DeleteSession(CookieValue(req, kCookieName));
    auto session = accounts.CreateSession(user->id);
    if (!session.ok()) return SendStatus(res, session.status());
    t_timing.user_id = user->id;
    res.set_header("Set-Cookie", SessionCookie(session->token, options.session_ttl_s));
    SendJson(res, 200, {{"user", UserJson(*user)}, {"csrf_token", session->csrf_token}});
  }

  void AddConnector(const httplib::Request& req, httplib::Response& res, const Session& session) {
    auto body = JsonBody(req, res);
    if (!body) return;
    NewConnectorInput input;
    auto name = StringField(*body, "name", 200, res);
    if (!name) return;
    auto url = StringField(*body, "url", 2048, res);
    if (!url) return;
    auto key = StringField(*body, "consumer_key", 512, res);
    if (!key) return;
    auto secret = StringField(*body, "consumer_secret", 512, res);
    if (!secret) return;
    input.name = *name;
    input.url = *url;
    input.consumer_key = *key;
    input.consumer_secret = *secret;
    ConnectorOutcome outcome = deps.connectors->Add(session.user.merchant_id, input);
    if (!outcome.problem) deps.sync->SyncNow(outcome.connector.id);
    SendOutcome(res, outcome, 201);
  }

  // The stores this question runs over: the requested ones that are the merchant's, else the
  // merchant's enabled ones.
  StatusOr<std::vector<int64_t>> StoresFor(const Session& session, const json& body) {
    CLEVER_ASSIGN_OR_RETURN(auto list, deps.connectors->List(session.user.merchant_id));
    std::vector<int64_t> ids;
    auto it = body.find("store_ids");
    if (it != body.end() && it->is_array()) {
      for (const auto& v : *it) {
        if (!v.is_number_integer()) return InvalidArgumentError("store_ids must be numbers.");
        int64_t id = v.get<int64_t>();
        bool own = std::any_of(list.begin(), list.end(), [&](const ConnectorInfo& c) {
          return c.id == id && c.merchant_id == session.user.merchant_id;
        });
        if (!own) return NotFoundError("No such data connector.");
        ids.push_back(id);
      }
    } else {
      for (const auto& c : list) {
        if (c.enabled && c.merchant_id == session.user.merchant_id) ids.push_back(c.id);
      }
    }
    if (ids.empty()) {
      return FailedPreconditionError(
          "No store is switched on for this conversation. Open \"+ Data connectors\" to connect "
          "a WooCommerce store or switch one on.");
    }
    return ids;
  }

  void AskInConversation(const httplib::Request& req, httplib::Response& res,
                         const Session& session, store::Database& db) {
    auto body = JsonBody(req, res);
    if (!body) return;
    auto question = StringField(*body, "question", options.max_question_bytes, res);
    if (!question) return;
    if (question->find_first_not_of(" \t\r\n") == std::string::npos) {
      return SendError(res,
                       MakeError(400, "invalid_argument", "Type a question first.", "question"));
    }
    int64_t conversation_id = std::stoll(req.matches[1]);
    Conversations conversations(db, *deps.clock);
    auto conversation = conversations.Get(session.user.merchant_id, conversation_id);
    if (!conversation.ok()) return SendStatus(res, conversation.status());
    auto stores = StoresFor(session, *body);
    if (!stores.ok()) return SendStatus(res, stores.status());

    bool stream = req.get_header_value("Accept").find("text/event-stream") != std::string::npos;
    AskInput input{*question, *stores, conversation->context};
    int64_t merchant_id = session.user.merchant_id;
    bool untitled = conversation->title.empty();

    // Runs the question and records both turns; shared by both response forms.
    auto run = [this, input, merchant_id, conversation_id,
                untitled]() -> StatusOr<std::pair<int64_t, json>> {
      // The question is answered first (read-only), then both turns and the new context are
      // written in one transaction: one write lock per question, not six.
      CLEVER_ASSIGN_OR_RETURN(AskOutput out, deps.ask->Ask(input));
      json answer = json::parse(out.answer_json, nullptr, false);
      if (answer.is_discarded() || !answer.is_object()) {
        return InternalError("the assistant returned malformed JSON");
      }
      CLEVER_ASSIGN_OR_RETURN(auto lease, deps.db->Acquire());
      Conversations convs(*lease, *deps.clock);
      int64_t id = 0;
      CLEVER_RETURN_IF_ERROR(lease->Transaction([&]() -> Status {
        CLEVER_RETURN_IF_ERROR(
            convs.AddMessage(merchant_id, conversation_id, "user", input.question).status());
        if (untitled) {
          CLEVER_RETURN_IF_ERROR(
              convs.SetTitle(merchant_id, conversation_id, input.question.substr(0, 80)));
        }
        CLEVER_ASSIGN_OR_RETURN(
            id, convs.AddMessage(merchant_id, conversation_id, "assistant", Dump(answer)));
        return convs.SetContext(merchant_id, conversation_id, out.context);
      }));
      return std::make_pair(id, answer);
    };

    if (!stream) {
      auto result = run();
      if (!result.ok()) return SendStatus(res, result.status());
      return SendJson(res, 200, {{"message_id", result->first}, {"answer", result->second}});
    }
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Accel-Buffering", "no");
    res.set_chunked_content_provider("text/event-stream", [run](size_t, httplib::DataSink& sink) {
      auto write = [&sink](const std::string& event) {
        return sink.write(event.data(), event.size());
      };
      if (!write(SseEvent("status", {{"state", "thinking"}}))) return false;
      auto result = run();
      if (!result.ok()) {
        write(SseEvent("error", json::parse(ErrorJson(HttpErrorFor(result.status())))));
        sink.done();
        return true;
      }
      const json& answer = result->second;
      write(SseEvent("status", {{"state", answer.value("status", "answered")}}));
      write(SseEvent("text", {{"text", answer.value("answer", "")}}));
      if (answer.contains("table") && !answer["table"].is_null()) {
        write(SseEvent("table", answer["table"]));
      }
      if (answer.contains("chart") && !answer["chart"].is_null()) {
        write(SseEvent("chart", answer["chart"]));
      }
      write(SseEvent("done", {{"message_id", result->first}, {"answer", answer}}));
      sink.done();
      return true;
    });
  }

  void ServeStatic(const httplib::Request& req, httplib::Response& res) {
    if (options.web_root.empty()) {
      return SendError(res, MakeError(404, "not_found", "No page is served here."));
    }
    auto file = ResolveStatic(options.web_root, req.path);
    if (!file.ok()) return SendError(res, MakeError(404, "not_found", "Not found."));
    std::ifstream in(file->path, std::ios::binary);
    if (!in) return SendError(res, MakeError(404, "not_found", "Not found."));
    std::ostringstream content;
    content << in.rdbuf();
    res.set_header("Cache-Control", "no-cache");
    res.set_content(content.str(), file->content_type.c_str());
  }

  void Configure() {
    auto& s = *http;
    s.new_task_queue = [n = options.threads] {
      return new httplib::ThreadPool(static_cast<size_t>(std::max(2, n)));
    };
    s.set_payload_max_length(options.max_body_bytes);
    s.set_read_timeout(10, 0);
    s.set_write_timeout(30, 0);
    s.set_keep_alive_max_count(100);
    s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      t_timing.start = std::chrono::steady_clock::now();
      t_timing.user_id = 0;
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Content-Security-Policy", kCsp);
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("X-Frame-Options", "DENY");
      res.set_header("Cross-Origin-Opener-Policy", "same-origin");
      if (tls) res.set_header("Strict-Transport-Security", "max-age=31536000");
      if (req.path.rfind("/api/", 0) == 0) res.set_header("Cache-Control", "no-store");
      // A state-changing request from another origin is refused before it reaches a handler.
      if (IsStateChanging(req.method) && req.has_header("Origin")) {
        std::string origin = req.get_header_value("Origin");
        std::string host = req.get_header_value("Host");
        auto scheme_end = origin.find("://");
        if (scheme_end == std::string::npos || origin.substr(scheme_end + 3) != host) {
          SendError(res, MakeError(403, "cross_origin", "Cross-origin requests are refused."));
          return httplib::Server::HandlerResponse::Handled;
        }
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    s.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string message = res.status == 413   ? "The request is too large."
                                : res.status == 404 ? "Not found."
                                : res.status == 405 ? "Method not allowed."
                                                    : "The request could not be handled.";
          std::string code = res.status == 413   ? "payload_too_large"
                             : res.status == 404 ? "not_found"
                                                 : "bad_request";
          SendError(res, MakeError(res.status, code, message));
          return httplib::Server::HandlerResponse::Handled;
        }));
    s.set_exception_handler(
        [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
          std::string what = "unknown exception";
          try {
            if (ep) std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            what = e.what();
          } catch (...) {  // NOLINT(bugprone-empty-catch): reported below
          }
          deps.log(Dump({{"level", "error"}, {"path", req.path}, {"exception", what}}));
          SendStatus(res, InternalError(what));
        });
    s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                          t_timing.start)
                    .count();
      // Path only: no query string, no headers, no cookies, no bodies.
      json line = {
          {"ts",
           LocalDateTime::FromEpochSecondsAsUtc(deps.clock->NowUnixSeconds()).ToString() + "Z"},
          {"method", req.method},
          {"path", req.path.substr(0, 200)},
          {"status", res.status},
          {"bytes", res.body.size()},
          {"ms", static_cast<int64_t>(ms * 10) / 10.0},
          {"ip", req.remote_addr}};
      if (t_timing.user_id != 0) line["user_id"] = t_timing.user_id;
      deps.log(Dump(line));
    });
    Routes();
  }
};

HubServer::HubServer(HubDeps deps, HubOptions options)
    : impl_(std::make_unique<Impl>(std::move(deps), std::move(options))) {}

HubServer::~HubServer() { Stop(); }

StatusOr<int> HubServer::Bind(const std::string& host, int port) {
  auto& impl = *impl_;
  if (!impl.options.tls_cert.empty() || !impl.options.tls_key.empty()) {
    auto ssl = std::make_unique<httplib::SSLServer>(impl.options.tls_cert.c_str(),
                                                    impl.options.tls_key.c_str());
    if (!ssl->is_valid()) {
      return InvalidArgumentError("the TLS certificate or key could not be loaded (" +
                                  impl.options.tls_cert + ", " + impl.options.tls_key + ")");
    }
    impl.http = std::move(ssl);
    impl.tls = true;
  } else {
    impl.http = std::make_unique<httplib::Server>();
  }
  impl.Configure();
  int bound = 0;
  if (port == 0) {
    bound = impl.http->bind_to_any_port(host);
  } else {
    bound = impl.http->bind_to_port(host, port) ? port : -1;
  }
  if (bound <= 0) {
    return UnavailableError("could not listen on " + host + ":" + std::to_string(port) +
                            " (in use, or not an address of this machine)");
  }
  return bound;
}

Status HubServer::Listen() {
  if (!impl_->http) return FailedPreconditionError("Bind() first");
  if (!impl_->http->listen_after_bind()) return UnavailableError("the server stopped listening");
  return OkStatus();
}

void HubServer::Stop() {
  if (impl_ && impl_->http) impl_->http->stop();
}

bool HubServer::is_running() const { return impl_->http && impl_->http->is_running(); }

}  // namespace clever::server
