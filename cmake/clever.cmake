# Build helpers shared by every subsystem (style.md section 2).
option(CLEVER_WERROR "Treat warnings as errors" ON)
set(CLEVER_SANITIZE "" CACHE STRING "Sanitizers, e.g. address,undefined or thread")

add_library(clever_warnings INTERFACE)
target_compile_options(clever_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-qual
  -Wformat=2 -Wmissing-declarations -Wundef -Wvla -Wimplicit-fallthrough
  $<$<BOOL:${CLEVER_WERROR}>:-Werror>)

if(CLEVER_SANITIZE)
  add_compile_options(-fsanitize=${CLEVER_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${CLEVER_SANITIZE})
endif()

# clever_library(woo SRCS a.cc DEPS clever_net PRIVATE_DEPS ...) builds the static library clever_woo.
function(clever_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(clever_${name} STATIC ${ARG_SRCS})
  target_include_directories(clever_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(clever_${name} PUBLIC ${ARG_DEPS} PRIVATE clever_warnings ${ARG_PRIVATE_DEPS})
endfunction()

# clever_test(woo SRCS a_test.cc DEPS clever_woo [LABELS slow]) builds woo_test, found by ctest.
function(clever_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name}_test ${ARG_SRCS})
  target_include_directories(${name}_test PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name}_test PRIVATE ${ARG_DEPS} clever_warnings GTest::gmock GTest::gtest_main)
  if(ARG_LABELS)
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
  else()
    gtest_discover_tests(${name}_test DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
