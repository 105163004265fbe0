#include "tests/store/pg_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "store/database.h"

namespace clever::test {
namespace {

namespace fs = std::filesystem;

struct Identity {
  bool switch_user = false;  // true when running as root: become `postgres`
  uid_t uid = 0;
  gid_t gid = 0;
};

std::string Tail(const std::string& path, size_t max_chars = 2000) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > max_chars) text = "..." + text.substr(text.size() - max_chars);
  return text;
}

// fork + exec `argv` with stdout/stderr appended to `log`, as `who`, in `cwd`. With
// `die_with_parent` the child gets SIGQUIT (PostgreSQL's immediate shutdown) when this process
// dies, so a crashed or killed test leaves no server behind.
StatusOr<pid_t> Spawn(const std::vector<std::string>& args, const std::string& log,
                      const std::string& cwd, const Identity& who, bool die_with_parent) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return InternalError("cannot open " + log);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return InternalError("fork failed");
  }
  if (pid == 0) {
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    if (who.switch_user) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0) {
        ::_exit(125);
      }
    }
    // After the identity change, which clears the parent-death signal.
    if (die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
      if (::getppid() != parent) ::_exit(124);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

StatusOr<int> WaitExit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return InternalError("waitpid failed");
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

StatusOr<int> FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return InternalError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return InternalError("cannot bind a loopback port");
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

bool IsUrl(const std::string& conninfo) {
  return conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0;
}

// `conninfo` with search_path set to `schema` (keyword form or URL).
std::string WithSearchPath(const std::string& conninfo, const std::string& schema) {
  if (IsUrl(conninfo)) {
    return conninfo + (conninfo.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema;
  }
  return conninfo + " options='-csearch_path=" + schema + "'";
}

// Removes what test processes killed before their clean-up left in /tmp (their servers died with
// them): directories with no live postmaster, untouched for 10 minutes (so a concurrent test still
// inside initdb is left alone).
void RemoveStaleServerDirs() {
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::minutes(10);
  for (const auto& entry : fs::directory_iterator("/tmp", ec)) {
    if (entry.path().filename().string().rfind("clever-pg-", 0) != 0) continue;
    std::error_code time_ec;
    if (fs::last_write_time(entry.path(), time_ec) > cutoff || time_ec) continue;
    std::ifstream pid_file(entry.path() / "data" / "postmaster.pid");
    long pid = 0;
    if (pid_file >> pid && pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) {
      continue;  // a server still runs there
    }
    fs::remove_all(entry.path(), time_ec);
  }
}

}  // namespace

StatusOr<std::string> PgTestServer::FindBinDir() {
  auto has_binaries = [](const fs::path& dir) {
    return ::access((dir / "initdb").c_str(), X_OK) == 0 &&
           ::access((dir / "postgres").c_str(), X_OK) == 0;
  };
  if (const char* env = std::getenv("CLEVER_PG_BINDIR"); env != nullptr && *env != '\0') {
    if (has_binaries(env)) return std::string(env);
    return FailedPreconditionError(std::string("CLEVER_PG_BINDIR=") + env +
                                   " holds no initdb/postgres executables");
  }
  std::vector<std::pair<int, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string version = entry.path().filename().string();
    const int major = std::atoi(version.c_str());
    if (major > 0 && has_binaries(entry.path() / "bin")) found.emplace_back(major, entry.path());
  }
  if (found.empty()) {
    return FailedPreconditionError(
        "PostgreSQL server binaries (initdb, postgres) not found in /usr/lib/postgresql/*/bin: "
        "the PostgreSQL backend tests need them. Install them (Debian: apt-get install "
        "postgresql; scripts/install-deps does), set CLEVER_PG_BINDIR to their directory, or set "
        "CLEVER_TEST_POSTGRES_URL to a server the tests may create schemas in");
  }
  std::sort(found.begin(), found.end());
  return (found.back().second / "bin").string();
}

StatusOr<PgTestServer*> PgTestServer::Shared() {
  static std::unique_ptr<PgTestServer> server;
  static Status start_status;
  static bool tried = false;
  if (!tried) {
    tried = true;
    server.reset(new PgTestServer());
    start_status = server->Start();
    if (!start_status.ok()) server.reset();
  }
  if (!start_status.ok()) return start_status;
  return server.get();
}

