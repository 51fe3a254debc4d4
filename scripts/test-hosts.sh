#!/usr/bin/env bash
# Host fixtures: pack unipay-assist exactly as a host receives it, install the
# tarball into each app under test/hosts/ (a copy in a scratch directory, so
# nothing resolves from this repo's node_modules), and run that app's own
# tests: NestJS 11 CommonJS with jest in CJS mode, NestJS 12 ESM with jest in
# ESM mode, and a NestJS 11 gateway with its own global filter, pipe, guard,
# interceptor, prefix and versioning (on Express and Fastify).
# UNIPAY_HOSTS="nest11-cjs" runs a subset; KEEP_HOSTS=1 keeps the copies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
hosts="${UNIPAY_HOSTS:-nest11-cjs nest12-esm gateway-nest11}"
work="$(mktemp -d "${TMPDIR:-/tmp}/unipay-assist-hosts.XXXXXX")"
if [ -z "${KEEP_HOSTS:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "host copies kept in $work"; fi

# Build and pack a copy of the package sources, so a build running in the
# work tree at the same time cannot race this one. npm pack runs `prepare`,
# which builds dist/cjs and dist/esm.
mkdir -p "$work/pkg"
(cd "$root" && tar -cf - package.json tsconfig*.json scripts src $(ls README* LICENSE* 2>/dev/null)) | (cd "$work/pkg" && tar -xf -)
ln -s "$root/node_modules" "$work/pkg/node_modules"
cd "$work/pkg"
tgz_name="$(npm pack --pack-destination "$work" --loglevel=error | tail -n 1)"
tgz="$work/$tgz_name"
echo "== packed $tgz_name: $(tar -tzf "$tgz" | wc -l) files, $(wc -c <"$tgz") bytes"
if tar -tzf "$tgz" | grep -E '^package/dist/[a-z]+/(main\.|demo/)|/test/|\.map$|simulator\.main'; then
  echo "the tarball holds files a host must not get (above)" >&2
  exit 1
fi
# Nor the demo's configuration in the code (the README may show its public try-out values).
mkdir -p "$work/unpacked" && tar -xzf "$tgz" -C "$work/unpacked"
if grep -rlE 'M1000000001|wx0demo0unipay0001|demo-wechat-app-secret' "$work/unpacked/package/dist"; then
  echo "the tarball holds the demo's merchant configuration (above)" >&2
  exit 1
fi
npx --no-install publint --strict

for host in $hosts; do
  echo "== host $host"
  mkdir -p "$work/$host"
  (cd "$root/test/hosts/$host" && tar --exclude=node_modules -cf - .) | (cd "$work/$host" && tar -xf -)
  node -e '
    const fs = require("node:fs");
    const file = process.argv[1] + "/package.json";
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    pkg.dependencies = { ...pkg.dependencies, "unipay-assist": "file:" + process.argv[2] };
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
  ' "$work/$host" "$tgz"
  (
    cd "$work/$host"
    npm install --no-audit --no-fund --no-package-lock --prefer-offline --loglevel=error
    node -e '
      const v = (p) => { try { return JSON.parse(require("node:fs").readFileSync("node_modules/" + p + "/package.json", "utf8")).version; } catch { return "-"; } };
      console.log(["@nestjs/core", "@nestjs/common", "@nestjs/platform-fastify", "@nestjs/config", "@nestjs/axios", "@nestjs/swagger", "@nestjs/terminus", "prom-client", "unipay-assist", "jest", "typescript"].map((p) => p + "@" + v(p)).join(" "));
    '
    npm test
  )
done
echo "== hosts passed: $hosts"
