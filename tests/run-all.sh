#!/usr/bin/env bash
# Runs every KoboConsole test on a machine that may have nothing installed: installs what is
# missing (Docker engine, Chromium, image tools), starts the engine, builds or reuses the
# test-bed images, checks formatting, builds once, runs the three test projects, and ends with
# the totals alone on the last line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
start_seconds=$SECONDS
log() { printf '==> [%dm%02ds] %s\n' $(((SECONDS - start_seconds) / 60)) $(((SECONDS - start_seconds) % 60)) "$*" >&2; }

# 1. Debian packages the tests need (each installed only when missing).
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# nginx in front of the console (E2E Proxy tests) runs as a plain process with its own config.
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
# Compose v1 (bookworm's package) runs docker/compose.yml itself (Packaging ComposeUpTests).
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  # The package starts a system nginx on port 80 where systemd runs: the tests need none.
  if [[ " ${missing[*]} " == *" nginx-light "* ]] && command -v systemctl >/dev/null 2>&1 && systemctl is-active -q nginx 2>/dev/null; then
    systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi
# npm's s3rver, the S3 server the backup tests upload to (kept beside the test-bed image cache).
s3rver_dir=/var/cache/kobo-testbed/npm
if [ ! -x "$s3rver_dir/node_modules/.bin/s3rver" ]; then
  log "installing s3rver (npm)"
  mkdir -p "$s3rver_dir"
  npm install --prefix "$s3rver_dir" --no-audit --no-fund --silent s3rver@3 >/dev/null
fi
# A fork of it that verifies SigV4 signatures (wrong secret keys fail), for the S3 fault tests.
strict_dir=/var/cache/kobo-testbed/npm-strict
if [ ! -f "$strict_dir/node_modules/@20minutes/s3rver/lib/cli.js" ]; then
  log "installing @20minutes/s3rver (npm)"
  mkdir -p "$strict_dir"
  npm install --prefix "$strict_dir" --no-audit --no-fund --silent --engine-strict=false @20minutes/s3rver@5 >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || { echo "The .NET SDK (see global.json) is required and cannot be installed by this script." >&2; exit 1; }

# 2. The Docker engine and the test-bed images (cached by a hash of their inputs).
bash docker/testbed/engine.sh ensure
bash docker/testbed/images.sh all
# The console's own image over a local stand-in for the aspnet base (Packaging tests; cached by hash).
bash docker/console-image.sh >/dev/null

# 3. Format, then one build for all test projects.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
status=0
problems=()
# Whitespace here (seconds, no compile); the style and analyzer rules fail the build itself
# (EnforceCodeStyleInBuild, warnings as errors), which also reports the naming rules that a full
# 'dotnet format --verify-no-changes' does not (it took a minute more for less).
log "dotnet format whitespace --verify-no-changes"
if ! dotnet format whitespace --folder --verify-no-changes; then
  problems+=("dotnet format found code that is not formatted (files above): run 'dotnet format KoboConsole.sln' and commit.")
  status=1
fi
log "dotnet build"
dotnet build KoboConsole.sln -c Debug --nologo -v q

# 4. The tests, each project with a TRX report the totals are read from and its console output
# kept beside it (CI shows only the closing lines, so what went wrong is repeated at the end).
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
for project in KoboConsole.Tests KoboConsole.IntegrationTests KoboConsole.E2E; do
  log "dotnet test $project"
  rc=0
  # The browser tests' stacks all come up at once before the first page opens (TestBedKobo).
  KOBO_E2E_STACK_STOCK=1 dotnet test "tests/$project" --no-build --nologo \
      --logger "trx;LogFileName=$project.trx" --logger "console;verbosity=normal" \
      --results-directory "$results" --blame-hang-timeout 10m 2>&1 | tee "$results/$project.log" || rc=$?
  if [ ! -f "$results/$project.trx" ]; then
    problems+=("$project produced no test results (it crashed before reporting): counted as 1 failed.")
    echo "crashed" > "$results/$project.crashed"
  elif [ "$rc" -ne 0 ]; then
    status=1
    counters=$(grep -o '<Counters [^>]*>' "$results/$project.trx" | head -n 1)
    if ! printf '%s' "$counters" | grep -Eq ' (failed|error|timeout|aborted)="[1-9]'; then
      # No test failed, yet dotnet test did not succeed: the test host hung (blame-hang killed it)
      # or crashed, and the test it was running has no result. Count it, and say which it was.
      problems+=("$project: dotnet test exited with code $rc although no test result failed (test host hung or crashed): counted as 1 failed.")
      echo "aborted" > "$results/$project.crashed"
      while IFS= read -r line; do problems+=("  $line"); done < <(grep -aiE "^ *(The active test run|Data collector 'Blame'|The test running when|Test ?host process|.*hang ?dump|.*\[Long Running Test\])" "$results/$project.log" | grep -v 'Sequence file will not be generated' | tail -n 12)
    fi
  fi
  if [ "$project" = KoboConsole.E2E ]; then
    # Stacks of the browser tests (ids tb-*) left by a crash or a stock larger than the classes took.
    for dir in "${KOBO_TESTBED_STATE:-/var/lib/kobo-testbed}"/stacks/tb-*; do
      [ -d "$dir" ] && { bash docker/testbed/stack.sh down "$(basename "$dir")" >/dev/null 2>&1 || true; }
    done
  fi
  if [ "$project" = KoboConsole.IntegrationTests ]; then
    # The stacks the integration tests pool (ids tp-*) go down when their test process exits, but
    # the test platform may end that process before every down has finished (or kill it on a
    # hang): remove what is left before the E2E tests start.
    for dir in "${KOBO_TESTBED_STATE:-/var/lib/kobo-testbed}"/stacks/tp-*; do
      [ -d "$dir" ] && { bash docker/testbed/stack.sh down "$(basename "$dir")" >/dev/null 2>&1 || true; }
    done
  fi
done

# 5. Totals from the TRX counters.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  attr() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
  # xunit's skipped tests are counted in total but not in executed (notExecuted stays 0).
  skipped=$((skipped + $(attr total) - $(attr executed)))
  # The names of failed tests, again at the end.
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | grep -o 'testName="[^"]*"' | sed 's/^testName=/failed: /' | head -n 20 >&2 || true
done
# What each failure said (CI shows only the closing lines): the message's first lines per test.
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  awk '
    /<UnitTestResult / { failed = ($0 ~ /outcome="Failed"/); if (failed) { match($0, /testName="[^"]*"/); name = substr($0, RSTART + 10, RLENGTH - 11); gsub(/&quot;/, "\"", name); shown = 0; inmsg = 0 } }
    failed && /<Message>/ { inmsg = 1; print "--- " name; sub(/.*<Message>/, "") }
    failed && inmsg {
      line = $0; end = sub(/<\/Message>.*/, "", line)
      gsub(/&quot;/, "\"", line); gsub(/&apos;/, "\047", line); gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); gsub(/&#xD;/, "", line); gsub(/&#xA;/, "", line); gsub(/&amp;/, "\\&", line)
      if (shown < 25) { print "    " substr(line, 1, 400) } else if (shown == 25) { print "    ..." }
      shown++
      if (end) { inmsg = 0; failed = 0 }
    }' "$trx" | head -n 200 >&2 || true
done
failed=$((failed + $(find "$results" -name '*.crashed' | wc -l)))
[ "$failed" -eq 0 ] || status=1
for p in "${problems[@]}"; do echo "$p" >&2; done
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
