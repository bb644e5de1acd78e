#!/usr/bin/env bash
# scripts/bench.sh: kordon's benchmark table, in one command.
#
#   scripts/bench.sh                 # the shared corpus beside the repository
#   KORDON_BENCH_CORPUS=DIR scripts/bench.sh
#   BENCH_RUNS=5 scripts/bench.sh    # runs per figure (median; default 3)
#   BENCH_CHECKOV=0 scripts/bench.sh # skip checkov (timed when it is on PATH, e.g. a venv's bin/)
#
# Builds the release binary and the `scan` bench, then prints one table: wall time (median),
# CPU time (user + system, the steadier figure on a shared machine) and peak RSS of each case;
# then each goal of the performance issue as a ratio measured in the same run.
# Run it on an idle machine for figures to publish; on a busy one read the ratios, measured in
# the same run. Needs GNU time (/usr/bin/time) and, for the rendered scans, kubectl (or
# kustomize) and helm on PATH.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${KORDON_BENCH_CORPUS:-$here/../shared/corpus}
runs=${BENCH_RUNS:-3}
timer=/usr/bin/time
[ -x "$timer" ] || { echo "bench.sh needs GNU time at $timer" >&2; exit 2; }
[ -d "$corpus" ] || { echo "no corpus at $corpus (set KORDON_BENCH_CORPUS)" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)

cd "$here"
cargo build --release --locked -q -p kordon-cli
kordon=$here/target/release/kordon
# The bench target's executable (the same build also reports the kordon binary's).
bench_bin=$(cargo bench --locked -q --bench scan --no-run --message-format=json 2>/dev/null |
    grep '"kind":\["bench"\]' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)

work=$(mktemp -d "${TMPDIR:-/tmp}/kordon-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# One measured run: prints "wall_s cpu_s rss_kb".
# The command's own standard error is left in $work/stderr (GNU time's line last).
measure() {
    # Wall time from the shell's microsecond clock: GNU time's %e counts in 10 ms steps, too
    # coarse for a one-file scan.
    local started=$EPOCHREALTIME
    "$timer" -f '%e %U %S %M' "$@" >/dev/null 2>"$work/stderr" || true
    local ended=$EPOCHREALTIME
    tail -1 "$work/stderr" | awk -v s="$started" -v e="$ended" '{ printf "%.4f %.2f %s\n", e - s, $2 + $3, $4 }'
}

# The median of $runs runs of a command (by wall time): prints "wall_s cpu_s rss_kb".
median_of() {
    local n=$1
    shift
    for _ in $(seq "$n"); do measure "$@"; done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

row() { # name, "wall cpu rss", note
    local name=$1 figures=$2 note=${3:-}
    read -r wall cpu rss <<<"$figures"
    printf '| %-44s | %8.0f | %8.0f | %8.1f | %s\n' "$name" "$(awk "BEGIN{print $wall*1000}")" \
        "$(awk "BEGIN{print $cpu*1000}")" "$(awk "BEGIN{print $rss/1024}")" "$note"
}

ratio() { awk "BEGIN { printf \"%.2fx\", $1 / $2 }"; }

# Corpus copies: x2, x4 and x8 as hard links of x1 (the same bytes, other paths).
for k in 1 2 4 8; do
    mkdir -p "$work/x$k"
    for i in $(seq "$k"); do
        # Hard links where the file system allows them (no copy of the bytes), else a copy.
        cp -al "$corpus" "$work/x$k/copy-$i" 2>/dev/null || cp -a "$corpus" "$work/x$k/copy-$i"
    done
done
# A generated single file of N objects: workloads, services and disruption budgets spread over
# four namespaces (the shapes that made cross-resource rules quadratic).
generate() {
    awk -v n="$1" 'BEGIN {
      for (i = 0; i < n; i++) {
        ns = "team-" (i % 4); app = "app-" int(i / 4); k = int(i / 4) % 4
        if (k == 0 || k == 3) {
          printf "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: %s\n  template:\n    metadata:\n      labels:\n        app: %s\n    spec:\n      containers:\n        - name: main\n          image: registry.example/%s:1.%d\n", app, ns, app, app, app, i
        } else if (k == 1) {
          printf "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  selector:\n    app: %s\n  ports:\n    - port: 80\n", app, ns, app
        } else {
          printf "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: %s-x\n", app, ns, app
        }
      }
    }'
}
for n in 1250 2500 5000; do generate "$n" >"$work/gen-$n.yaml"; done
# A generated CustomResourceDefinition of about N MB: one object whose schema has many
# properties (the shape of large real CRDs), for cost in the size of a single object.
generate_crd() {
    awk -v mb="$1" 'BEGIN {
      n = int(mb * 1e6 / 137)
      printf "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.bench.example\nspec:\n  group: bench.example\n  scope: Namespaced\n  names:\n    kind: Widget\n    plural: widgets\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n"
      for (i = 0; i < n; i++) {
        printf "            field%07d:\n              type: string\n              description: setting %d of the widget, generated for the benchmark\n", i, i
      }
    }'
}
for mb in 5 10 20; do generate_crd "$mb" >"$work/crd-$mb.yaml"; done

