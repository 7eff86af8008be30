#!/usr/bin/env bash
# Installs spacelift-cascade as a systemd service (run as root):
#   /usr/local/bin/spacelift-cascade                         the binary (replaced atomically)
#   /etc/systemd/system/spacelift-cascade.service            the unit
#   /etc/spacelift-cascade/spacelift-cascade.env             configuration (never overwritten; .example is)
#   /etc/spacelift-cascade/credentials/<SECRET>              0700 directory; empty 0600 files created if missing
#
# Usage: scripts/install.sh [--prefix DIR] [--binary FILE]
#   --prefix DIR    install the binary to DIR/bin (default /usr/local); the unit's ExecStart follows it
#   --binary FILE   the binary to install (default dist/spacelift-cascade, from `npm run build:binary`)
#   DESTDIR=DIR     stage everything under DIR instead of / (packaging, tests); needs no root, runs no systemctl
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix=/usr/local
binary="$repo/dist/spacelift-cascade"
destdir="${DESTDIR:-}"
readonly name=spacelift-cascade
readonly secrets=(SPACELIFT_API_KEY_SECRET SPACELIFT_WEBHOOK_SECRET TEMPORAL_API_KEY NOTIFY_SLACK_WEBHOOK_URL NOTIFY_WEBHOOK_SECRET NOTIFY_SMTP_URL TFC_TOKEN TFC_WEBHOOK_SECRET OTEL_EXPORTER_OTLP_HEADERS)

die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#*=}"; shift ;;
    --binary) [ $# -ge 2 ] || die "--binary needs a file"; binary="$2"; shift 2 ;;
    --binary=*) binary="${1#*=}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

case "$prefix" in /*) ;; *) die "--prefix must be an absolute path, got '$prefix'" ;; esac
prefix="${prefix%/}"
[ -f "$binary" ] || die "binary '$binary' not found; run \`npm run build:binary\` or pass --binary"
[ -n "$destdir" ] || [ "$(id -u)" -eq 0 ] || die "run as root (or set DESTDIR to stage into a directory)"

unit_src="$repo/deploy/systemd/$name.service"
env_src="$repo/deploy/systemd/$name.env.example"
bin_dir="$destdir$prefix/bin"
unit_dir="$destdir/etc/systemd/system"
conf_dir="$destdir/etc/$name"
cred_dir="$conf_dir/credentials"

install -d -m 0755 "$bin_dir" "$unit_dir" "$conf_dir"
install -d -m 0700 "$cred_dir"
chmod 0700 "$cred_dir"

# Copy then rename: a running service keeps its old binary, and no one ever sees a half-written file.
install -m 0755 "$binary" "$bin_dir/.$name.new"
mv -f "$bin_dir/.$name.new" "$bin_dir/$name"

sed "s|^ExecStart=/usr/local/bin/$name |ExecStart=$prefix/bin/$name |" "$unit_src" > "$unit_dir/.$name.service.new"
chmod 0644 "$unit_dir/.$name.service.new"
mv -f "$unit_dir/.$name.service.new" "$unit_dir/$name.service"

install -m 0644 "$env_src" "$conf_dir/$name.env.example"
if [ -e "$conf_dir/$name.env" ]; then
  env_note="kept the existing $conf_dir/$name.env (compare with $name.env.example)"
else
  install -m 0640 "$env_src" "$conf_dir/$name.env"
  env_note="created $conf_dir/$name.env from the template"
fi

# LoadCredential= fails the start when a file is missing; an empty file means "not set".
created=()
for secret in "${secrets[@]}"; do
  if [ ! -e "$cred_dir/$secret" ]; then
    (umask 077 && : > "$cred_dir/$secret")
    created+=("$secret")
  fi
done

if [ -z "$destdir" ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi

etc="/etc/$name"  # the paths the running system sees (without DESTDIR)
cat <<NEXT
Installed $name:
  binary       $bin_dir/$name
  unit         $unit_dir/$name.service
  config       $env_note
  credentials  $cred_dir/ (0700)${created[*]:+; created empty: ${created[*]}}

Next steps:
  1. Edit $etc/$name.env (TEMPORAL_URL, SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID, ...).
  2. Write the secrets, one per file (a trailing newline is ignored):
       printf '%s' '<secret>' > $etc/credentials/SPACELIFT_API_KEY_SECRET
       printf '%s' '<secret>' > $etc/credentials/SPACELIFT_WEBHOOK_SECRET
     Leave $etc/credentials/TEMPORAL_API_KEY empty unless you use Temporal Cloud, and TFC_* unless you use HCP Terraform.
  3. Start it and watch for "ready":  systemctl enable --now $name && journalctl -u $name -f
     A configuration error stops it with exit status 2 and says which setting is wrong.
NEXT
