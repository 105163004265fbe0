// Pure helpers of the PostgreSQL backend (no libpq here, so they are unit-tested without a server):
// `?` -> `$n` renumbering, SQLSTATE -> Status, result text -> Value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/database.h"

namespace clever::store::internal {

// Type OIDs from PostgreSQL's pg_type.dat (stable across versions).
inline constexpr uint32_t kBoolOid = 16;
inline constexpr uint32_t kInt8Oid = 20;
inline constexpr uint32_t kInt2Oid = 21;
inline constexpr uint32_t kInt4Oid = 23;
inline constexpr uint32_t kTextOid = 25;
inline constexpr uint32_t kOidOid = 26;
inline constexpr uint32_t kFloat4Oid = 700;
inline constexpr uint32_t kFloat8Oid = 701;
inline constexpr uint32_t kNumericOid = 1700;

struct PgStatement {
  std::string sql;      // with $1..$n
  int param_count = 0;  // n
};

// Replaces every `?` outside string literals ('...', E'...', $tag$...$tag$), quoted identifiers
// ("...") and comments (-- and nested /* */) by $1, $2, ... in order. SQL that already uses $n
// placeholders is passed through (param_count = the largest n); mixing both styles, and an
// unterminated literal, identifier or comment, are kInvalidArgument. PostgreSQL's `?`-operators
// (jsonb ?, ?|, ?&) cannot be written through this interface.
StatusOr<PgStatement> RenumberPlaceholders(std::string_view sql);

// Maps a five-character SQLSTATE to a Status carrying `message`. `connection_ok` is false when the
// connection is gone (an error without SQLSTATE then means kUnavailable, not kInternal).
Status StatusFromSqlState(std::string_view sqlstate, std::string message, bool connection_ok);

// Converts one text-format result cell of type `type_oid` to a Value: int2/int4/int8/oid ->
// int64; float4/float8 -> double; numeric -> int64 when written without a fraction or exponent and
// within int64 (sum() of BIGINT is NUMERIC), else double; bool -> 0/1; everything else -> text.
Value ValueFromPgText(uint32_t type_oid, std::string_view text);

}  // namespace clever::store::internal
