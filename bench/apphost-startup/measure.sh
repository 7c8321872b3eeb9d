#!/usr/bin/env bash
# Time from starting the built AppHost to every resource Running and Healthy (read from the control API), then the
# summed RSS (and PSS) of the whole lab after it has idled, then SIGTERM (or SIGKILL) and what is left.
# Usage: bench/apphost-startup/measure.sh [--fresh] [extra AppHost args]   (build first: dotnet build Lab.AppHost)
# LAB_BENCH_IDLE seconds of idle before measuring memory (default 20), LAB_BENCH_SIGNAL TERM or KILL (default TERM),
# LAB_BENCH_STATE the state folder (default /tmp/lab-bench; --fresh wipes it, so PostgreSQL runs initdb).
set -euo pipefail
cd "$(dirname "$0")/../.."
state=${LAB_BENCH_STATE:-/tmp/lab-bench}
signal=${LAB_BENCH_SIGNAL:-TERM}
log=$(mktemp)
rm -f "$state/apphost.json"   # a stale one (left by a SIGKILL) would point at a dead port
start=$(date +%s.%N)
# The built AppHost, not `dotnet run`: on real Aspire the AppHost has no "Lab is up" line, and MSBuild's no-op build is
# not part of the lab's start. Port 0: the control API picks a free port and writes it to apphost.json.
dotnet Lab.AppHost/bin/Debug/net10.0/Lab.AppHost.dll --state-dir "$state" --port 0 "$@" >"$log" 2>&1 &
apphost=$!
# Poll the control API every 0.5 s until every resource is Running and Healthy.
healthy() {
  python3 - "$1" <<'PY'
import json, sys, urllib.request
try:
    r = json.load(urllib.request.urlopen(sys.argv[1] + "/api/resources", timeout=2))
except OSError:
    sys.exit(1)
sys.exit(0 if r and all(x["state"] == "Running" and x["health"] == "Healthy" for x in r) else 1)
PY
}
url=""
until [ -n "$url" ] && healthy "$url"; do
  if ! kill -0 "$apphost" 2>/dev/null; then echo "AppHost exited:"; tail -30 "$log"; exit 1; fi
  [ -z "$url" ] && [ -f "$state/apphost.json" ] && url=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['controlUrl'].rstrip('/'))" "$state/apphost.json")
  sleep 0.5
done
end=$(date +%s.%N)
printf 'all resources healthy after %.1f s (load average: %s)\n' "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
sleep "${LAB_BENCH_IDLE:-20}"
curl -s "$url/api/resources" | python3 -c "
import json, sys
r = json.load(sys.stdin)
bad = [x['name'] for x in r if x['state'] != 'Running' or x['health'] != 'Healthy']
print('control API: ' + (f'NOT healthy: {bad}' if bad else f'all {len(r)} resources Running and Healthy'))
for x in r:
    print(f\"  {x['name']:<14} {x['state']:<9} {x['health']:<9} pids {[i['pid'] for i in x['instances']]}\")"
# Every process of the lab: the AppHost, DCP's API server (started detached, so re-parented to init, and found by the
# `--monitor <AppHost pid>` it carries) and everything below them: DCP's controllers, its monitor-process helpers, the
# services and servers, PostgreSQL's workers.
pids=$(python3 - "$apphost" <<'PY'
import os, sys
children, cmdlines = {}, {}
for p in filter(str.isdigit, os.listdir("/proc")):
    try:
        ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
        cmdlines[int(p)] = open(f"/proc/{p}/cmdline").read().split("\0")
    except OSError:
        continue
    children.setdefault(ppid, []).append(int(p))
root = int(sys.argv[1])
todo = [root] + [p for p, a in cmdlines.items() if "--monitor" in a[:-1] and a[a.index("--monitor") + 1] == str(root)]
seen = []
while todo:
    pid = todo.pop()
    if pid not in seen:
        seen.append(pid)
        todo.extend(children.get(pid, []))
print(" ".join(map(str, seen)))
PY
)
list=$(echo $pids | tr ' ' ,)
rss=$(ps -o rss= -p "$list" | awk '{s+=$1} END {print s}')
pss=$(for p in $pids; do awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup 2>/dev/null; done | awk '{s+=$1} END {print s}')
printf 'processes in the lab: %d, summed RSS at idle: %.0f MiB (summed PSS: %.0f MiB)\n' "$(echo $pids | wc -w)" \
  "$(echo "$rss / 1024" | bc -l)" "$(echo "$pss / 1024" | bc -l)"
ps -o pid=,rss=,args= -p "$list" | awk '{printf "  %6d %7.1f MiB  %s %s %s\n", $1, $2/1024, $3, $4, $5}'
stop=$(date +%s.%N)
kill -"$signal" "$apphost"
wait "$apphost" || true
# After SIGKILL nothing waits for the lab to go: DCP notices the AppHost is gone and stops what it started.
for _ in $(seq 1 120); do
  left=$(ps -o pid= -p "$list" || true)
  [ -z "$left" ] && break
  sleep 0.25
done
printf 'SIG%s: %d processes left %.1f s after the signal\n' "$signal" "$(echo $left | wc -w)" "$(echo "$(date +%s.%N) - $stop" | bc)"
rm -f "$log"
