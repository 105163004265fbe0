#include "server/static_files.h"

#include <filesystem>
#include <map>

namespace clever::server {

namespace fs = std::filesystem;

std::string ContentTypeFor(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/plain; charset=utf-8"},
  };
  auto dot = path.rfind('.');
  auto slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return "application/octet-stream";
  }
  auto it = kTypes.find(path.substr(dot));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

StatusOr<StaticFile> ResolveStatic(const std::string& web_root, const std::string& request_path) {
  if (request_path.empty() || request_path[0] != '/' || request_path.size() > 1024) {
    return InvalidArgumentError("bad path");
  }
  std::string rel = request_path.substr(1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  // Refuse rather than normalise: a legitimate page never asks for these.
  for (size_t i = 0; i < rel.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(rel[i]);
    if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' || c == ':') {
      return InvalidArgumentError("bad path");
    }
    if (c == '.' && (i == 0 || rel[i - 1] == '/')) return InvalidArgumentError("hidden or parent");
    if (c == '/' && i + 1 < rel.size() && rel[i + 1] == '/')
      return InvalidArgumentError("bad path");
  }
  std::error_code ec;
  fs::path root = fs::canonical(web_root, ec);
  if (ec) return NotFoundError("no web root");
  fs::path file = fs::canonical(root / rel, ec);
  if (ec) return NotFoundError("no such file");
  // After resolving symlinks the file must still be inside the root.
  auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (root_end != root.end()) return InvalidArgumentError("outside the web root");
  if (!fs::is_regular_file(file, ec)) return NotFoundError("not a file");
  return StaticFile{file.string(), ContentTypeFor(file.string())};
}

}  // namespace clever::server
