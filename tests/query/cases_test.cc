// Data-driven question cases (style.md section 9): tests/query/cases/*.test, one case per file:
//
//   # name: orders/000
//   # as_of: 2025-11-15
//   question: What were sales last month?
//   plan: metric=gross_sales period=last_month[2025-10-01..2025-10-31]
//   ----
//   number 1014.86 0.01 0.005      | insufficient | out_of_scope
//   entity / list K / set, then one expected entity per line ("alias | alias", list: "score\t...")
//
// Expected values come from the evaluation's independent truth module (gen_cases.py) on the small
// fixture store tests/query/fixture_store. The plan line is QueryPlan::ToString(); with
// CLEVER_UPDATE_CASES=1 the runner writes the current plan into files whose plan is "?".
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "query/assistant.h"
#include "query/text.h"
#include "store/database.h"
#include "store/derived.h"
#include "store/schema.h"
#include "tests/testing/dump_loader.h"

namespace clever::query {
namespace {

std::string Norm(std::string s) {
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"&amp;", "&"}, {"\xE2\x80\x93", "-"}, {"\xE2\x80\x94", "-"}}) {
    for (size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
  }
  s = ToLower(Trim(s));
  std::string out;
  for (char c : s) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  while (!out.empty() && std::string(" \"'`.").find(out.back()) != std::string::npos)
    out.pop_back();
  while (!out.empty() && std::string(" \"'`.").find(out.front()) != std::string::npos)
    out.erase(0, 1);
  if (!out.empty() && out[0] == '#') out = Trim(out.substr(1));
  return out;
}

std::vector<std::string> Aliases(const std::string& line) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= line.size()) {
    size_t j = line.find(" | ", i);
    if (j == std::string::npos) j = line.size();
    out.push_back(Norm(line.substr(i, j - i)));
    i = j + 3;
  }
  return out;
}

bool Matches(const std::vector<std::string>& aliases, const std::string& name) {
  std::string n = Norm(name);
  return !n.empty() && std::find(aliases.begin(), aliases.end(), n) != aliases.end();
}

std::string CellString(const Cell& c) {
  if (std::holds_alternative<std::string>(c)) return std::get<std::string>(c);
  if (std::holds_alternative<int64_t>(c)) return std::to_string(std::get<int64_t>(c));
  if (std::holds_alternative<double>(c)) return std::to_string(std::get<double>(c));
  return "";
}

std::optional<double> CellNumber(const Cell& c) {
  if (std::holds_alternative<int64_t>(c)) return static_cast<double>(std::get<int64_t>(c));
  if (std::holds_alternative<double>(c)) return std::get<double>(c);
  return std::nullopt;
}

struct Case {
  std::string path, name, as_of, question, plan;
  std::vector<std::string> expect;  // lines after ----
};

Case ReadCase(const std::string& path) {
  Case c;
  c.path = path;
  std::ifstream in(path);
  std::string line;
  bool body = false;
  while (std::getline(in, line)) {
    if (body) {
      if (!line.empty()) c.expect.push_back(line);
    } else if (line == "----") {
      body = true;
    } else if (line.rfind("# name: ", 0) == 0) {
      c.name = line.substr(8);
    } else if (line.rfind("# as_of: ", 0) == 0) {
      c.as_of = line.substr(9);
    } else if (line.rfind("question: ", 0) == 0) {
      c.question = line.substr(10);
    } else if (line.rfind("plan: ", 0) == 0) {
      c.plan = line.substr(6);
    }
  }
  return c;
}

void WritePlan(const std::string& path, const std::string& plan) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t p = text.find("\nplan: ");
  size_t e = text.find('\n', p + 1);
  text.replace(p + 1, e - p - 1, "plan: " + plan);
  std::ofstream(path) << text;
}

