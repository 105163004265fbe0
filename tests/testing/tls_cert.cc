#include "testing/tls_cert.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace clever::test {

std::string MakeTempDir(const std::string& prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const char* dir = mkdtemp(buf.data());
  return dir != nullptr ? std::string(dir) : std::string();
}

StatusOr<TlsFiles> MakeSelfSignedCert() {
  TlsFiles files;
  files.dir = MakeTempDir("clever-tls-");
  if (files.dir.empty()) return InternalError("mkdtemp failed");
  files.cert_pem = files.dir + "/cert.pem";
  files.key_pem = files.dir + "/key.pem";
  const std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1 "
      "-keyout " +
      files.key_pem + " -out " + files.cert_pem + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return InternalError("openssl req failed: " + cmd);
  return files;
}

}  // namespace clever::test
