# Debian's chromium for the website's browser tests (playwright-core drives it; no tool downloads a
# browser). Skipped when already installed.
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
fi
/usr/bin/chromium --version
