# Sourced by ./mvnw and ./loomflow before Java starts, and by the distribution's bin/loomflow (which
# ships this file as lib/select-jdk.sh): Loomflow builds and runs on Java 25 or newer.
# The rule, in order: JAVA_HOME when it is 25 or newer; else the `java` on the PATH when it is; else
# the newest one under the usual installation folders (or, when LOOMFLOW_JDK_DIRS is set, under the
# folders it lists, separated by ':'); else it stops, says what it found and what to install, and
# exits 1. It exports JAVA_HOME. Before sourcing, set loomflow_java_tool=java to accept a JRE (the
# launcher only runs java); it is javac by default (a JDK, which the build needs), and
# loomflow_java_again to what the user runs again (./mvnw by default).

loomflow_java_feature() {
  # Prints the feature release (for example 25) of the Java at $1, or nothing; needs $1/bin/$loomflow_tool.
  [ -x "$1/bin/$loomflow_tool" ] || return 0
  if [ -r "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
  else
    loomflow_java_version "$1/bin/java" | sed 's/\..*//'
  fi
}

loomflow_java_version() {
  # Prints the version $1 says it is (17.0.12, 25, 1.8.0_402), or nothing.
  "$1" -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p'
}

loomflow_describe() {
  # What a Java found but refused is: "Java 17 (/usr/bin/java)", or "no Java (PATH)".
  if [ -x "$1" ]; then
    loomflow_version=$(loomflow_java_version "$1")
    echo "Java ${loomflow_version:-of an unknown version} ($1)"
  else
    echo "no Java at $1"
  fi
}

loomflow_select_jdk() {
  loomflow_required=25
  loomflow_tool=${loomflow_java_tool:-javac}
  if [ -n "${JAVA_HOME-}" ]; then
    loomflow_feature=$(loomflow_java_feature "$JAVA_HOME")
    if [ -n "$loomflow_feature" ] && [ "$loomflow_feature" -ge "$loomflow_required" ]; then
      return 0
    fi
  fi
  loomflow_path_java=$(command -v java 2>/dev/null || true)
  if [ -n "$loomflow_path_java" ]; then
    loomflow_path_home=$(readlink -f "$loomflow_path_java" 2>/dev/null || echo "$loomflow_path_java")
    loomflow_path_home=$(dirname "$(dirname "$loomflow_path_home")")
    loomflow_feature=$(loomflow_java_feature "$loomflow_path_home")
    if [ -n "$loomflow_feature" ] && [ "$loomflow_feature" -ge "$loomflow_required" ]; then
      JAVA_HOME=$loomflow_path_home
      export JAVA_HOME
      return 0
    fi
  fi
  loomflow_best=
  loomflow_best_feature=0
  loomflow_dirs=${LOOMFLOW_JDK_DIRS-/usr/lib/jvm:/usr/local/lib/jvm:/opt/java:/opt:$HOME/.sdkman/candidates/java}
  set +f # mvnw runs with globbing off; the scan below needs it
  loomflow_ifs=$IFS
  IFS=:
  for loomflow_dir in $loomflow_dirs; do
    IFS=$loomflow_ifs
    for loomflow_candidate in "$loomflow_dir"/*; do
      [ -d "$loomflow_candidate" ] || continue
      loomflow_feature=$(loomflow_java_feature "$loomflow_candidate")
      [ -n "$loomflow_feature" ] || continue
      if [ "$loomflow_feature" -ge "$loomflow_required" ] && [ "$loomflow_feature" -gt "$loomflow_best_feature" ]; then
        loomflow_best=$loomflow_candidate
        loomflow_best_feature=$loomflow_feature
      fi
    done
  done
  IFS=$loomflow_ifs
  set -f
  if [ -z "$loomflow_best" ]; then
    if [ "$loomflow_tool" = javac ]; then loomflow_kind="a JDK"; else loomflow_kind="Java"; fi
    loomflow_found="JAVA_HOME is ${JAVA_HOME:-unset}"
    if [ -n "${JAVA_HOME-}" ]; then loomflow_found="JAVA_HOME has $(loomflow_describe "$JAVA_HOME/bin/java")"; fi
    if [ -n "$loomflow_path_java" ]; then
      loomflow_found="$loomflow_found; the PATH has $(loomflow_describe "$loomflow_path_java")"
    else
      loomflow_found="$loomflow_found; the PATH has no java"
    fi
    echo "Loomflow needs $loomflow_kind $loomflow_required or newer, and found none: $loomflow_found; none under ${loomflow_dirs:-no folder (LOOMFLOW_JDK_DIRS is empty)} either." >&2
    echo "Install a JDK $loomflow_required (for example Eclipse Temurin 25: the temurin-25-jdk package) and set JAVA_HOME to it, then run ${loomflow_java_again:-./mvnw} again." >&2
    exit 1
  fi
  JAVA_HOME=$loomflow_best
  export JAVA_HOME
}

loomflow_select_jdk
