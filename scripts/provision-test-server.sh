#!/usr/bin/env bash
# Fetches the Java time-skipping test server (io.temporal:temporal-test-server) from Maven Central,
# cached under ~/.cache, and writes a wrapper that `exec`s java (sdk-core kills only its direct child).
# Prints the wrapper's path on stdout.
set -euo pipefail
version="${TEMPORAL_TEST_SERVER_VERSION:-1.38.0}"
cache="${SPACELIFT_CASCADE_CACHE:-$HOME/.cache/spacelift-cascade}"
dir="$cache/temporal-test-server-$version"
wrapper="$dir/temporal-test-server"
if [ ! -f "$dir/lib/.complete" ]; then
  command -v mvn >/dev/null || { echo "provision-test-server: 'mvn' is required" >&2; exit 1; }
  command -v java >/dev/null || { echo "provision-test-server: 'java' is required" >&2; exit 1; }
  mkdir -p "$dir"
  cat > "$dir/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.tools</groupId><artifactId>temporal-test-server-classpath</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  echo "provision-test-server: fetching temporal-test-server $version from Maven Central (first time only)" >&2
  mvn -q -B -f "$dir/pom.xml" dependency:copy-dependencies -DoutputDirectory="$dir/lib" -DincludeScope=runtime >&2
  touch "$dir/lib/.complete"
fi
# Rewritten every time so that changes here reach cached installs.
cat > "$wrapper.tmp" <<'SH'
#!/bin/sh
# Invoked by sdk-core as: <this> <port> [flags]. Must exec: sdk-core SIGKILLs only its direct child.
# The server logs stack traces for expected client errors; TEMPORAL_TEST_SERVER_LOG sends them to a file.
DIR="$(cd "$(dirname "$0")" && pwd)"
if [ -n "${TEMPORAL_TEST_SERVER_LOG:-}" ]; then exec >>"$TEMPORAL_TEST_SERVER_LOG" 2>&1; fi
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp "$DIR/lib/*" io.temporal.testserver.TestServer "$@"
SH
chmod +x "$wrapper.tmp" && mv "$wrapper.tmp" "$wrapper"
echo "$wrapper"
