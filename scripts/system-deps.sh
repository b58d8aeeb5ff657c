#!/usr/bin/env bash
# Debian packages the app and the tests use: Chromium (Plotly's static images for
# the PDF through kaleido, and the browser tests), poppler-utils (PDF to PNG) and the
# fonts the headless browser draws the pages with (DejaVu; Noto Color Emoji for the menu icons).
# Installs them when missing and we are root; otherwise says what is missing.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
fc-list 2>/dev/null | grep -qi "noto color emoji" || need+=(fonts-noto-color-emoji)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) \
    || echo "warning: could not install ${need[*]}; PDF charts and browser tests will be skipped"
else
  echo "warning: missing ${need[*]} (install them with apt-get as root); PDF charts and browser tests will be skipped"
fi
exit 0
