#!/bin/bash
# Benchmark (opt-in, not in the default suite): 20 log viewers (SignalR hub clients) on 10 busy
# containers and 5 topology pollers (API clients, GET /api/v1/topology every second) against the
# console's Release build as its own process, for N minutes (default 5). Prints errors and the
# console's RSS over time; appends to /tmp/kobo-load-bench.txt. See docs/benchmarks.md ("Load").
# Usage (root, Docker engine, test bed images): bash tests/benchmarks/load.sh [minutes]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MINUTES="${1:-5}"
cd "$ROOT"
bash docker/testbed/engine.sh ensure >/dev/null
bash docker/testbed/images.sh all >/dev/null
echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
dotnet build -c Release src/KoboConsole.Web -v q -nologo >/dev/null
KOBO_BENCH=1 KOBO_BENCH_MINUTES="$MINUTES" dotnet test tests/KoboConsole.IntegrationTests -nologo \
  --filter "FullyQualifiedName~Faults.LoadBenchmarks" --logger "console;verbosity=detailed" | grep -E "^\s*load:|Passed|Failed" || true
echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
tail -n 1 /tmp/kobo-load-bench.txt
