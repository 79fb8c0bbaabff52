#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Install, from Debian's archive, everything valise needs to build, test,
# fuzz, benchmark and package itself.  Idempotent: packages already present
# are left alone, and `apt-get update` runs only when something is missing.
#
# Usage: packaging/deps.sh [--bench|--deb|--valgrind]
#   --bench     also install the peers measured by `make bench` (nncp, gnupg)
#   --deb       also install lintian, for `make check-deb`
#   --valgrind  also install valgrind, for `make check-valgrind`
set -eu

# Build and test dependencies.  Keep this list sorted.
PKGS="
clang
dpkg-dev
gcc
groff-base
iproute2
libclang-rt-14-dev
libconfig-dev
libjansson-dev
libsodium-dev
libsqlcipher-dev
libxml2-dev
libzmq3-dev
make
man-db
perl
pkg-config
python3
python3-zmq
sqlcipher
strace
systemd
util-linux
"
if [ "${1:-}" = "--bench" ]; then
	PKGS="$PKGS gnupg nncp"
fi
if [ "${1:-}" = "--deb" ]; then
	PKGS="$PKGS lintian"
fi
if [ "${1:-}" = "--valgrind" ]; then
	PKGS="$PKGS valgrind"
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "deps: not root and no sudo: cannot install packages" >&2
	exit 1
fi

missing=
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -n "$missing" ] || exit 0

echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 || {
	echo "deps: apt-get update failed" >&2
	exit 1
}
for p in $missing; do
	if ! $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null; then
		echo "deps: could not install Debian package '$p'" >&2
		exit 1
	fi
done
