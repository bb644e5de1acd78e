#!/usr/bin/env bash
# Packages the `kordon` library crate as crates.io would receive it, builds it outside the
# workspace, and scans a sample with it: proves the packaged crate carries the built-in rules
# (they live at the top-level rules/, reached through the crates/kordon/rules symlink).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo package -p kordon --no-verify --locked --allow-dirty
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
crate="target/package/kordon-${version}.crate"
test -f "$crate"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tar -xzf "$crate" -C "$scratch"
test -f "$scratch/kordon-${version}/rules/pod-security/privileged-container/rule.rego"

# Build in the workspace's own target dir: the registry dependencies it already compiled are reused
# (only the packaged kordon itself is new), which saves minutes and gigabytes of disk in CI.
export CARGO_TARGET_DIR="$PWD/target"
output=$(cd "$scratch/kordon-${version}" && cargo run --quiet --example scan_string)
echo "$output"
grep -q "privileged-container" <<<"$output"
echo "packaged crate: ok (built-in rules embedded and evaluated)"

# Both crates as crates.io would take them (metadata, included files, the CLI's dependency on the
# library by version). The build of the packaged library above stands for the verify step.
cargo publish --dry-run --workspace --locked --allow-dirty --no-verify
echo "publish dry run: ok"