bytes=$(du -sb "$corpus" | cut -f1)
echo "kordon $("$kordon" --version | awk '{print $2}'), corpus $corpus ($(awk "BEGIN{printf \"%.1f\", $bytes/1e6}") MB), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), median of $runs runs"
echo
printf '| %-44s | %8s | %8s | %8s | %s\n' "case" "wall ms" "cpu ms" "RSS MB" "note"
echo "|---|---:|---:|---:|---|"

if [ -n "$bench_bin" ]; then
    parse=$(KORDON_BENCH_CORPUS=$corpus KORDON_BENCH_ONLY=parse median_of "$runs" "$bench_bin" --bench)
    row "parse only (library: discover, read, parse)" "$parse"
fi
plain=$(median_of "$runs" "$kordon" scan --no-render -q -f json "$corpus")
row "scan --no-render (x1)" "$plain" "${parse:+$(ratio "$(cut -d' ' -f1 <<<"$plain")" "$(cut -d' ' -f1 <<<"$parse")") parse-only}"
one=$(median_of "$runs" "$kordon" scan --no-render -q -j 1 -f json "$corpus")
row "scan --no-render, 1 thread" "$one" "2-thread speed-up $(ratio "$(cut -d' ' -f1 <<<"$one")" "$(cut -d' ' -f1 <<<"$plain")")"

export XDG_CACHE_HOME=$work/cache
cold=$(measure "$kordon" scan -q --stats -f json "$corpus")
cold_renders=$(grep -o '[0-9]* renders* .*' "$work/stderr" | head -1)
# The renders' own wall time (they run in parallel with each other and with parsing).
render_ms=$(sed -n 's/.* renders* .* in \([0-9.]*\) ms.*/\1/p' <<<"$cold_renders")
row "scan, renders, cold render cache" "$cold" "$cold_renders"
warm=$(median_of "$runs" "$kordon" scan -q -f json "$corpus")
row "scan, renders, warm render cache" "$warm" "$(ratio "$(cut -d' ' -f1 <<<"$warm")" "$(cut -d' ' -f1 <<<"$plain")") no-render"
uncached=$(median_of "$runs" "$kordon" scan -q --no-render-cache -f json "$corpus")
row "scan, renders, --no-render-cache" "$uncached"
unset XDG_CACHE_HOME

one_file=$corpus/GoogleCloudPlatform+microservices-demo/kubernetes-manifests/frontend.yaml
one_file_figures=""
if [ -f "$one_file" ]; then
    one_file_figures=$(median_of 20 "$kordon" scan -q -f json "$one_file")
    row "one-file scan through the binary (median 20)" "$one_file_figures"
fi

base_wall=$(cut -d' ' -f1 <<<"$plain")
base_cpu=$(cut -d' ' -f2 <<<"$plain")
base_rss=$(cut -d' ' -f3 <<<"$plain")
row "scan --no-render (x1), the base of the series" "$plain" "RSS $(awk "BEGIN{printf \"%.1f\", $base_rss*1024/$bytes}")x the input"
for k in 2 4 8; do
    f=$(median_of "$runs" "$kordon" scan --no-render -q -f json "$work/x$k")
    read -r w c r <<<"$f"
    row "scan --no-render (x$k)" "$f" "time $(ratio "$w" "$base_wall"), cpu $(ratio "$c" "$base_cpu"), RSS $(ratio "$r" "$base_rss")"
    x8=$f
