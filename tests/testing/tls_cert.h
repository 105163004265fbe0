// A throw-away self-signed certificate for loopback HTTPS tests (CN=localhost, SAN localhost,
// 127.0.0.1 and ::1), made with the openssl command-line tool into a temporary directory.
#pragma once

#include <string>

#include "common/status.h"

namespace clever::test {

struct TlsFiles {
  std::string dir;
  std::string cert_pem;  // also the CA file to trust
  std::string key_pem;
};

// kInternal when the openssl tool fails.
StatusOr<TlsFiles> MakeSelfSignedCert();

// A fresh directory under $TMPDIR (or /tmp); removed by the caller if wanted.
std::string MakeTempDir(const std::string& prefix);

}  // namespace clever::test
