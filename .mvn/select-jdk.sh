# Sourced by ./mvnw before Maven starts: Loomflow builds with JDK 25 or newer.
# Keeps JAVA_HOME when it already points at a JDK >= 25; otherwise picks the newest JDK >= 25
# under the usual installation folders; otherwise stops and says what to install.

loomflow_jdk_feature() {
  # Prints the feature release (for example 25) of the JDK at $1, or nothing.
  [ -x "$1/bin/javac" ] && [ -r "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

loomflow_select_jdk() {
  loomflow_required=25
  if [ -n "${JAVA_HOME-}" ]; then
    loomflow_feature=$(loomflow_jdk_feature "$JAVA_HOME")
    if [ -n "$loomflow_feature" ] && [ "$loomflow_feature" -ge "$loomflow_required" ]; then
      return 0
    fi
  fi
  loomflow_best=
  loomflow_best_feature=0
  set +f # mvnw runs with globbing off; the scan below needs it
  for loomflow_candidate in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do
    [ -d "$loomflow_candidate" ] || continue
    loomflow_feature=$(loomflow_jdk_feature "$loomflow_candidate")
    [ -n "$loomflow_feature" ] || continue
    if [ "$loomflow_feature" -ge "$loomflow_required" ] && [ "$loomflow_feature" -gt "$loomflow_best_feature" ]; then
      loomflow_best=$loomflow_candidate
      loomflow_best_feature=$loomflow_feature
    fi
  done
  set -f
  if [ -z "$loomflow_best" ]; then
    echo "Loomflow needs a JDK $loomflow_required or newer, and none was found (JAVA_HOME=${JAVA_HOME:-unset}; looked under /usr/lib/jvm, /usr/local/lib/jvm, /opt)." >&2
    echo "Install one (for example Eclipse Temurin 25: the temurin-25-jdk package) or set JAVA_HOME to it, then run ./mvnw again." >&2
    exit 1
  fi
  JAVA_HOME=$loomflow_best
  export JAVA_HOME
}

loomflow_select_jdk
