#!/usr/bin/env bash
# Copies the pinned chart.js build from tests/browser/node_modules into web/vendor.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=tests/browser/node_modules/chart.js
[ -d "$src" ] || (cd tests/browser && npm install --no-audit --no-fund)
cp "$src/dist/chart.umd.min.js" web/vendor/chart.umd.min.js
cp "$src/LICENSE.md" web/vendor/chart.js-LICENSE.md
echo "web/vendor: chart.js $(node -p "require('./$src/package.json').version")"
