#!/bin/sh
# add-user.sh [USER]: creates bergerie's system user (default _bergerie) and
# its group when missing; `make install` (as root) and the Debian package's
# postinst run it. No home, no shell: it only owns the process after the
# capture is open, and /var/log/bergerie.
set -eu
user=${1:-_bergerie}
nologin=/usr/sbin/nologin
[ -x "$nologin" ] || nologin=/sbin/nologin
if getent passwd "$user" >/dev/null; then
	exit 0
fi
if ! getent group "$user" >/dev/null; then
	groupadd --system "$user"
fi
useradd --system --no-create-home --home-dir /nonexistent \
	--shell "$nologin" --gid "$user" \
	--comment "bergerie flow monitor" "$user"
echo "add-user: created the system user $user"