// Returns "" when the answer passes, else why not.
std::string Check(const Case& c, const Answer& a) {
  const std::string& head = c.expect.at(0);
  if (head == "out_of_scope") {
    return a.status == "out_of_scope" || a.status == "insufficient_data" ? ""
                                                                         : "answered: " + a.text;
  }
  if (head == "insufficient") {
    return a.status == "insufficient_data" ||
                   (a.status == "answered" && std::holds_alternative<std::nullptr_t>(a.value))
               ? ""
               : "expected insufficient_data, got " + a.status + ": " + a.text;
  }
  if (a.status != "answered") return "refused: " + a.text;
  if (head.rfind("number ", 0) == 0) {
    std::istringstream is(head.substr(7));
    double v = 0, abs_tol = 0.01, rel_tol = 0.005;
    is >> v >> abs_tol >> rel_tol;
    auto got = CellNumber(a.value);
    if (!got) return "no numeric value: " + a.text;
    double diff = std::fabs(*got - v);
    if (diff <= abs_tol + 1e-9 || (rel_tol > 0 && diff <= rel_tol * std::fabs(v))) return "";
    return "value " + std::to_string(*got) + ", expected " + std::to_string(v);
  }
  if (head == "entity") {
    std::string got =
        std::holds_alternative<std::string>(a.value) ? std::get<std::string>(a.value) : "";
    std::string row0 = a.rows.empty() || a.rows[0].empty() ? "" : CellString(a.rows[0][0]);
    for (size_t i = 1; i < c.expect.size(); ++i) {
      auto al = Aliases(c.expect[i]);
      if (Matches(al, got) || Matches(al, row0)) return "";
    }
    return "entity '" + got + "' not acceptable";
  }
  if (head.rfind("list ", 0) == 0) {
    size_t k = static_cast<size_t>(std::atoi(head.c_str() + 5));
    std::vector<std::pair<double, std::vector<std::string>>> ranking;
    for (size_t i = 1; i < c.expect.size(); ++i) {
      size_t tab = c.expect[i].find('\t');
      ranking.emplace_back(std::atof(c.expect[i].substr(0, tab).c_str()),
                           Aliases(c.expect[i].substr(tab + 1)));
    }
    size_t need = std::min(k, ranking.size());
    if (a.rows.size() < need) return "only " + std::to_string(a.rows.size()) + " rows";
    for (size_t i = 0; i < need; ++i) {
      std::string name = CellString(a.rows[i][0]);
      bool ok = false;
      for (const auto& [score, al] : ranking) {
        if (Matches(al, name) && std::fabs(score - ranking[i].first) < 1e-6) ok = true;
      }
      if (!ok) return "row " + std::to_string(i) + " '" + name + "' out of order";
    }
    return "";
  }
  if (head == "set") {
    std::vector<bool> found(c.expect.size(), false);
    for (const auto& row : a.rows) {
      std::string name = CellString(row.at(0));
      bool ok = false;
      for (size_t i = 1; i < c.expect.size(); ++i) {
        if (Matches(Aliases(c.expect[i]), name)) {
          found[i] = true;
          ok = true;
        }
      }
      if (!ok) return "unexpected '" + name + "'";
    }
    for (size_t i = 1; i < c.expect.size(); ++i) {
      if (!found[i]) return "missing '" + c.expect[i] + "'";
    }
    return "";
  }
  return "bad expectation line: " + head;
}

// `with_derived`: the derived tables (store/derived.h) are built, as after a sync, so the SQL
// takes the fast paths wherever they apply; the answers must be the same.
void RunEveryCase(bool with_derived) {
  auto db = store::OpenSqlite(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(store::Migrate(**db).ok());
  const std::string dir = std::string(CLEVER_SOURCE_DIR) + "/tests/query/";
  auto loaded = testing::LoadDumpFolder(**db, dir + "fixture_store", "fixture");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  if (with_derived) {
    ASSERT_TRUE(store::RefreshDerived(**db, loaded->store_id).ok());
    auto d = store::ReadDerived(**db, loaded->store_id);
    ASSERT_TRUE(d.ok() && d->fresh);
  }
  Assistant assistant(**db);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir + "cases")) {
    if (e.path().extension() == ".test") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 300u);
  const bool update = std::getenv("CLEVER_UPDATE_CASES") != nullptr;
  int failures = 0;
  std::map<std::string, int> per_category;
  for (const std::string& f : files) {
    Case c = ReadCase(f);
    ASSERT_FALSE(c.expect.empty()) << f;
    auto as_of = ParseCivilDate(c.as_of);
    ASSERT_TRUE(as_of.ok()) << f;
    Answer a = assistant.Ask({c.question, {loaded->store_id}, *as_of, ""});
    const std::string actual_plan = a.plan_text.empty() ? "-" : a.plan_text;
    if (update && c.plan == "?") {
      WritePlan(f, actual_plan);
      c.plan = actual_plan;
    }
    std::string why = Check(c, a);
    if (why.empty() && c.plan != "?" && c.plan != actual_plan) {
      why = "plan changed:\n    expected " + c.plan + "\n    actual   " + actual_plan;
    }
    if (!why.empty()) {
      ++failures;
      ADD_FAILURE() << c.name << " (" << f << ")\n  question: " << c.question << "\n  " << why
                    << "\n  plan: " << actual_plan;
    }
    ++per_category[c.name.substr(0, c.name.find('/'))];
  }
  EXPECT_EQ(failures, 0) << "of " << files.size() << " cases";
  EXPECT_GE(per_category.size(), 10u);  // nine categories + out of scope
}

TEST(QuestionCasesTest, EveryCaseFileAnswersAsTheTruthSays) { RunEveryCase(false); }

TEST(QuestionCasesTest, EveryCaseAnswersTheSameFromTheDerivedTables) { RunEveryCase(true); }

}  // namespace
}  // namespace clever::query
