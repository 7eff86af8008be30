#!/usr/bin/env bash
# Installs what test/binary/arm64.test.ts needs to run the arm64 binary on an x64 Debian machine: qemu-user (the
# static build) and Debian's arm64 glibc and C++ runtime (QEMU_LD_PREFIX=/usr/aarch64-linux-gnu). The .deb files
# are kept under ~/.cache/spacelift-cascade/apt-arm64, so a machine that restores that cache installs them with
# dpkg alone, without apt-get update or a download. Needs root or sudo. Nothing to do on arm64 or when installed.
set -euo pipefail
packages=(qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross libgcc-s1-arm64-cross)
cache="${SPACELIFT_CASCADE_CACHE:-$HOME/.cache/spacelift-cascade}/apt-arm64"

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}\n' "${packages[@]}" 2>/dev/null | grep -cx installed)" -eq "${#packages[@]}" ]
}
[ "$(uname -m)" = aarch64 ] && exit 0
installed && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

if compgen -G "$cache/*.deb" >/dev/null && $sudo dpkg -i "$cache"/*.deb >&2 && installed; then
  echo "provision-arm64-emulator: installed ${packages[*]} from $cache" >&2
  exit 0
fi
echo "provision-arm64-emulator: installing ${packages[*]} with apt-get" >&2
mkdir -p "$cache/partial"
$sudo apt-get update -qq >&2
# Downloads go to the cache directory (apt keeps them there), not /var/cache/apt/archives, which Debian's
# container images empty after every install.
# The cache directory is the invoking user's, which apt's download sandbox user may not enter.
$sudo apt-get install -y -qq --no-install-recommends -o Dir::Cache::Archives="$cache" -o APT::Sandbox::User=root "${packages[@]}" >&2
