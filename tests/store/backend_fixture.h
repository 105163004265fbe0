// Runs a test body against each store::Database backend: TEST_P(BackendTest, ...) in a file linked
// into both store_test (instantiated for SQLite) and store_pg_test (instantiated for PostgreSQL on
// a throwaway server, tests/store/pg_test_server.h).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.h"

namespace clever::store {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

class BackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Another connection to the same database as db_.
  std::unique_ptr<Database> Connect();
  // DDL for an auto-increment BIGINT primary key in db_'s dialect.
  std::string IdColumn() const;

  std::unique_ptr<Database> db_;

 private:
  std::string target_;  // SQLite file path or PostgreSQL connection string
};

// The suites (one name per test file), instantiated per backend by each binary.
using DatabaseTest = BackendTest;            // database_test.cc
using SchemaTest = BackendTest;              // schema_test.cc
using DerivedIncrementalTest = BackendTest;  // derived_incremental_test.cc

#define CLEVER_INSTANTIATE_BACKEND_TESTS(backend)                                    \
  INSTANTIATE_TEST_SUITE_P(, DatabaseTest, ::testing::Values(backend), BackendName); \
  INSTANTIATE_TEST_SUITE_P(, SchemaTest, ::testing::Values(backend), BackendName);   \
  INSTANTIATE_TEST_SUITE_P(, DerivedIncrementalTest, ::testing::Values(backend), BackendName)

}  // namespace clever::store
