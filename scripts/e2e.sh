#!/usr/bin/env bash
# The end-to-end suite on the real cluster of ../shared/k8s-node (needs root).
# The cluster is stopped on every exit: success, failure, Ctrl-C (INT) or TERM.
set -uo pipefail
cd "$(dirname "$0")/.."
kit="${K8S_NODE_KIT:-$(cd .. && pwd)/shared/k8s-node}"
if [ ! -x "$kit/up.sh" ]; then
  echo "e2e: the cluster kit is missing: $kit/up.sh not found; put ../shared/k8s-node beside the project or set K8S_NODE_KIT" >&2
  exit 2
fi
if [ "$(id -u)" != 0 ]; then
  echo "e2e: needs root (containerd, cgroups, a network bridge): run 'sudo npm run e2e'" >&2
  exit 2
fi
export K8S_NODE_KIT="$kit" KUBECONFIG=/tmp/k8s-node/kubeconfig

# The tests' temporary folders live here, so an interrupted run leaves none behind.
scratch="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-hardened-e2e-run-XXXXXX")"

stopped=0
stop_cluster() {
  [ "$stopped" = 1 ] && return
  stopped=1
  echo "e2e: stopping the cluster (down.sh)"
  bash "$kit/down.sh" || echo "e2e: down.sh failed; run $kit/down.sh by hand" >&2
  rm -rf "$scratch"
}
on_signal() {
  echo "e2e: interrupted by $1" >&2
  [ -n "${jest_pid:-}" ] && kill -TERM "$jest_pid" 2>/dev/null
  stop_cluster
  exit 130
}
trap stop_cluster EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

start=$(date +%s)
bash "$kit/up.sh" || exit 1
TMPDIR="$scratch" npx jest -c jest.e2e.config.js --runInBand "$@" &
jest_pid=$!
wait "$jest_pid"
status=$?
echo "e2e: jest exited ${status} after $(( $(date +%s) - start ))s (cluster start included)"
exit "$status"
