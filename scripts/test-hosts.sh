#!/usr/bin/env bash
# Host fixtures: pack every published package exactly as a host receives it,
# install the tarballs into each app under test/hosts/ (a copy in a scratch
# directory, so nothing resolves from this repo's node_modules), and run that
# app's own tests: NestJS 11 CommonJS with jest in CJS mode, NestJS 12 ESM with
# jest in ESM mode, and gateways with their own global filter, pipe, guard,
# interceptor, prefix and versioning (on Express and Fastify).
# UNIPAY_HOSTS="nest11-cjs" runs a subset; KEEP_HOSTS=1 keeps the copies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
hosts="${UNIPAY_HOSTS:-$(cd "$root/test/hosts" && ls -d */ | tr -d / | tr '\n' ' ')}"
published="wire client simulator unipay-assist cli"
work="$(mktemp -d "${TMPDIR:-/tmp}/unipay-assist-hosts.XXXXXX")"
if [ -z "${KEEP_HOSTS:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "host copies kept in $work"; fi

# Build and pack a copy of the workspace, so a build running in the work tree
# at the same time cannot race this one. The copy gets its own node_modules:
# third-party packages linked from the repo's, the workspace's own linked to
# the copy's packages.
mkdir -p "$work/repo/node_modules/@unipay-assist"
(cd "$root" && tar --exclude=node_modules --exclude=dist --exclude=test -cf - package.json tsconfig.base.json scripts packages $(ls LICENSE* 2>/dev/null)) | (cd "$work/repo" && tar -xf -)
for entry in "$root"/node_modules/* "$root"/node_modules/.bin; do
  case "$(basename "$entry")" in @unipay-assist | unipay-assist) continue ;; esac
  ln -s "$entry" "$work/repo/node_modules/$(basename "$entry")"
done
for pkg in $published; do
  name="$(node -p "require('$work/repo/packages/$pkg/package.json').name")"
  ln -s "$work/repo/packages/$pkg" "$work/repo/node_modules/$name"
done
declare -A tgz
for pkg in $published; do
  (cd "$work/repo/packages/$pkg" && npm run build --silent >/dev/null)
  file="$(cd "$work/repo/packages/$pkg" && npm pack --pack-destination "$work" --loglevel=error | tail -n 1)"
  tgz[$pkg]="$work/$file"
  echo "== packed $file: $(tar -tzf "$work/$file" | wc -l) files, $(wc -c <"$work/$file") bytes"
  if tar -tzf "$work/$file" | grep -E '/test/|\.map$|\.tsbuildinfo$|/src/'; then
    echo "the tarball holds files a host must not get (above)" >&2
    exit 1
  fi
  (cd "$work/repo/packages/$pkg" && npx --no-install publint --strict)
done
# No tarball carries the demo's configuration (the README may show its public try-out values).
mkdir -p "$work/unpacked"
for pkg in $published; do tar -xzf "${tgz[$pkg]}" -C "$work/unpacked" --transform "s|^package|$pkg|"; done
if grep -rlE 'M1000000001|wx0demo0unipay0001|demo-wechat-app-secret' "$work"/unpacked/*/dist; then
  echo "a tarball holds the demo's merchant configuration (above)" >&2
  exit 1
fi

for host in $hosts; do
  echo "== host $host"
  mkdir -p "$work/$host"
  (cd "$root/test/hosts/$host" && tar --exclude=node_modules -cf - .) | (cd "$work/$host" && tar -xf -)
  # Every package of ours the host names, from its tarball.
  node -e '
    const fs = require("node:fs");
    const [dir, ...pairs] = process.argv.slice(1);
    const file = dir + "/package.json";
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    const tarballs = Object.fromEntries(pairs.map((p) => p.split("=")));
    for (const field of ["dependencies", "devDependencies"]) {
      for (const name of Object.keys(pkg[field] ?? {})) if (tarballs[name]) pkg[field][name] = "file:" + tarballs[name];
    }
    // What our packages need of each other comes from the tarballs too, never a registry.
    pkg.overrides = { ...pkg.overrides, ...Object.fromEntries(Object.entries(tarballs).map(([n, t]) => [n, "file:" + t])) };
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
  ' "$work/$host" \
    "@unipay-assist/wire=${tgz[wire]}" "@unipay-assist/client=${tgz[client]}" "@unipay-assist/simulator=${tgz[simulator]}" \
    "unipay-assist=${tgz[unipay-assist]}" "@unipay-assist/cli=${tgz[cli]}"
  (
    cd "$work/$host"
    npm install --no-audit --no-fund --no-package-lock --prefer-offline --loglevel=error
    node -e '
      const v = (p) => { try { return JSON.parse(require("node:fs").readFileSync("node_modules/" + p + "/package.json", "utf8")).version; } catch { return "-"; } };
      console.log(["@nestjs/core", "@nestjs/common", "@nestjs/platform-express", "@nestjs/platform-fastify", "@nestjs/config", "@nestjs/axios", "unipay-assist", "@unipay-assist/wire", "@unipay-assist/client", "@unipay-assist/simulator", "alipay-sdk", "jest", "typescript"].map((p) => p + "@" + v(p)).join(" "));
    '
    npm test
  )
done
echo "== hosts passed: $hosts"
