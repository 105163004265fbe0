#include "connect/vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace clever::connect {
namespace {

constexpr std::string_view kMagic = "cv1";

Status EnsureSodium() {
  if (sodium_init() < 0) return InternalError("libsodium failed to initialise");
  return OkStatus();
}

std::string ToBase64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool FromBase64(std::string_view text, int variant, std::vector<unsigned char>& out) {
  out.assign(text.size(), 0);
  size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        variant) != 0) {
    return false;
  }
  out.resize(len);
  return true;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::strchr(" \t\r\n", s.front()) != nullptr) s.remove_prefix(1);
  while (!s.empty() && std::strchr(" \t\r\n", s.back()) != nullptr) s.remove_suffix(1);
  return std::string(s);
}

StatusOr<std::string> ReadOrCreateKeyFile(const std::string& path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      struct stat st {};
      if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return FailedPreconditionError("the master key file " + path + " is not a regular file");
      }
      if ((st.st_mode & 077) != 0) {
        ::close(fd);
        return FailedPreconditionError("the master key file " + path +
                                       " is readable by other users; run: chmod 600 " + path);
      }
      char buf[256];
      const ssize_t n = ::read(fd, buf, sizeof(buf));
      ::close(fd);
      if (n <= 0) {
        // A concurrent creator may not have written yet.
        if (attempt == 0) {
          usleep(50'000);
          continue;
        }
        return FailedPreconditionError("the master key file " + path + " is empty");
      }
      StatusOr<std::string> key = DecodeMasterKey(Trim(std::string_view(buf, n)));
      sodium_memzero(buf, sizeof(buf));
      if (!key.ok()) {
        return FailedPreconditionError("the master key file " + path +
                                       " does not hold a valid key: " + key.status().message());
      }
      return key;
    }
    if (errno != ENOENT) {
      return FailedPreconditionError("cannot open the master key file " + path + ": " +
                                     std::strerror(errno));
    }
    const int created = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                               0600);
    if (created < 0) {
      if (errno == EEXIST) continue;  // lost a creation race: read the winner's key
      return FailedPreconditionError("cannot create the master key file " + path + ": " +
                                     std::strerror(errno));
    }
    unsigned char raw[Vault::kKeyBytes];
    randombytes_buf(raw, sizeof(raw));
    const std::string text = ToBase64(raw, sizeof(raw)) + "\n";
    const bool ok = ::write(created, text.data(), text.size()) ==
                        static_cast<ssize_t>(text.size()) &&
                    ::fsync(created) == 0;
    ::close(created);
    std::string key(reinterpret_cast<char*>(raw), sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    if (!ok) {
      ::unlink(path.c_str());
      return FailedPreconditionError("cannot write the master key file " + path);
    }
    return key;
  }
  return FailedPreconditionError("cannot read the master key file " + path);
}

}  // namespace

StatusOr<std::string> DecodeMasterKey(std::string_view text) {
  CLEVER_RETURN_IF_ERROR(EnsureSodium());
  const std::string trimmed = Trim(text);
  std::vector<unsigned char> bin;
  if (trimmed.size() == 2 * Vault::kKeyBytes) {
    bin.assign(Vault::kKeyBytes, 0);
    size_t len = 0;
    if (sodium_hex2bin(bin.data(), bin.size(), trimmed.data(), trimmed.size(), nullptr, &len,
                       nullptr) == 0 &&
        len == Vault::kKeyBytes) {
      return std::string(bin.begin(), bin.end());
    }
  }
  for (const int variant :
       {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
        sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (FromBase64(trimmed, variant, bin) && bin.size() == Vault::kKeyBytes) {
      return std::string(bin.begin(), bin.end());
    }
  }
  return InvalidArgumentError(
      "the master key must be 32 bytes written as 64 hex characters or base64");
}

Vault::~Vault() { sodium_memzero(key_.data(), key_.size()); }

StatusOr<Vault> Vault::FromKey(std::string_view raw_key) {
  CLEVER_RETURN_IF_ERROR(EnsureSodium());
  if (raw_key.size() != kKeyBytes) return InvalidArgumentError("the master key must be 32 bytes");
  Vault vault;
  std::memcpy(vault.key_.data(), raw_key.data(), kKeyBytes);
  return vault;
}

StatusOr<Vault> Vault::Open(const std::string& home) {
  CLEVER_RETURN_IF_ERROR(EnsureSodium());
  if (const char* env = std::getenv("CLEVER_MASTER_KEY"); env != nullptr && env[0] != '\0') {
    StatusOr<std::string> key = DecodeMasterKey(env);
    if (!key.ok()) return InvalidArgumentError("CLEVER_MASTER_KEY: " + key.status().message());
    return FromKey(*key);
  }
  if (home.empty()) return InvalidArgumentError("no home directory for the master key file");
  CLEVER_ASSIGN_OR_RETURN(std::string key, ReadOrCreateKeyFile(home + "/master.key"));
  StatusOr<Vault> vault = FromKey(key);
  sodium_memzero(key.data(), key.size());
  return vault;
}

StatusOr<std::string> Vault::Seal(std::string_view plaintext,
                                  std::string_view associated_data) const {
  std::vector<unsigned char> out(kMagic.size() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                 plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  std::memcpy(out.data(), kMagic.data(), kMagic.size());
  unsigned char* nonce = out.data() + kMagic.size();
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;  // NOLINT(google-runtime-int): libsodium's type
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(associated_data.data()), associated_data.size(),
      nullptr, nonce, key_.data());
  return ToBase64(out.data(), out.size());
}

StatusOr<std::string> Vault::Unseal(std::string_view sealed,
                                    std::string_view associated_data) const {
  std::vector<unsigned char> bin;
  const size_t overhead = kMagic.size() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                          crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (!FromBase64(sealed, sodium_base64_VARIANT_ORIGINAL, bin) || bin.size() < overhead ||
      std::memcmp(bin.data(), kMagic.data(), kMagic.size()) != 0) {
    return DataLossError("stored credentials are malformed");
  }
  const unsigned char* nonce = bin.data() + kMagic.size();
  const unsigned char* cipher = nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  const size_t cipher_len = bin.size() - kMagic.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string plain(cipher_len - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plain_len = 0;  // NOLINT(google-runtime-int)
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr, cipher, cipher_len,
          reinterpret_cast<const unsigned char*>(associated_data.data()), associated_data.size(),
          nonce, key_.data()) != 0) {
    return DataLossError(
        "stored credentials cannot be decrypted: the master key changed, or the record was "
        "altered or belongs to another store");
  }
  plain.resize(plain_len);
  return plain;
}

}  // namespace clever::connect
