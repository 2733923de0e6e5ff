#!/usr/bin/env bash
# Vendors Bootstrap Italia and htmx from the npm registry into static/vendor/ (run once per upgrade; the result is committed,
# so neither the demo nor production ever loads them from a CDN).
set -euo pipefail
BI_VERSION="${BI_VERSION:-2.18.3}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
root="$(cd "$(dirname "$0")/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "bootstrap-italia@${BI_VERSION}" >/dev/null
npm pack --silent "htmx.org@${HTMX_VERSION}" >/dev/null
mkdir bi htmx
tar xzf bootstrap-italia-*.tgz -C bi
tar xzf htmx.org-*.tgz -C htmx
dest="$root/static/vendor/bootstrap-italia"
rm -rf "$dest"; mkdir -p "$dest/css" "$dest/js" "$dest/svg" "$dest/fonts"
cp bi/package/dist/css/bootstrap-italia.min.css "$dest/css/"
cp bi/package/dist/js/bootstrap-italia.bundle.min.js "$dest/js/"
cp bi/package/dist/svg/sprites.svg "$dest/svg/"
for family in Titillium_Web Roboto_Mono Lora; do
  mkdir -p "$dest/fonts/$family"
  cp bi/package/dist/fonts/$family/*.woff2 "$dest/fonts/$family/"
done
cp bi/package/LICENSE "$dest/LICENSE" 2>/dev/null || true
echo "$BI_VERSION" > "$dest/VERSION"
mkdir -p "$root/static/vendor/htmx"
cp htmx/package/dist/htmx.min.js "$root/static/vendor/htmx/"
echo "$HTMX_VERSION" > "$root/static/vendor/htmx/VERSION"
echo "vendored bootstrap-italia $BI_VERSION and htmx $HTMX_VERSION into static/vendor/"
