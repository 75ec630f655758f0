#!/usr/bin/env bash
# Make Debian's Chromium available for the dashboard's browser test (Playwright drives it through
# executable_path; Playwright's own browser download is not used). Never fails the build: without
# Chromium the browser test skips with a message saying so.
set -u
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
	echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present) at $CHROMIUM"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "chromium: $CHROMIUM is missing and installing it needs root (apt-get install chromium); the browser test will skip"
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "chromium: $CHROMIUM is missing and there is no apt-get to install it; the browser test will skip"
	exit 0
fi
echo "chromium: installing Debian's chromium with apt-get"
# Wait for another apt run to release its lock rather than fail at once.
if apt-get -o DPkg::Lock::Timeout=300 update -qq \
	&& DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >/dev/null; then
	echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo installed) at $CHROMIUM"
else
	echo "chromium: apt-get could not install chromium; the browser test will skip"
fi
exit 0
