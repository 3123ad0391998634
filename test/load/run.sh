#!/usr/bin/env bash
# Loopback load test: a 1 KB JSON chat POST (1) straight to demobot, (2) through a bare
# httputil.ReverseProxy, (3) through nginx, (4) through Veil with TLS off and (5) with TLS 1.3.
# Servers share core 1, the load generator runs on core 0 (taskset). Each target is measured at
# saturation and at a fixed 1,000 req/s, in the same run, so ratios are comparable.
#
#   test/load/run.sh            # 10 s per measurement
#   D=30s C=64 test/load/run.sh
# nginx is used when installed (apt-get install nginx-light); it is skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
D=${D:-10s}
C=${C:-32}
RATE=${RATE:-1000}
SERVER_CPU=${SERVER_CPU:-1}
CLIENT_CPU=${CLIENT_CPU:-0}
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

echo "building into $work" >&2
for c in veil demobot; do go build -o "$work/$c" "./cmd/$c"; done
go build -o "$work/baseline" ./test/load/baseline
go build -o "$work/loadgen" ./test/load/loadgen

python3 - "$work/body.json" <<'PY'
import json, sys
text = ("Hello, I would like to know the opening hours of your store in the city centre and whether "
        "the winter collection is already available online. ") * 8
body = json.dumps({"sender": "load-test", "message": text[:960]})
open(sys.argv[1], "w").write(body)
PY

start() { # name, command...
  local name=$1; shift
  taskset -c "$SERVER_CPU" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
wait_port() {
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "port $1 never opened" >&2; return 1
}

start demobot "$work/demobot" --listen 127.0.0.1:18080 --stream-delay 0
start baseline "$work/baseline" --listen 127.0.0.1:18091 --upstream http://127.0.0.1:18080
wait_port 18080; wait_port 18091

cat >"$work/veil-plain.yaml" <<YAML
listen: 127.0.0.1:18092
admin: {listen: 127.0.0.1:19092}
data_dir: $work/data-plain
tls: {mode: "off"}
upstream: {url: "http://127.0.0.1:18080"}
routes:
  - {name: rest, path: /webhooks/rest/webhook, kind: chat, fields: [message]}
  - {name: openai, path: /v1/chat/completions, kind: chat}
  - {name: page, path: /, kind: page}
log: {format: json, level: info}
YAML
sed -e 's/18092/18443/; s/19092/19443/; s/data-plain/data-tls/; s/mode: "off"/mode: self-signed/' "$work/veil-plain.yaml" >"$work/veil-tls.yaml"
start veil-plain "$work/veil" serve --config "$work/veil-plain.yaml"
start veil-tls "$work/veil" serve --config "$work/veil-tls.yaml"
wait_port 18092; wait_port 18443

targets=("direct http://127.0.0.1:18080" "httputil http://127.0.0.1:18091")
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
  targets+=("nginx http://127.0.0.1:18093")
fi
targets+=("veil-plain http://127.0.0.1:18092" "veil-tls13 https://127.0.0.1:18443")

python3 - "$work/sse.json" <<'PY'
import json, sys
json.dump({"model": "demo", "stream": True, "messages": [{"role": "user", "content": "Please tell me about the opening hours of the store."}]}, open(sys.argv[1], "w"))
PY

printf '| target | mode | req/s | p50 ms | p99 ms | errors |\n|---|---|---:|---:|---:|---:|\n'
for t in "${targets[@]}"; do
  name=${t%% *}; url=${t#* }
  for mode in saturation fixed; do
    rate=0; [ "$mode" = fixed ] && rate=$RATE
    taskset -c "$CLIENT_CPU" "$work/loadgen" -url "$url/webhooks/rest/webhook" -body "$work/body.json" \
      -c "$C" -d "$D" -rate "$rate" -label "$name" >"$work/result.json"
    python3 - "$work/result.json" "$name" "$mode" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {r['rps']:.0f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['errors']} |")
PY
  done
done

echo
echo "SSE time to first event (OpenAI streaming request, ${SSE_RATE:-200} req/s):"
printf '| target | req/s | TTFE p50 ms | TTFE p99 ms | errors |\n|---|---:|---:|---:|---:|\n'
for t in "${targets[@]}"; do
  name=${t%% *}; url=${t#* }
  case $name in nginx) continue;; esac # nginx buffers responses unless told not to; not a fair SSE row
  taskset -c "$CLIENT_CPU" "$work/loadgen" -url "$url/v1/chat/completions" -body "$work/sse.json" \
    -c "$C" -d "$D" -rate "${SSE_RATE:-200}" -first-byte -label "$name" >"$work/result.json"
  python3 - "$work/result.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {r['rps']:.0f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['errors']} |")
PY
done

echo
echo "Page time to first byte (the widget page, GET /, ${SSE_RATE:-200} req/s; Veil injects the consent banner, streamed):"
printf '| target | req/s | TTFB p50 ms | TTFB p99 ms | errors |\n|---|---:|---:|---:|---:|\n'
for t in "${targets[@]}"; do
  name=${t%% *}; url=${t#* }
  case $name in nginx|httputil) continue;; esac
  taskset -c "$CLIENT_CPU" "$work/loadgen" -url "$url/" -c "$C" -d "$D" -rate "${SSE_RATE:-200}" -first-byte -label "$name" >"$work/result.json"
  python3 - "$work/result.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {r['rps']:.0f} | {r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {r['errors']} |")
PY
done