done

first=""
for n in 1250 2500 5000; do
    f=$(median_of "$runs" "$kordon" scan --no-render -q -f json "$work/gen-$n.yaml")
    read -r w c r <<<"$f"
    if [ -z "$first" ]; then
        first=$f
        row "one generated file, $n objects" "$f" "$(du -k "$work/gen-$n.yaml" | cut -f1) KB"
    else
        read -r fw fc fr <<<"$first"
        row "one generated file, $n objects" "$f" "cpu $(ratio "$c" "$fc"), RSS $(ratio "$r" "$fr") of 1250"
    fi
done

first=""
for mb in 5 10 20; do
    f=$(median_of "$runs" "$kordon" scan --no-render -q -f json "$work/crd-$mb.yaml")
    read -r w c r <<<"$f"
    if [ -z "$first" ]; then
        first=$f
        row "one generated CRD, $mb MB" "$f" "$(du -k "$work/crd-$mb.yaml" | cut -f1) KB"
    else
        read -r fw fc fr <<<"$first"
        row "one generated CRD, $mb MB" "$f" "cpu $(ratio "$c" "$fc"), RSS $(ratio "$r" "$fr") of 5 MB"
    fi
done

checkov=""
if [ "${BENCH_CHECKOV:-1}" != 0 ] && command -v checkov >/dev/null; then
    checkov=$(measure checkov -d "$corpus" --framework kubernetes --quiet --compact)
    row "checkov -d corpus --framework kubernetes" "$checkov" "$(ratio "$(cut -d' ' -f1 <<<"$checkov")" "$base_wall") kordon --no-render"
fi

# The goals of the performance issue, each as a ratio measured in this run.
echo
echo "| goal | measured | |"
echo "|---|---:|---|"
goal() { # description, measured, limit, "le" (measured must be at most the limit) or "ge"
    local verdict
    verdict=$(awk -v m="$2" -v l="$3" -v how="$4" 'BEGIN { ok = (how == "le") ? (m <= l) : (m >= l); print ok ? "meets" : "misses" }')
    printf '| %-58s | %8.2f | %s\n' "$1" "$2" "$verdict"
}
wall() { cut -d' ' -f1 <<<"$1"; }
if [ -n "$checkov" ]; then
    goal "checkov time / scan --no-render (>= 100)" "$(awk "BEGIN{print $(wall "$checkov")/$(wall "$plain")}")" 100 ge
fi
if [ -n "${parse:-}" ]; then
    goal "scan --no-render / parse only (<= 3)" "$(awk "BEGIN{print $(wall "$plain")/$(wall "$parse")}")" 3 le
fi
goal "warm render cache / scan --no-render (<= 1.3)" "$(awk "BEGIN{print $(wall "$warm")/$(wall "$plain")}")" 1.3 le
if [ -n "$render_ms" ]; then
    goal "cold render cache / (renders + scan --no-render) (<= 1)" \
        "$(awk "BEGIN{print $(wall "$cold")/($render_ms/1000 + $(wall "$plain"))}")" 1 le
fi
if [ -n "$one_file_figures" ]; then
    goal "one-file scan, median ms (<= 20)" "$(awk "BEGIN{print $(wall "$one_file_figures")*1000}")" 20 le
fi
goal "2-thread speed-up, 1 thread / 2 threads (>= 1.8)" "$(awk "BEGIN{print $(wall "$one")/$(wall "$plain")}")" 1.8 ge
goal "peak RSS / input size, scan --no-render x1 (<= 10)" "$(awk "BEGIN{print $base_rss*1024/$bytes}")" 10 le
goal "x8 corpus time / x1 (<= 8.5)" "$(awk "BEGIN{print $(wall "$x8")/$base_wall}")" 8.5 le
goal "x8 corpus peak RSS / x1 (<= 8.5)" "$(awk "BEGIN{print $(cut -d' ' -f3 <<<"$x8")/$base_rss}")" 8.5 le
