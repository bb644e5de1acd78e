#!/usr/bin/env bash
# The shell steps of action.yml, kept here so they can be run and tested outside GitHub
# (.ci/action-test runs them with a fake GITHUB_* environment and a local release server).
#
#   action.sh cache-key the key of the build cache: the runner, the version input and a hash
#                       of the action's source
#   action.sh install   put kordon on GITHUB_PATH: the release binary for the action's own ref
#                       (checksum verified), else a build of the action's own checkout
#   action.sh scan      one scan: the log in KORDON_FORMAT, SARIF and the Markdown job summary
#                       written from the same run; records exit-code and sarif-file outputs
#   action.sh verdict   fail the job per fail-on and kordon's exit code
#
# Inputs arrive as environment variables (action.yml maps each input to one), never expanded
# into the script: a workflow's inputs may hold anything.
set -uo pipefail

die() {
  echo "::error title=kordon::$*"
  exit 2
}

# The release asset name for this runner: kordon-<tag>-<target>.tar.gz (.zip on Windows).
release_target() {
  local os="${RUNNER_OS:-$(uname -s)}" arch="${RUNNER_ARCH:-$(uname -m)}"
  case "$arch" in
    X64 | x86_64 | amd64) arch=x86_64 ;;
    ARM64 | aarch64 | arm64) arch=aarch64 ;;
    *) return 1 ;;
  esac
  case "$os" in
    Linux) echo "$arch-unknown-linux-musl" ;;
    macOS | Darwin) echo "$arch-apple-darwin" ;;
    Windows | MINGW* | MSYS*) [ "$arch" = x86_64 ] && echo "x86_64-pc-windows-msvc" ;;
    *) return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Downloads and verifies the release binary of tag $1 into $2/bin; fails (status 1) when the
# release, the asset or its checksum is missing or wrong.
download_release() {
  local tag="$1" root="$2" target asset base work expected actual
  target=$(release_target) || {
    echo "kordon: no release binary for ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
    return 1
  }
  asset="kordon-$tag-$target.tar.gz"
  case "$target" in *windows*) asset="kordon-$tag-$target.zip" ;; esac
  base="${KORDON_RELEASE_BASE_URL:-${GITHUB_SERVER_URL:-https://github.com}/${KORDON_ACTION_REPOSITORY:-kordon-dev/kordon}/releases/download}"
  work=$(mktemp -d)
  if ! curl --fail --silent --show-error --location --retry 3 \
    --output "$work/$asset" "$base/$tag/$asset" ||
    ! curl --fail --silent --show-error --location --retry 3 \
      --output "$work/SHA256SUMS" "$base/$tag/SHA256SUMS"; then
    echo "kordon: release $tag has no $asset (or no SHA256SUMS)"
    rm -rf "$work"
    return 1
  fi
  expected=$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
  actual=$(sha256_of "$work/$asset")
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "::warning title=kordon::checksum mismatch for $asset (expected ${expected:-none}, got $actual); not using it"
    rm -rf "$work"
    return 1
  fi
  mkdir -p "$root/bin"
  case "$asset" in
    *.zip) (cd "$work" && unzip -q "$asset") ;;
    *) tar -xzf "$work/$asset" -C "$work" ;;
  esac
  local binary
  binary=$(find "$work" -type f \( -name kordon -o -name kordon.exe \) | head -n 1)
  [ -n "$binary" ] || {
    echo "kordon: $asset holds no kordon binary"
    rm -rf "$work"
    return 1
  }
  cp "$binary" "$root/bin/"
  chmod +x "$root/bin/$(basename "$binary")"
  rm -rf "$work"
  echo "kordon $tag: release binary for $target, checksum verified"
}

# Builds the action's own checkout (the exact source of the ref the workflow pinned).
build_from_source() {
  local root="$1"
  command -v cargo >/dev/null ||
    die "no release binary for this ref and no cargo to build one (add a Rust toolchain step)"
  if [ -x "$root/bin/kordon" ] && [ -f "$root/.built-from" ] &&
    [ "$(cat "$root/.built-from")" = "$KORDON_SOURCE_KEY" ]; then
    echo "kordon: build of this source restored from the cache"
    return 0
  fi
  cargo install --locked --force --root "$root" --path "$ACTION_PATH" ||
    die "building kordon from the action's source failed"
  echo "$KORDON_SOURCE_KEY" >"$root/.built-from"
}

