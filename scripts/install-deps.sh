#!/bin/sh
# Installs the Debian 12 packages Roost needs to build, run and test.
# Only missing packages are installed; runs apt-get through sudo when not
# root.  Safe to run repeatedly.
set -eu

PACKAGES="
gcc
make
meson
ninja-build
pkg-config
clang
libclang-rt-14-dev
libevent-dev
libssl-dev
libsqlite3-dev
libcrypt-dev
libsodium-dev
openssl
python3
python3-pytest
procps
dovecot-core
dovecot-imapd
isync
offlineimap3
mutt
tmux
curl
"

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Debian's Dovecot is installed only as the reference peer for the
# compatibility tests, which run private instances on their own ports: keep
# the packages' maintainer scripts from starting the system service.
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	made_policy=yes
fi
cleanup() {
	if [ -n "$made_policy" ]; then
		$SUDO rm -f "$policy"
	fi
}
trap cleanup EXIT
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
