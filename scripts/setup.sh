#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine that has the .NET SDK.
# Idempotent: it only installs what is missing, so every make target can call it.
set -euo pipefail
cd "$(dirname "$0")/.."

# libtorch (the native shim links it), ffmpeg (video I/O), Debian's PyTorch for models/ tooling.
# patchelf: scripts/bundle_native.sh (the Functions app publish).
APT_PACKAGES=(libtorch-dev ffmpeg python3-torch python3-numpy python3-pytest cmake g++ make patchelf)
AZURITE_VERSION=3.37.0   # blob/queue emulator for the storage tests; pinned so CI is repeatable

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing apt packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
fi

azurite=tools/azurite/node_modules/.bin/azurite
if [ ! -x "$azurite" ] || ! grep -q "\"version\": \"$AZURITE_VERSION\"" tools/azurite/node_modules/azurite/package.json 2>/dev/null; then
  echo "setup: installing azurite $AZURITE_VERSION into tools/azurite"
  mkdir -p tools/azurite
  npm install --prefix tools/azurite --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION"
fi
