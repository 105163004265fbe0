// Static files of the hub page (web/): maps a request path to a file under the web root, refusing
// anything that could leave it (.., encoded separators, NUL, symlinks pointing outside, dot
// files), and names its content type. Pure functions over the file system; thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace clever::server {

struct StaticFile {
  std::string path;          // absolute, canonical, inside the root
  std::string content_type;  // "text/html; charset=utf-8", ...
};

// `request_path` is the decoded URL path ("/", "/app.js", "/vendor/chart.umd.min.js"); "/" and
// paths ending in "/" mean index.html. kNotFound for a missing file; kInvalidArgument for a path
// that tries to leave the root or names a hidden file (the handler answers 404 to both, so a
// prober learns nothing).
StatusOr<StaticFile> ResolveStatic(const std::string& web_root, const std::string& request_path);

// Content type by extension; "application/octet-stream" for unknown ones.
std::string ContentTypeFor(const std::string& path);

}  // namespace clever::server
