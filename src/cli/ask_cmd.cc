// `clever ask` and `clever chat`: the assistant from the command line (query helper's file).
//
//   clever ask [--home DIR] [--store NAME]... [--as-of YYYY-MM-DD] [--json] [--session ID|new]
//              "question"
//   clever chat [--home DIR] [--store NAME]... [--as-of YYYY-MM-DD]
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/home.h"
#include "common/clock.h"
#include "common/dates.h"
#include "query/assistant.h"

namespace clever::cli {
namespace {

struct AskOptions {
  std::string home;
  std::vector<std::string> stores;
  std::string as_of;
  bool json = false;
  std::string session;
  std::string question;
};

std::string NowIso() {
  int64_t s = Clock::Real().NowUnixSeconds();
  return LocalDateTime::FromEpochSecondsAsUtc(s).ToString() + "Z";
}

void PrintError(bool json, const std::string& message) {
  query::Answer a = query::InsufficientAnswer(message, {});
  if (json) {
    std::cout << query::AnswerToJson(a) << std::endl;
  } else {
    std::cerr << "clever: " << message << "\n";
  }
}

int RunAsk(const AskOptions& o) {
  std::optional<CivilDate> as_of;
  if (!o.as_of.empty()) {
    auto d = ParseCivilDate(o.as_of);
    if (!d.ok() || o.as_of.size() != 10) {
      PrintError(o.json, "--as-of must be a date YYYY-MM-DD");
      return 2;
    }
    as_of = *d;
  }
  auto home = ResolveHome(o.home);
  if (!home.ok()) {
    PrintError(o.json, std::string(home.status().message()));
    return 1;
  }
  auto db = OpenHomeDatabase(*home);
  if (!db.ok()) {
    PrintError(o.json, "cannot open Clever's database: " + std::string(db.status().message()));
    return 1;
  }
  auto stores = query::ResolveStores(**db, o.stores);
  if (!stores.ok()) {
    PrintError(o.json, std::string(stores.status().message()));
    return 1;
  }
  int64_t session = 0;
  std::string context;
  if (!o.session.empty()) {
    if (o.session != "new") {
      try {
        session = std::stoll(o.session);
      } catch (...) {
        PrintError(o.json, "--session takes a conversation id or 'new'");
        return 2;
      }
      auto ctx = query::ConversationContext(**db, session);
      if (!ctx.ok()) {
        PrintError(o.json, std::string(ctx.status().message()));
        return 1;
      }
      context = *ctx;
    } else {
      auto id = query::StartConversation(**db, o.question, NowIso());
      if (!id.ok()) {
        PrintError(o.json, std::string(id.status().message()));
        return 1;
      }
      session = *id;
    }
  }
  query::Assistant assistant(**db);
  query::Answer answer = assistant.Ask({o.question, *stores, as_of, context});
  if (session != 0) {
    Status st = query::RecordTurn(**db, session, o.question, answer, NowIso());
    if (!st.ok()) std::cerr << "clever: could not save the conversation: " << st.message() << "\n";
  }
  if (o.json) {
    std::string json = query::AnswerToJson(answer);
    if (session != 0) json.insert(json.size() - 1, ",\"session\":" + std::to_string(session));
    std::cout << json << std::endl;
  } else {
    std::cout << query::AnswerToText(answer);
    if (session != 0) std::cout << "(conversation " << session << ")\n";
  }
  return 0;
}

int RunChat(const AskOptions& o) {
  std::optional<CivilDate> as_of;
  if (!o.as_of.empty()) {
    auto d = ParseCivilDate(o.as_of);
    if (!d.ok()) {
      std::cerr << "clever: --as-of must be a date YYYY-MM-DD\n";
      return 2;
    }
    as_of = *d;
  }
  auto home = ResolveHome(o.home);
  if (!home.ok()) {
    std::cerr << "clever: " << home.status().message() << "\n";
    return 1;
  }
  auto db = OpenHomeDatabase(*home);
  if (!db.ok()) {
    std::cerr << "clever: cannot open Clever's database: " << db.status().message() << "\n";
    return 1;
  }
  auto stores = query::ResolveStores(**db, o.stores);
  if (!stores.ok()) {
    std::cerr << "clever: " << stores.status().message() << "\n";
    return 1;
  }
  auto session = query::StartConversation(**db, "chat", NowIso());
  if (!session.ok()) {
    std::cerr << "clever: " << session.status().message() << "\n";
    return 1;
  }
  query::Assistant assistant(**db);
  std::cout << "Ask about your store (empty line or Ctrl-D to quit). Conversation " << *session
            << ".\n";
  std::string context;
  std::string line;
  while (true) {
    std::cout << "> " << std::flush;
    if (!std::getline(std::cin, line) || line.empty()) break;
    query::Answer answer = assistant.Ask({line, *stores, as_of, context});
    if (!answer.context.empty()) context = answer.context;
    (void)query::RecordTurn(**db, *session, line, answer, NowIso());
    std::cout << query::AnswerToText(answer) << "\n";
  }
  return 0;
}

}  // namespace

void RegisterAskCommands(CLI::App& app, CliState& state) {
  auto opts = std::make_shared<AskOptions>();
  CLI::App* ask = app.add_subcommand("ask", "Ask a question about your store");
  ask->add_option("--home", opts->home, "Clever's home directory");
  ask->add_option("--store", opts->stores, "Store (connector) name; repeat for several");
  ask->add_option("--as-of", opts->as_of, "Pin 'today' (store-local YYYY-MM-DD)");
  ask->add_flag("--json", opts->json, "Print one JSON object");
  ask->add_option("--session", opts->session, "Continue conversation ID (or 'new')");
  ask->add_option("question", opts->question, "The question")->required();
  ask->callback([opts, &state]() { state.exit_code = RunAsk(*opts); });

  auto chat_opts = std::make_shared<AskOptions>();
  CLI::App* chat = app.add_subcommand("chat", "Talk to the assistant (interactive)");
  chat->add_option("--home", chat_opts->home, "Clever's home directory");
  chat->add_option("--store", chat_opts->stores, "Store (connector) name; repeat for several");
  chat->add_option("--as-of", chat_opts->as_of, "Pin 'today' (store-local YYYY-MM-DD)");
  chat->callback([chat_opts, &state]() { state.exit_code = RunChat(*chat_opts); });
}

}  // namespace clever::cli
