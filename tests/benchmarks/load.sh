#!/bin/bash
# Benchmark (opt-in, not in the default suite): 20 log viewers (SignalR hub clients) on 10 busy
# containers and 5 topology pages (Debian's Chromium through Playwright: one browser, 5 signed-in
# contexts with /topology open) against the console's Release build as its own process, for N
# minutes (default 5). Prints errors (hub, page console, Blazor error bar, reconnect dialog), the
# console's RSS and the load average over time; appends to /tmp/kobo-load-bench.txt. See
# docs/benchmarks.md ("Load (faults)"). The benchmark is tests/KoboConsole.E2E/Topology/LoadBenchmark.cs.
# Usage (root, Docker engine, test bed images): bash tests/benchmarks/load.sh [minutes]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MINUTES="${1:-5}"
cd "$ROOT"
bash docker/testbed/engine.sh ensure >/dev/null
bash docker/testbed/images.sh all >/dev/null
echo "machine load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# From publish output: a build output serves the pages' static web assets only in Development.
publish=/tmp/kobo-load-bench-publish
rm -rf "$publish"
dotnet publish -c Release src/KoboConsole.Web -o "$publish" -v q -nologo >/dev/null
KOBO_CONSOLE_PUBLISH="$publish" KOBO_BENCH=1 KOBO_BENCH_MINUTES="$MINUTES" dotnet test tests/KoboConsole.E2E -nologo \
  --filter "FullyQualifiedName~Topology.LoadBenchmark" --logger "console;verbosity=detailed" | grep -E "^\s*load:|Passed|Failed" || true
echo "machine load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
tail -n 1 /tmp/kobo-load-bench.txt
