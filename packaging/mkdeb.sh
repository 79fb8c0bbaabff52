#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Build the Debian package from a staged tree with dpkg-deb: no debhelper,
# no source package.  Called by `make deb` after the programs are built.
#
# Usage: packaging/mkdeb.sh BUILD-DIR VERSION
# Writes BUILD-DIR/valise_VERSION_ARCH.deb and prints its path.
set -eu

build=$(cd "$1" && pwd)
version=$2
src=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
stage=$build/deb/root
deb=$build/valise_${version}_${arch}.deb

rm -rf "$build/deb"
mkdir -p "$stage/DEBIAN"
umask 022

# Programs, stripped (the build keeps its own unstripped copies).
install -d "$stage/usr/bin" "$stage/usr/sbin" "$stage/usr/libexec/valise"
install -m 0755 "$build/valise" "$stage/usr/bin/valise"
install -m 0755 "$build/valise-offline" \
    "$stage/usr/libexec/valise/valise-offline"
install -m 0755 "$build/valised" "$stage/usr/sbin/valised"
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
    "$stage/usr/bin/valise" "$stage/usr/libexec/valise/valise-offline" \
    "$stage/usr/sbin/valised"

# Manual pages, compressed without a timestamp.
for p in "$src"/docs/man/*.[1-8]; do
	s=${p##*.}
	install -d "$stage/usr/share/man/man$s"
	gzip -9nc "$p" >"$stage/usr/share/man/man$s/${p##*/}.gz"
done

# Configuration (a conffile), systemd unit, sysusers and tmpfiles.
install -d "$stage/etc/valise" "$stage/lib/systemd/system" \
    "$stage/usr/lib/sysusers.d" "$stage/usr/lib/tmpfiles.d"
install -m 0644 "$src/packaging/valise.conf" "$stage/etc/valise/valise.conf"
install -m 0644 "$src/packaging/systemd/valised.service" \
    "$stage/lib/systemd/system/valised.service"
install -m 0644 "$src/packaging/systemd/valise.sysusers" \
    "$stage/usr/lib/sysusers.d/valise.conf"
install -m 0644 "$src/packaging/systemd/valise.tmpfiles" \
    "$stage/usr/lib/tmpfiles.d/valise.conf"

# Documentation.
doc=$stage/usr/share/doc/valise
install -d "$doc"
install -m 0644 "$src/packaging/debian/copyright" "$doc/copyright"
sed "s/@VERSION@/$version/" "$src/packaging/debian/changelog.in" |
    gzip -9n >"$doc/changelog.gz"
for f in README.md docs/operations-guide.md docs/officer-guide.md \
    docs/auditor-guide.md docs/threat-model.md docs/protocol.md \
    docs/labels.md; do
	[ -f "$src/$f" ] || continue
	gzip -9nc "$src/$f" >"$doc/${f##*/}.gz"
done
chmod 0644 "$doc"/*

# Maintainer scripts and control file.  The library dependencies come from
# dpkg-shlibdeps, which wants a debian/control to look at.
install -m 0755 "$src/packaging/debian/postinst" "$src/packaging/debian/prerm" \
    "$src/packaging/debian/postrm" "$stage/DEBIAN/"
install -m 0644 "$src/packaging/debian/conffiles" "$stage/DEBIAN/conffiles"
mkdir -p "$build/deb/src/debian"
printf 'Source: valise\n\nPackage: valise\nArchitecture: any\n' \
    >"$build/deb/src/debian/control"
depends=$(cd "$build/deb/src" && dpkg-shlibdeps -O \
    "$stage/usr/bin/valise" "$stage/usr/libexec/valise/valise-offline" \
    "$stage/usr/sbin/valised" | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "mkdeb: dpkg-shlibdeps found nothing" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
    -e "s/@DEPENDS@/$depends/" "$src/packaging/debian/control.in" \
    >"$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' |
    LC_ALL=C sort | xargs md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
