#!/usr/bin/env bash
# Loopback load test, every row measured in the same run so that ratios are comparable:
#   1. a 1 KB clean JSON chat POST: demobot directly, a bare httputil.ReverseProxy, nginx, and Veil
#      with the route as passthrough (plain and TLS 1.3): the proxy's own cost;
#   2. a 1 KB JSON chat POST with three findings, each connection one subject with consent: the bare
#      proxy against Veil's full pipeline (detect, decide, tokenize, audit, reply restored), with the
#      embedded store and, when redis-server is installed, with Redis;
#   3. SSE time to first event (OpenAI streaming request): direct, bare proxy, Veil pass-through,
#      Veil pipeline;
#   4. the widget page's time to first byte: direct and through Veil's consent-banner injector.
# Servers share core 1, the load generator runs on core 0 (taskset).
#
#   test/load/run.sh            # 10 s per measurement
#   D=30s C=64 test/load/run.sh
#   SECTIONS="2 3" test/load/run.sh   # only some sections (all servers still start)
# nginx is used when installed (apt-get install nginx-light); it is skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${D:-10s}
C=${C:-32}
RATE=${RATE:-1000}
SSE_RATE=${SSE_RATE:-200}
SECTIONS=" ${SECTIONS:-1 2 3 4} "
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'for f in "$work"/*.log; do echo "--- $f" >&2; tail -5 "$f" >&2; done' ERR

echo "building into $work" >&2
for c in veil demobot; do go build -o "$work/$c" "./cmd/$c"; done
go build -o "$work/baseline" ./test/load/baseline
go build -o "$work/loadgen" ./test/load/loadgen

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
text = ("Hello, I would like to know the opening hours of your store in the city centre and whether "
        "the winter collection is already available online. ") * 8
json.dump({"sender": "load-test", "message": text[:960]}, open(w + "/clean.json", "w"))
pii = "Hello, I am Maria Rossi. " + text[:830] + " Mail me at maria.rossi@example.org or call +49 30 12345678."
json.dump({"sender": "load-test", "message": pii}, open(w + "/pii.json", "w"))
json.dump({"model": "demo", "stream": True, "messages": [{"role": "user", "content": "Please tell me about the opening hours of the store."}]}, open(w + "/sse.json", "w"))
PY

declare -A pid_of
start() { # name, command...
  local name=$1; shift
  taskset -c "$SERVER_CPU" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
}
wait_port() {
  for _ in $(seq 1 400); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "port $1 never opened" >&2; return 1
}

# A stale process on one of the ports would answer in place of the server under test.
for p in 18080 18091 18092 18093 18094 18095 18443 16379 19092 19094 19095 19443; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p is already in use (a stale run?); stop it first" >&2; exit 1
  fi
done
start demobot "$work/demobot" --listen 127.0.0.1:18080 --stream-delay 0
start baseline "$work/baseline" --listen 127.0.0.1:18091 --upstream http://127.0.0.1:18080

veil_config() { # name port admin-port tls-mode chat-kind [extra yaml]
  cat >"$work/$1.yaml" <<YAML
listen: 127.0.0.1:$2
admin: {listen: 127.0.0.1:$3}
data_dir: $work/data-$1
tls: {mode: "$4"}
upstream: {url: "http://127.0.0.1:18080"}
routes:
  - {name: rest, path: /webhooks/rest/webhook, kind: $5, fields: [message]}
  - {name: openai, path: /v1/chat/completions, kind: $5}
  - {name: assets, path: /static, kind: passthrough}
  - {name: page, path: /, kind: page}
log: {format: json, level: info}
${6:-}
YAML
}
veil_config veil-pass 18092 19092 off passthrough
veil_config veil-pass-tls 18443 19443 self-signed passthrough
veil_config veil-pipe 18094 19094 off chat
veils=(veil-pass veil-pass-tls veil-pipe)
ports=(18080 18091 18092 18443 18094)
# The pipeline again with Redis as store and audit sink, when redis-server is installed (not
# pinned: in production it runs on its own machine).
has_redis=false
if command -v redis-server >/dev/null 2>&1; then
  redis-server --port 16379 --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
  pids+=($!)
  wait_port 16379
  veil_config veil-pipe-redis 18095 19095 off chat "store: {driver: redis, redis: {addrs: [\"127.0.0.1:16379\"]}}"
  veils+=(veil-pipe-redis)
  ports+=(18095)
  has_redis=true
fi
# Replicas sharing Redis must be given their master key (any 32 bytes, base64, for this run).
VEIL_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
export VEIL_MASTER_KEY
for v in "${veils[@]}"; do start "$v" env ${VEIL_ENV:-} "$work/veil" serve --config "$work/$v.yaml"; done
for p in "${ports[@]}"; do wait_port $p; done
# Which process's CPU a row reports: the proxy under test (the bot's for "direct").
declare -A proc_of=([direct]=demobot [httputil]=baseline [veil-pass]=veil-pass [veil-pass-tls13]=veil-pass-tls
  [veil-pipeline]=veil-pipe [veil-pipeline-redis]=veil-pipe-redis [nginx]=nginx)

