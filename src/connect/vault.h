// Vault: encrypts connector credentials at rest with libsodium's XChaCha20-Poly1305 AEAD
// (crypto_aead_xchacha20poly1305_ietf). The 32-byte master key comes from $CLEVER_MASTER_KEY
// (base64 or hex) or from <home>/master.key, created with mode 0600 on first use (a key file
// readable by group or others is refused). A sealed blob binds associated data (the connector's
// store_domain), so a blob copied onto another connector's row does not open.
// Sealed format: base64("cv1" || 24-byte nonce || ciphertext+tag). Thread-safe (immutable).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/status.h"

namespace clever::connect {

class Vault {
 public:
  static constexpr size_t kKeyBytes = 32;

  // $CLEVER_MASTER_KEY when set (kInvalidArgument unless it decodes to 32 bytes), else
  // <home>/master.key (created 0600 if missing; kFailedPrecondition if its mode lets group or
  // others read it, or it does not hold a valid key).
  static StatusOr<Vault> Open(const std::string& home);
  // A vault over the given raw key (tests, tools). kInvalidArgument unless 32 bytes.
  static StatusOr<Vault> FromKey(std::string_view raw_key);

  Vault(const Vault&) = default;
  Vault& operator=(const Vault&) = default;
  ~Vault();

  // Encrypts `plaintext`, binding `associated_data`.
  StatusOr<std::string> Seal(std::string_view plaintext, std::string_view associated_data) const;
  // kDataLoss when the blob is malformed, was tampered with, was sealed with another master key
  // or with other associated data (the message says which checks failed, never any content).
  StatusOr<std::string> Unseal(std::string_view sealed, std::string_view associated_data) const;

 private:
  Vault() = default;
  std::array<unsigned char, kKeyBytes> key_{};
};

// Decodes a master key given as 64 hex characters or base64 (standard or URL-safe, padded or
// not) of 32 bytes. kInvalidArgument otherwise.
StatusOr<std::string> DecodeMasterKey(std::string_view text);

}  // namespace clever::connect
