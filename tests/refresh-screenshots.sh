#!/usr/bin/env bash
# Rewrites the screenshots under docs/screenshots that the E2E tests take (a normal test run
# writes them next to the test binaries only, so it never changes tracked files). Run after
# `bash tests/run-all.sh` has installed and built everything once; review the pictures, then commit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash docker/testbed/engine.sh ensure
bash docker/testbed/images.sh all
KC_REFRESH_SCREENSHOTS=1 dotnet test tests/KoboConsole.E2E --nologo \
  --filter "FullyQualifiedName~BackupsPageTests|FullyQualifiedName~ConsoleDatabaseOutagePageTests|FullyQualifiedName~MaintenancePageTests|FullyQualifiedName~PhoneLayoutTests.LogsPage|FullyQualifiedName~PhoneLayoutTests.TopologyNode|FullyQualifiedName~PhoneLayoutTests.TopologyGraph|FullyQualifiedName~PhoneLayoutTests.EveryMenuPage_OnAPhone"
git status --short docs/screenshots