Status PgTestServer::Start() {
  if (const char* url = std::getenv("CLEVER_TEST_POSTGRES_URL"); url != nullptr && *url != '\0') {
    external_url_ = url;
    conninfo_ = url;
    auto db = store::OpenPostgres(conninfo_);
    if (!db.ok()) {
      return db.status().WithContext("CLEVER_TEST_POSTGRES_URL does not connect");
    }
    return OkStatus();
  }
  CLEVER_ASSIGN_OR_RETURN(std::string bin, FindBinDir());

  Identity who;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      return FailedPreconditionError(
          "running as root, and PostgreSQL refuses root, but there is no `postgres` user to run "
          "initdb/postgres as (the postgresql package creates it)");
    }
    who = {true, pw->pw_uid, pw->pw_gid};
  }
  RemoveStaleServerDirs();
  char tmpl[] = "/tmp/clever-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return InternalError("mkdtemp failed");
  dir_ = tmpl;
  if (who.switch_user && ::chown(dir_.c_str(), who.uid, who.gid) != 0) {
    return InternalError("cannot chown " + dir_ + " to postgres");
  }
  const std::string data = dir_ + "/data";
  const std::string initdb_log = dir_ + "/initdb.log";
  CLEVER_ASSIGN_OR_RETURN(
      pid_t initdb, Spawn({bin + "/initdb", "--no-sync", "--auth=trust", "--username=postgres",
                           "--encoding=UTF8", "--locale=C", "-D", data},
                          initdb_log, dir_, who, /*die_with_parent=*/true));
  CLEVER_ASSIGN_OR_RETURN(int initdb_rc, WaitExit(initdb));
  if (initdb_rc != 0) {
    return InternalError("initdb failed (exit " + std::to_string(initdb_rc) + "):\n" +
                         Tail(initdb_log));
  }

  const std::string server_log = dir_ + "/server.log";
  for (int attempt = 0; attempt < 3; ++attempt) {  // a port taken between probe and bind: retry
    CLEVER_ASSIGN_OR_RETURN(port_, FreeLoopbackPort());
    CLEVER_ASSIGN_OR_RETURN(postmaster_, Spawn({bin + "/postgres",
                                                "-D",
                                                data,
                                                "-p",
                                                std::to_string(port_),
                                                "-c",
                                                "listen_addresses=127.0.0.1",
                                                "-c",
                                                "unix_socket_directories=" + dir_,
                                                "-c",
                                                "fsync=off",
                                                "-c",
                                                "synchronous_commit=off",
                                                "-c",
                                                "full_page_writes=off",
                                                "-c",
                                                "shared_buffers=16MB",
                                                "-c",
                                                "max_connections=50",
                                                "-c",
                                                "max_wal_size=256MB"},
                                               server_log, dir_, who, /*die_with_parent=*/true));
    conninfo_ = "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
    const std::string ping = conninfo_ + " connect_timeout=2";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(ping.c_str()) == PQPING_OK) return OkStatus();
      int status = 0;
      if (::waitpid(postmaster_, &status, WNOHANG) == postmaster_) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!exited) {
      Stop();
      return UnavailableError("PostgreSQL did not accept connections within 30 s:\n" +
                              Tail(server_log));
    }
    postmaster_ = -1;
  }
  return UnavailableError("PostgreSQL failed to start 3 times:\n" + Tail(server_log));
}

void PgTestServer::Stop() {
  if (postmaster_ > 0) {
    ::kill(postmaster_, SIGINT);  // fast shutdown
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    int status = 0;
    while (::waitpid(postmaster_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(postmaster_, SIGKILL);
        ::waitpid(postmaster_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    postmaster_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
  }
}

PgTestServer::~PgTestServer() {
  if (!external_url_.empty() && admin_ != nullptr) {
    for (const std::string& schema : created_schemas_) {
      (void)admin_->ExecuteScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }
  admin_.reset();
  Stop();
}

StatusOr<std::string> PgTestServer::CreateSchema() {
  const std::string schema =
      "clever_test_" + std::to_string(::getpid()) + "_" + std::to_string(++schemas_);
  if (admin_ == nullptr) {
    CLEVER_ASSIGN_OR_RETURN(admin_, store::OpenPostgres(conninfo_));
  }
  CLEVER_RETURN_IF_ERROR(admin_->ExecuteScript("CREATE SCHEMA " + schema));
  created_schemas_.push_back(schema);
  return schema;
}

StatusOr<std::string> PgTestServer::FreshSchema() {
  CLEVER_ASSIGN_OR_RETURN(std::string schema, CreateSchema());
  return WithSearchPath(conninfo_, schema);
}

StatusOr<std::string> PgTestServer::FreshSchemaUrl() {
  CLEVER_ASSIGN_OR_RETURN(std::string schema, CreateSchema());
  if (IsUrl(conninfo_)) return WithSearchPath(conninfo_, schema);
  // Keyword form -> "postgresql://?host=...&port=...": libpq takes any keyword as a URL option.
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo_.c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return InternalError("cannot parse " + conninfo_);
  }
  std::string url = "postgresql://";
  char sep = '?';
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    url += sep;
    url += o->keyword;
    url += '=';
    for (const char* c = o->val; *c != '\0'; ++c) {
      const auto u = static_cast<unsigned char>(*c);
      if (std::isalnum(u) || *c == '.' || *c == '-' || *c == '_' || *c == '/') {
        url += *c;
      } else {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", u);
        url += hex;
      }
    }
    sep = '&';
  }
  PQconninfoFree(options);
  return WithSearchPath(url, schema);
}

}  // namespace clever::test
