#!/usr/bin/env bash
# A/B of Veil builds on the full pipeline, one process at a time: demobot and one Veil (chat route,
# embedded store in a fresh data dir) pinned to core 1, the load generator on core 0, the same
# 1 KB message with three findings as run.sh's section 2. For each build, in turn, ROUNDS times:
# a fresh Veil, then each of MODES (saturation: as fast as 32 connections go; a number: that many
# requests/s), printing req/s, p50/p99 ms, Veil's CPU µs per request, collections and RSS, then
# each run's time per pipeline stage (mean, and the p99 as the bound of its histogram bucket).
# Alternating builds within one run is what makes their difference trustworthy on a noisy machine.
#
#   test/load/ab.sh HEAD~1 HEAD                    # two commits (built in temporary worktrees)
#   test/load/ab.sh ./veil-old ./veil-new          # two binaries
#   MODES="1000" ROUNDS=5 test/load/ab.sh HEAD     # one build, fixed rate only
#   VEIL_ENV=GOGC=100 test/load/ab.sh HEAD         # Veil's environment
#   STORE=redis test/load/ab.sh HEAD~1 HEAD        # Redis as store and audit sink (redis-server
#                                                  # on a free port, flushed before each Veil)
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${D:-8s}
MODES=${MODES:-"saturation 1000"}
ROUNDS=${ROUNDS:-3}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for t in "$work"/tree-*; do [ -d "$t" ] && git worktree remove --force "$t" >/dev/null 2>&1; done
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/demobot" ./cmd/demobot
go build -o "$work/loadgen" ./test/load/loadgen
builds=() labels=()
for b in "$@"; do
  labels+=("$b")
  if [ -x "$b" ] && [ -f "$b" ]; then
    builds+=("$(cd "$(dirname "$b")" && pwd)/$(basename "$b")")
  else
    n=${#builds[@]}
    git worktree add --detach "$work/tree-$n" "$b" >/dev/null 2>&1
    (cd "$work/tree-$n" && go build -o "$work/veil-$n" ./cmd/veil)
    builds+=("$work/veil-$n")
  fi
done
[ ${#builds[@]} -gt 0 ] || { echo "usage: $0 BUILD..." >&2; exit 2; }

python3 - "$work" <<'PY'
import json, sys
text = ("Hello, I would like to know the opening hours of your store in the city centre and whether "
        "the winter collection is already available online. ") * 8
pii = "Hello, I am Maria Rossi. " + text[:830] + " Mail me at maria.rossi@example.org or call +49 30 12345678."
json.dump({"sender": "load-test", "message": pii}, open(sys.argv[1] + "/pii.json", "w"))
PY
wait_port() {
  for _ in $(seq 1 400); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "port $1 never opened" >&2; return 1
}
# free_port fails if something already listens on the port: a stale process there would answer in
# place of the build under test.
free_port() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    echo "port $1 is already in use (a stale Veil or demobot?); stop it first" >&2; return 1
  fi
}
free_port 28080
free_port 28094

taskset -c 1 "$work/demobot" --listen 127.0.0.1:28080 --stream-delay 0 >"$work/demobot.log" 2>&1 &
pids+=($!)

wait_port 28080

store_yaml=""
if [ "${STORE:-embedded}" = redis ]; then
  redis-server --port 28379 --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  pids+=($!)
  wait_port 28379
  store_yaml='store: {driver: redis, redis: {addrs: ["127.0.0.1:28379"]}}'
  # Replicas sharing Redis must be given their master key (any 32 bytes, base64, for this run).
  VEIL_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
  export VEIL_MASTER_KEY
fi

printf '| round | build | mode | req/s | p50 ms | p99 ms | CPU µs/req | GC cycles | RSS MB |\n|---|---|---|---:|---:|---:|---:|---:|---:|\n'
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!builds[@]}"; do
    rm -rf "$work/data"
    [ -n "$store_yaml" ] && redis-cli -p 28379 flushall >/dev/null
    cat >"$work/veil.yaml" <<YAML
listen: 127.0.0.1:28094
admin: {listen: 127.0.0.1:29094}
data_dir: $work/data
tls: {mode: "off"}
upstream: {url: "http://127.0.0.1:28080"}
routes:
  - {name: rest, path: /webhooks/rest/webhook, kind: chat, fields: [message]}
log: {format: json, level: info}
$store_yaml
YAML
    free_port 28094
    # shellcheck disable=SC2086
    taskset -c 1 env ${VEIL_ENV:-} "${builds[$i]}" serve --config "$work/veil.yaml" >"$work/veil.log" 2>&1 &
    vp=$!
    wait_port 28094
    kill -0 "$vp" 2>/dev/null || { echo "Veil exited: $(tail -1 "$work/veil.log")" >&2; exit 1; }
    for mode in $MODES; do
      rate=$mode
      [ "$mode" = saturation ] && rate=0
      curl -fsS http://127.0.0.1:29094/metrics >"$work/before.txt"
      gc0=$(awk '/^go_gc_duration_seconds_count/{print $2}' "$work/before.txt")
      taskset -c 0 "$work/loadgen" -url http://127.0.0.1:28094/webhooks/rest/webhook -c 32 -d "$D" -rate "$rate" \
        -body "$work/pii.json" -consent-url http://127.0.0.1:28094/.veil/consent \
        -cpu-pid "$vp" -clk-tck "$(getconf CLK_TCK)" >"$work/result.json"
      curl -fsS http://127.0.0.1:29094/metrics >"$work/metrics.txt"
      python3 - "$work/result.json" "$work/metrics.txt" "$round" "${labels[$i]}" "$mode" "${gc0:-0}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
m = {l.split()[0]: float(l.split()[1]) for l in open(sys.argv[2]) if l and not l.startswith("#") and len(l.split()) == 2}
gc = m.get("go_gc_duration_seconds_count", 0) - float(sys.argv[6])
rss = m.get("process_resident_memory_bytes", 0) / 1e6
print(f"| {sys.argv[3]} | {sys.argv[4]} | {sys.argv[5]} | {r['rps']:.0f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | "
      f"{r.get('server_cpu_us_per_req', 0):.0f} | {gc:.0f} | {rss:.0f} |")
PY
      python3 test/load/stages.py "$round, ${labels[$i]}, $mode" "$work/before.txt" "$work/metrics.txt" >>"$work/stages.md"
    done
    kill "$vp"; wait "$vp" 2>/dev/null || true
  done
done
printf '\nPipeline stages, from Veil'"'"'s veil_pipeline_stage_duration_seconds: mean µs (p99 bucket bound)\n\n| round, build, mode | stages |\n|---|---|\n'
cat "$work/stages.md"
