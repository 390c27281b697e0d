#!/usr/bin/env bash
# Install the Debian/Ubuntu packages WeasyPrint, the CJK fonts and the PDF checks need, only when missing.
# libharfbuzz-subset0 matters: without it WeasyPrint silently subsets fonts with fontTools and a Chinese
# letter takes 11–13 s instead of 0.2 s (handbook design §9).
set -euo pipefail
command -v dpkg-query >/dev/null 2>&1 || { echo "not Debian/Ubuntu: install pango, harfbuzz-subset, Noto CJK fonts and poppler yourself"; exit 0; }
# fonts-arphic-ukai is the free 楷体 (AR PL UKai CN) GB/T 9704 asks for in （一） headings.
wanted=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai poppler-utils fontconfig)
# The browser tests drive Debian's Chromium through its ChromeDriver; only `make test` needs them.
[ "${WITH_BROWSER:-0}" = "1" ] && wanted+=(chromium chromium-driver)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing system packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
