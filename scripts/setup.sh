#!/usr/bin/env bash
# Installs every build and test dependency of meshforge from Debian's packages.
# Idempotent: safe to run again; skips apt when everything is already present.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  nlohmann-json3-dev libcli11-dev libfmt-dev libyaml-cpp-dev
  libeigen3-dev libpagmo-dev libsqlite3-dev zlib1g-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  pybind11-dev python3-onnx python3-numpy python3-yaml python3-matplotlib chromium
  yosys iverilog verilator gcc-riscv64-unknown-elf
  clang libclang-rt-14-dev libomp-14-dev
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi
