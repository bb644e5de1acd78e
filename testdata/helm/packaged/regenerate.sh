#!/usr/bin/env bash
# Rebuilds the packaged charts of the umbrella fixture with a real helm, as `helm dependency
# build` would leave them: nested-0.3.0.tgz inside worker's archive, worker-0.2.0.tgz and
# helmlib-0.1.0.tgz (from file://../helmlib) in umbrella/charts/. Run it after editing
# packaged/ or helmlib/; the archives are committed so the tests need no build step.
set -euo pipefail
helm=${HELM:-helm}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/worker/charts"
rm -f "$here"/worker/charts/*.tgz "$here"/../umbrella/charts/*.tgz
"$helm" package "$here/nested" --destination "$here/worker/charts" >/dev/null
"$helm" package "$here/worker" --destination "$here/../umbrella/charts" >/dev/null
"$helm" package "$here/../helmlib" --destination "$here/../umbrella/charts" >/dev/null
# The walk fixture keeps a copy of worker's archive outside any chart.
cp "$here/../umbrella/charts/worker-0.2.0.tgz" "$here/../walked/releases/worker-0.2.0.tgz"
# An umbrella whose packaged subchart fails to render (a `required` value).
rm -f "$here"/../failing/charts/*.tgz
"$helm" package "$here/payments" --destination "$here/../failing/charts" >/dev/null
