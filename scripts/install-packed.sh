#!/bin/sh
# Installs a packed bfd tarball (the output of `npm pack`) into PREFIX, exactly as the container image does.
# Offline on purpose: the bundle in dist/ inlines every dependency, so a tarball that needs the registry is a
# packaging bug that should fail here, not surface on a team's runner. test/e2e/package.test.ts runs this
# same script, so what the image does is tested even where no container can be built.
#
# usage: sh scripts/install-packed.sh <bfd-tools-bfd-X.Y.Z.tgz> <prefix>   → <prefix>/bin/bfd
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: sh scripts/install-packed.sh <bfd-tools-bfd-X.Y.Z.tgz> <prefix>" >&2
  exit 2
fi
tarball=$1
prefix=$2
if [ ! -f "$tarball" ]; then
  echo "install-packed: no tarball at $tarball; run npm pack first" >&2
  exit 2
fi

npm install --global --prefix "$prefix" --offline --omit=dev --no-audit --no-fund --loglevel=error "$tarball"
"$prefix/bin/bfd" --version
