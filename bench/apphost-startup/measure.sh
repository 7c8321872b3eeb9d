#!/usr/bin/env bash
# Time from `dotnet run --project Lab.AppHost` to every resource Running and healthy (read from the control API),
# then the summed RSS of the whole lab (the AppHost and every process below it) after it has idled, then SIGTERM.
# Usage: bench/apphost-startup/measure.sh [extra AppHost args, e.g. --fresh]
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${LAB_BENCH_PORT:-18990}
log=$(mktemp)
start=$(date +%s.%N)
dotnet run --project Lab.AppHost -- --port "$port" "$@" >"$log" 2>&1 &
runner=$!
# Wait for the AppHost's own "Lab is up" line (printed the moment every resource is healthy), checking the log with
# grep every 50 ms: polling the control API with a fresh python3 per attempt cost a fifth of a core on this 2-core
# machine and delayed the very start-up it measured.
until grep -q "Lab is up in" "$log" 2>/dev/null; do
  if ! kill -0 "$runner" 2>/dev/null; then echo "AppHost exited:"; tail -30 "$log"; exit 1; fi
  sleep 0.05
done
end=$(date +%s.%N)
lab=$(grep -oE "Lab is up in [0-9.]+" "$log" | grep -oE "[0-9.]+$")
# The AppHost times its own part from the moment its Main starts; the rest is `dotnet run` (restore, build, launch).
printf 'all resources healthy after %.1f s (dotnet run before the AppHost: %.1f s, the lab: %s s; load average: %s)\n' \
  "$(echo "$end - $start" | bc)" "$(echo "$end - $start - $lab" | bc)" "$lab" "$(cut -d' ' -f1-3 /proc/loadavg)"
# Cross-check with the control API: every resource Running and Healthy.
python3 - "$port" <<'PY'
import json, sys, urllib.request
r = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/resources", timeout=5))
bad = [x["name"] for x in r if x["state"] != "Running" or x["health"] != "Healthy"]
print("control API: " + (f"NOT healthy: {bad}" if bad else f"all {len(r)} resources Running and Healthy"))
PY
sleep "${LAB_BENCH_IDLE:-20}"
curl -s "http://127.0.0.1:$port/api/resources" | python3 -c "
import json, sys
for r in json.load(sys.stdin):
    print(f\"  {r['name']:<14} {r['state']:<9} {r['health']:<9} pids {[i['pid'] for i in r['instances']]}\")"
apphost=$(python3 -c "import json;print(json.load(open('.lab/apphost.json'))['pid'])")
# Every process below the AppHost (services, servers and PostgreSQL's own workers), from /proc.
pids=$(python3 - "$apphost" <<'PY'
import os, sys
children = {}
for p in filter(str.isdigit, os.listdir("/proc")):
    try:
        ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
    except OSError:
        continue
    children.setdefault(ppid, []).append(int(p))
todo, seen = [int(sys.argv[1])], []
while todo:
    pid = todo.pop()
    seen.append(pid)
    todo.extend(children.get(pid, []))
print(" ".join(map(str, seen)))
PY
)
list=$(echo $pids | tr ' ' ,)
rss=$(ps -o rss= -p "$list" | awk '{s+=$1} END {print s}')
printf 'processes in the lab: %d, summed RSS at idle: %.0f MiB\n' "$(echo $pids | wc -w)" "$(echo "$rss / 1024" | bc -l)"
ps -o pid=,rss=,args= -p "$list" | awk '{printf "  %6d %7.1f MiB  %s %s\n", $1, $2/1024, $3, $4}'
stop=$(date +%s.%N)
kill -TERM "$apphost"
wait "$runner" || true
printf 'stopped %.1f s after SIGTERM\n' "$(echo "$(date +%s.%N) - $stop" | bc)"
left=$(ps -o pid= -p "$list" || true)
echo "processes left after stop: $(echo $left | wc -w)"
rm -f "$log"
