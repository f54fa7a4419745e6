#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# Chromium and its driver for browser tests, a CJK font so Chinese renders in screenshots,
# gettext for translation catalogs.
set -euo pipefail

need=()
for package in chromium chromium-driver fonts-noto-cjk gettext; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || need+=("$package")
done

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
