#!/usr/bin/env bash
# Peer comparison: Veil (`veil scan --jsonl`) against a JavaScript PII redactor from npm, on the
# same labelled corpus, on this machine. Prints messages/s (per core, CPU time) and recall per type
# from score.py for both. The npm package goes to a temporary directory that is removed afterwards.
#
#   test/peer/run.sh [CORPUS.jsonl]     (default: ../shared/corpus/pii-dev.jsonl next to the repo)
#   REPEAT=10 test/peer/run.sh          (timed passes of the peer over the corpus, after a warm-up pass;
#                                        Veil makes VEIL_REPEAT passes, default 50, as it is faster)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=${1:-${VEIL_CORPUS:-$root/../shared/corpus/pii-dev.jsonl}}
score=$(dirname "$corpus")/score.py
repeat=${REPEAT:-5}
veil_repeat=${VEIL_REPEAT:-50}
[ -f "$corpus" ] || { echo "corpus not found: $corpus (set VEIL_CORPUS)" >&2; exit 1; }
[ -f "$score" ] || { echo "score.py not found next to the corpus" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. The peer: @openredaction/openredaction, or @arcjet/redact when the first is not published.
pkg=@openredaction/openredaction
if ! npm view "$pkg" version >/dev/null 2>&1; then
  pkg=@arcjet/redact
fi
version=$(npm view "$pkg" version)
echo "peer: $pkg@$version (installing into $work)" >&2
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "$pkg@$version" >&2)

# 2. Veil, built from this tree.
(cd "$root" && go build -o "$work/veil" ./cmd/veil)

# The corpus repeated VEIL_REPEAT times, for Veil's timed run (one process, so start-up is amortized).
for _ in $(seq "$veil_repeat"); do cat "$corpus"; done > "$work/repeated.jsonl"
bytes=$(python3 -c 'import json,sys; print(sum(len(json.loads(l)["text"].encode()) for l in open(sys.argv[1]) if l.strip()))' "$corpus")
msgs=$(grep -c . "$corpus")

# Veil: one warm-up run that also gives the predictions, then the timed run on one core.
GOMAXPROCS=1 "$work/veil" scan --jsonl < "$corpus" > "$work/veil-pred.jsonl"
veil_times=$( { /usr/bin/env time -f '%e %U %S' env GOMAXPROCS=1 "$work/veil" scan --jsonl < "$work/repeated.jsonl" > /dev/null; } 2>&1 | tail -1)
read -r v_wall v_user v_sys <<<"$veil_times"

# Peer: warm-up and timing happen inside the runner, on Node's single thread.
peer_json=$(PEER_MODULES="$work" node "$here/openredaction.js" "$corpus" "$work/peer-pred.jsonl" "$repeat")

python3 "$score" "$corpus" "$work/veil-pred.jsonl" --json "$work/veil-score.json" > "$work/veil-score.txt"
python3 "$score" "$corpus" "$work/peer-pred.jsonl" --json "$work/peer-score.json" > "$work/peer-score.txt"

python3 - "$work" "$msgs" "$bytes" "$veil_repeat" "$v_wall" "$v_user" "$v_sys" "$pkg@$version" "$peer_json" <<'PY'
import json, sys
work, msgs, nbytes, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
v_wall, v_cpu = float(sys.argv[5]), float(sys.argv[6]) + float(sys.argv[7])
peer_name, peer = sys.argv[8], json.loads(sys.argv[9])
vs = json.load(open(work + '/veil-score.json'))
ps = json.load(open(work + '/peer-score.json'))
n = msgs * repeat  # Veil's passes
v_mps = n / v_cpu if v_cpu > 0 else float('inf')
p_mps = peer['msgs_per_s_cpu']
print('corpus: %d messages, %.0f KB; timed passes after a warm-up: veil %d, peer %d; one core' % (msgs, nbytes / 1024, repeat, peer['messages'] // msgs))
print('%-34s %14s %14s' % ('', 'veil scan', peer_name))
print('%-34s %14.0f %14.0f' % ('messages/s (CPU time)', v_mps, p_mps))
print('%-34s %14.2f %14.2f' % ('MB/s (CPU time)', nbytes * repeat / v_cpu / 1e6 if v_cpu else 0, peer['mb_per_s_cpu']))
print('%-34s %14.0f %14.0f' % ('messages/s (wall clock)', n / v_wall if v_wall else 0, peer['msgs_per_s_wall']))
for k in sorted(vs['recall_by_type']):
    print('%-34s %13.1f%% %13.1f%%' % ('recall ' + k, vs['recall_by_type'][k], ps['recall_by_type'].get(k) or 0))
print('%-34s %13.1f%% %13.1f%%' % ('recall OVERALL', vs['recall'], ps['recall']))
print('%-34s %13.1f%% %13.1f%%' % ('hard negatives untouched', vs['neg_untouched'], ps['neg_untouched']))
print('%-34s %13.1f%% %13.1f%%' % ('region precision', vs['region_precision'], ps['region_precision']))
print('speed ratio (veil / peer, messages/s per core): %.1fx' % (v_mps / p_mps))
PY