# What a build is built from: the action is unpacked from an archive, not a git checkout, so
# its source is hashed (file names and contents).
source_key() {
  (cd "$ACTION_PATH" && find Cargo.toml Cargo.lock crates rules vendor -type f \
    -not -path '*/target/*' 2>/dev/null | LC_ALL=C sort | while read -r f; do
    printf '%s %s\n' "$(sha256_of "$f")" "$f"
  done | sha256_of /dev/stdin)
}

# The build cache's key names the source, not the ref: a cache entry is never overwritten, so a
# key made of a branch name would keep restoring the first build of that branch, and every run
# after the branch moved would rebuild.
cache_key() {
  : "${ACTION_PATH:?ACTION_PATH must name the checkout of the action}"
  echo "key=kordon-${RUNNER_OS:-$(uname -s)}-${RUNNER_ARCH:-$(uname -m)}-${KORDON_VERSION:-ref}-$(source_key)" \
    >>"${GITHUB_OUTPUT:-/dev/stdout}"
}

install() {
  local root="${KORDON_INSTALL_DIR:-$HOME/.kordon-action}" version="${KORDON_VERSION:-}"
  : "${ACTION_PATH:?ACTION_PATH must name the checkout of the action}"
  KORDON_SOURCE_KEY=$(source_key)
  if [ -z "$version" ]; then
    # The ref the workflow wrote after `@`: a release tag has binaries, a branch or commit
    # does not.
    case "${KORDON_ACTION_REF:-}" in
      v[0-9]*) version="$KORDON_ACTION_REF" ;;
      *) version=source ;;
    esac
  fi
  case "$version" in
    source | local) build_from_source "$root" ;;
    *)
      case "$version" in v*) ;; *) version="v$version" ;; esac
      download_release "$version" "$root" || {
        echo "kordon: building the action's own source instead"
        build_from_source "$root"
      }
      ;;
  esac
  [ -n "${GITHUB_PATH:-}" ] && echo "$root/bin" >>"$GITHUB_PATH"
  "$root/bin/kordon" --version || die "the installed kordon does not run"
}

scan() {
  local paths=() common=() args=() code summary
  read -r -d '' -a paths <<<"${KORDON_PATHS:-.}" || true
  [ "${#paths[@]}" -gt 0 ] || paths=(.)
  # Extra arguments, split on whitespace like the paths (no shell evaluation).
  read -r -d '' -a args <<<"${KORDON_ARGS:-}" || true
  [ -z "${KORDON_CONFIG:-}" ] || common+=(--config "$KORDON_CONFIG")
  [ "${KORDON_FAIL_ON:-low}" = none ] || common+=(--fail-on "${KORDON_FAIL_ON:-low}")
  local sarif="${KORDON_SARIF_FILE:-kordon.sarif}"
  mkdir -p "$(dirname "$sarif")"
  summary=$(mktemp)
  local format="${KORDON_FORMAT:-github}" log=()
  case "$format" in
    none | sarif) log=(--format sarif --output "$sarif") ;;
    *) log=(--format "$format" --write "sarif=$sarif") ;;
  esac
  kordon scan --quiet "${log[@]}" --write "markdown=$summary" ${common[@]+"${common[@]}"} \
    ${args[@]+"${args[@]}"} -- "${paths[@]}"
  code=$?
  {
    echo "exit-code=$code"
    echo "sarif-file=$sarif"
    [ -s "$sarif" ] && echo "sarif-written=true"
  } >>"${GITHUB_OUTPUT:-/dev/null}"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$summary" ]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi
  rm -f "$summary"
  return 0
}

verdict() {
  local fail_on="${KORDON_FAIL_ON:-low}"
  case "${KORDON_EXIT_CODE:-}" in
    0) echo "kordon: no finding at or above $fail_on" ;;
    1)
      if [ "$fail_on" = none ]; then
        echo "kordon: findings reported; fail-on is none"
      else
        echo "::error title=kordon::findings at or above $fail_on"
        exit 1
      fi
      ;;
    *) die "kordon could not scan everything (exit code ${KORDON_EXIT_CODE:-unknown})" ;;
  esac
}

case "${1:-}" in
  cache-key) cache_key ;;
  install) install ;;
  scan) scan ;;
  verdict) verdict ;;
  *)
    echo "usage: $0 cache-key|install|scan|verdict" >&2
    exit 64
    ;;
esac
