#!/usr/bin/env bash
# The shell steps of .github/workflows/release.yml, kept here so the archive names and the
# checksum file the Action downloads (scripts/action.sh) are made by code that is tested
# (.ci/action-test serves a release made by this script).
#
#   release.sh package TARGET TAG BINARY DIST   archive BINARY as DIST/kordon-TAG-TARGET.tar.gz
#                                               (.zip for Windows targets)
#   release.sh checksums DIST                   write DIST/SHA256SUMS over every archive
set -euo pipefail

die() {
  echo "release.sh: $*" >&2
  exit 2
}

package() {
  local target="$1" tag="$2" binary="$3" dist="$4" stage
  [ -f "$binary" ] || die "no binary at $binary"
  case "$tag" in v[0-9]*) ;; *) die "tag $tag is not a version tag (v1.2.3)" ;; esac
  mkdir -p "$dist"
  stage=$(mktemp -d)
  case "$target" in
    *windows*)
      cp "$binary" "$stage/kordon.exe"
      # 7z is on GitHub's Windows runners; zip elsewhere (the test runs on Linux).
      if command -v 7z >/dev/null; then
        (cd "$stage" && 7z a -tzip "kordon-$tag-$target.zip" kordon.exe >/dev/null)
      else
        (cd "$stage" && zip -q "kordon-$tag-$target.zip" kordon.exe)
      fi
      mv "$stage/kordon-$tag-$target.zip" "$dist/"
      ;;
    *)
      cp "$binary" "$stage/kordon"
      chmod 755 "$stage/kordon"
      tar -czf "$dist/kordon-$tag-$target.tar.gz" -C "$stage" kordon
      ;;
  esac
  rm -rf "$stage"
}

checksums() {
  local dist="$1"
  cd "$dist"
  compgen -G "kordon-*" >/dev/null || die "no archive in $dist"
  if command -v sha256sum >/dev/null; then
    sha256sum kordon-* >SHA256SUMS
  else
    shasum -a 256 kordon-* >SHA256SUMS
  fi
  cat SHA256SUMS
}

case "${1:-}" in
  package)
    [ $# -eq 5 ] || die "usage: release.sh package TARGET TAG BINARY DIST"
    package "$2" "$3" "$4" "$5"
    ;;
  checksums)
    [ $# -eq 2 ] || die "usage: release.sh checksums DIST"
    checksums "$2"
    ;;
  *) die "usage: release.sh package|checksums ..." ;;
esac