has_nginx=false
if command -v nginx >/dev/null 2>&1; then
  mkdir -p "$work/nginx"
  cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  upstream bot { server 127.0.0.1:18080; keepalive 64; }
  server {
    listen 127.0.0.1:18093;
    location / { proxy_pass http://bot; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  start nginx nginx -c "$work/nginx.conf" -p "$work/nginx"
  wait_port 18093
  pid_of[nginx]=$(pgrep -P "${pid_of[nginx]}" | head -1) # the worker does the proxying
  has_nginx=true
fi

# measure runs loadgen and prints a row. The CPU column is the proxy's own CPU time per measured
# request (user + system, from /proc; the process named by the label, the bot for "direct"), which
# unlike req/s does not depend much on what else the machine is running.
measure() { # label url mode(saturation|fixed|first-byte) body [extra loadgen flags...]
  local label=$1 url=$2 mode=$3 body=$4; shift 4
  local args=(-url "$url" -c "$C" -d "$D" -label "$label")
  [ -n "$body" ] && args+=(-body "$body")
  local proc=${proc_of[$label]:-}
  [ -n "$proc" ] && args+=(-cpu-pid "${pid_of[$proc]}" -clk-tck "$(getconf CLK_TCK)")
  case $mode in
    saturation) args+=(-rate 0) ;;
    fixed) args+=(-rate "$RATE") ;;
    first-byte) args+=(-rate "$SSE_RATE" -first-byte) ;;
  esac
  taskset -c "$CLIENT_CPU" "$work/loadgen" "${args[@]}" "$@" >"$work/result.json"
  python3 - "$work/result.json" "$label" "$mode" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
cpu = f"{r['server_cpu_us_per_req']:.0f}" if "server_cpu_us_per_req" in r else ""
print(f"| {sys.argv[2]} | {sys.argv[3]} | {r['rps']:.0f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {cpu} | {r['errors']} |")
PY
}
section() { [[ $SECTIONS == *" $1 "* ]]; }
header() { printf '\n%s\n\n| target | mode | req/s | p50 ms | p99 ms | proxy CPU µs/req | errors |\n|---|---|---:|---:|---:|---:|---:|\n' "$1"; }

if section 1; then
header "1. Pass-through, 1 KB clean chat POST"
targets=("direct http://127.0.0.1:18080" "httputil http://127.0.0.1:18091")
$has_nginx && targets+=("nginx http://127.0.0.1:18093")
targets+=("veil-pass http://127.0.0.1:18092" "veil-pass-tls13 https://127.0.0.1:18443")
for t in "${targets[@]}"; do
  for mode in saturation fixed; do measure "${t%% *}" "${t#* }/webhooks/rest/webhook" $mode "$work/clean.json"; done
done
fi

# pipeline measures a Veil pipeline and keeps, in $work/stages.md, where its time went per stage
# (from its own metrics, scraped before and after).
pipeline() { # label port admin-port mode
  curl -fsS "http://127.0.0.1:$3/metrics" >"$work/before.txt"
  measure "$1" "http://127.0.0.1:$2/webhooks/rest/webhook" "$4" "$work/pii.json" -consent-url "http://127.0.0.1:$2/.veil/consent"
  curl -fsS "http://127.0.0.1:$3/metrics" >"$work/after.txt"
  python3 test/load/stages.py "$1, $4" "$work/before.txt" "$work/after.txt" >>"$work/stages.md"
}
if section 2; then
header "2. Full pipeline, 1 KB chat POST with three findings, one subject with consent per connection"
: >"$work/stages.md"
for mode in saturation fixed; do
  measure httputil http://127.0.0.1:18091/webhooks/rest/webhook $mode "$work/pii.json"
  pipeline veil-pipeline 18094 19094 $mode
  $has_redis && pipeline veil-pipeline-redis 18095 19095 $mode
done
printf '\nWhere the pipeline runs spent their time, per stage: mean µs (p99 bucket), warm-up included\n\n| run | stages |\n|---|---|\n'
cat "$work/stages.md"
fi

if section 3; then
header "3. SSE time to first event (p50/p99 are time to first byte), $SSE_RATE req/s"
measure direct http://127.0.0.1:18080/v1/chat/completions first-byte "$work/sse.json"
measure httputil http://127.0.0.1:18091/v1/chat/completions first-byte "$work/sse.json"
measure veil-pass http://127.0.0.1:18092/v1/chat/completions first-byte "$work/sse.json"
measure veil-pipeline http://127.0.0.1:18094/v1/chat/completions first-byte "$work/sse.json" -consent-url http://127.0.0.1:18094/.veil/consent
$has_redis && measure veil-pipeline-redis http://127.0.0.1:18095/v1/chat/completions first-byte "$work/sse.json" -consent-url http://127.0.0.1:18095/.veil/consent
fi

if section 4; then
header "4. Widget page time to first byte (Veil injects the consent banner, streamed), $SSE_RATE req/s"
measure direct http://127.0.0.1:18080/ first-byte ""
measure veil-pass http://127.0.0.1:18092/ first-byte ""
fi
