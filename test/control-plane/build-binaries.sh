#!/usr/bin/env bash
# Builds the test control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# etcd, kwok) and helm (for the chart tests in test/packaging) from the Go module proxy into a
# cache folder outside the clone, keyed by versions. A second run finds the binaries and does
# nothing. See ../shared/docs/test-cluster.md.
#
#   STREAMSPACE_KUBE_BIN_DIR  use ready-made binaries from this folder (nothing is built; helm
#                             too when the folder holds an executable helm)
#   STREAMSPACE_CACHE_DIR     cache root (default ~/.cache/streamspace)
#
# stdout: the folder of the control plane binaries; helm goes to <cache root>/helm-<version>/helm.
set -euo pipefail

KUBE_VERSION=v1.34.2
ETCD_VERSION=v3.6.4
KWOK_VERSION=v0.7.0
# Must match HELM_VERSION in test/packaging/helm.ts.
HELM_VERSION=v3.22.0
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

cache_root="${STREAMSPACE_CACHE_DIR:-$HOME/.cache/streamspace}"
log() { echo "[build-binaries] $(date +%H:%M:%S) $*" >&2; }

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    [[ -x /usr/local/go/bin/go ]] && export PATH="/usr/local/go/bin:$PATH"
  fi
  if ! command -v go >/dev/null 2>&1; then
    cat >&2 <<MSG
The test control plane and helm must be built with Go (>= 1.24), which is not on PATH.
Install Go (https://go.dev/doc/install), or set STREAMSPACE_KUBE_BIN_DIR to a folder holding
ready-made ${BINARIES[*]} (and helm) binaries (for example what setup-envtest downloads).
MSG
    exit 1
  fi
}

# helm: one `go install` (~70 s cold), cached in its own versioned folder.
helm_out="$cache_root/helm-$HELM_VERSION"
if [[ ! -x "$helm_out/helm" && ! -x "${STREAMSPACE_KUBE_BIN_DIR:-/nonexistent}/helm" ]]; then
  require_go
  log "go install helm $HELM_VERSION into $helm_out (cold: ~70 s)"
  helm_work=$(mktemp -d)
  mkdir -p "$helm_out"
  GOBIN="$helm_work" go install -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  mv "$helm_work/helm" "$helm_out/helm"
  rm -rf "$helm_work"
fi

if [[ -n "${STREAMSPACE_KUBE_BIN_DIR:-}" ]]; then
  for bin in "${BINARIES[@]}"; do
    [[ -x "$STREAMSPACE_KUBE_BIN_DIR/$bin" ]] || { echo "STREAMSPACE_KUBE_BIN_DIR=$STREAMSPACE_KUBE_BIN_DIR has no executable $bin" >&2; exit 1; }
  done
  echo "$STREAMSPACE_KUBE_BIN_DIR"
  exit 0
fi

out="$cache_root/kube-$KUBE_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION"

missing=()
for bin in "${BINARIES[@]}"; do [[ -x "$out/$bin" ]] || missing+=("$bin"); done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "$out"
  exit 0
fi

require_go

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "building ${missing[*]} into $out (cold: ~6 min on 2 cores)"

needs() { [[ " ${missing[*]} " == *" $1 "* ]]; }

if needs kube-apiserver || needs kube-controller-manager || needs kube-scheduler || needs kubectl; then
  mkdir -p "$work/kube" && cd "$work/kube"
  go mod init streamspace.local/kubebuild >/dev/null 2>&1
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  goversion=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")
  staging_minor="v0.${KUBE_VERSION#v1.}"
  {
    echo "module streamspace.local/kubebuild"
    echo "go $goversion"
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod" | while read -r m; do echo "  $m => $m $staging_minor"; done
    echo ")"
  } > go.mod
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  log "resolving k8s.io/kubernetes $KUBE_VERSION modules"
  GOFLAGS=-mod=mod go mod tidy -e >/dev/null 2>&1 || true
  minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
  for bin in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    needs "$bin" || continue
    log "go build $bin"
    GOFLAGS=-mod=mod go build -ldflags "$ldflags" -o "$out/$bin.tmp" "k8s.io/kubernetes/cmd/$bin"
    mv "$out/$bin.tmp" "$out/$bin"
  done
fi

if needs etcd; then
  mkdir -p "$work/etcd" && cd "$work/etcd"
  go mod init streamspace.local/etcdbuild >/dev/null 2>&1
  cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  log "go build etcd $ETCD_VERSION"
  go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >/dev/null 2>&1
  go mod tidy >/dev/null 2>&1
  go build -ldflags "-s -w" -o "$out/etcd.tmp" .
  mv "$out/etcd.tmp" "$out/etcd"
fi

if needs kwok; then
  log "go install kwok $KWOK_VERSION"
  mkdir -p "$work/kwokbin"
  GOBIN="$work/kwokbin" go install -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  mv "$work/kwokbin/kwok" "$out/kwok"
fi

log "done"
echo "$out"
