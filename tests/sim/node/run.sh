#!/bin/sh
# Installs the client (npm ci when a lockfile exists) if needed, then runs test.js.
set -e
cd "$(dirname "$0")"
if [ ! -d node_modules/@woocommerce/woocommerce-rest-api ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
exec node test.js
