#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Refuse to build against libraries that are missing or too old.  Called by
# the Makefile once per build directory.
set -eu

need() {	# need PKG MIN-VERSION DEBIAN-PACKAGE
	if ! pkg-config --exists "$1"; then
		echo "valise: $1 not found by pkg-config; run 'make deps' (Debian package $3)" >&2
		exit 1
	fi
	if ! pkg-config --atleast-version="$2" "$1"; then
		echo "valise: $1 $(pkg-config --modversion "$1") is too old: need $2 or newer" >&2
		exit 1
	fi
}

command -v pkg-config >/dev/null 2>&1 || {
	echo "valise: pkg-config not found; run 'make deps'" >&2
	exit 1
}
need libsodium 1.0.18 libsodium-dev
need libzmq 4.3.2 libzmq3-dev
need sqlcipher 3.4 libsqlcipher-dev
need libconfig 1.5 libconfig-dev
need jansson 2.13 libjansson-dev
need libxml-2.0 2.9 libxml2-dev
