#!/bin/sh
# Updates the vendored front-end assets served under /static/.
#
# Guichet serves the State design system (DSFR, npm @gouvfr/dsfr) and htmx
# from the binary (embedded), so the web app needs no CDN and a strict
# Content-Security-Policy ('self' only) holds. To update: change a version
# below, run this script from anywhere (it needs npm and tar), check the
# pages (go test ./web/ runs the browser test), and commit web/kit/static/.
#
# htmx stays on the 2.x line: 4.x changed attribute inheritance (hx-headers
# on <body> no longer reaches descendants without ':inherited'), which the
# CSRF header of htmx requests relies on.
set -eu

DSFR_VERSION=1.15.3
HTMX_VERSION=2.0.11

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

npm pack --silent "@gouvfr/dsfr@$DSFR_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null
mkdir dsfr htmx
tar xzf "gouvfr-dsfr-$DSFR_VERSION.tgz" -C dsfr
tar xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx

src=dsfr/package/dist
dst="$here/dsfr"
rm -rf "$dst"
mkdir -p "$dst/utility/icons"
cp "$src/dsfr.min.css" "$src/dsfr.module.min.js" "$src/dsfr.nomodule.min.js" "$dst/"
cp "$src/utility/icons/icons.min.css" "$dst/utility/icons/"
# icons.min.css points at ../../icons/<category>/<name>.svg: keep the layout.
cp -R "$src/icons" "$src/fonts" "$src/favicon" "$dst/"
# Source maps are not served.
find "$dst" -name '*.map' -delete
printf '%s\n' "$DSFR_VERSION" >"$dst/VERSION"

cp htmx/package/dist/htmx.min.js "$here/htmx.min.js"
printf '%s\n' "$HTMX_VERSION" >"$here/htmx.VERSION"

echo "vendored @gouvfr/dsfr $DSFR_VERSION and htmx.org $HTMX_VERSION into $here"
