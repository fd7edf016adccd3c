/*
 * datafiles.c: default paths of data files.
 */
#include "datafiles.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BERGERIE_DATADIR
#define BERGERIE_DATADIR "/usr/local/share/bergerie"
#endif
#ifndef BERGERIE_STATEDIR
#define BERGERIE_STATEDIR "/var/lib/bergerie"
#endif

static const char *const country_names[] = {
	"country.mmdb", "dbip-country-lite.mmdb", "dbip-country.mmdb",
	"GeoLite2-Country.mmdb", "GeoIP2-Country.mmdb", "GeoLite2-City.mmdb",
	"GeoIP2-City.mmdb", "ipinfo_lite.mmdb", NULL,
};

static const char *const asn_names[] = {
	"asn.mmdb", "GeoLite2-ASN.mmdb", "dbip-asn-lite.mmdb", "dbip-asn.mmdb",
	NULL,
};

static bool is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder of the running executable, "" when unknown. */
static void exe_dir(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
}

static bool find_in(const char *const *dirs, const char *const *names,
		    char *out, size_t len)
{
	for (size_t d = 0; dirs[d]; d++)
		for (size_t n = 0; names[n]; n++) {
			snprintf(out, len, "%s/%s", dirs[d], names[n]);
			if (is_file(out))
				return true;
		}
	out[0] = '\0';
	return false;
}

bool datafiles_resolve(const struct config *cfg, struct datafiles *out,
		       char *err, size_t errlen)
{
	char exe[2048], local[2048 + 16];
	const char *dirs[5];
	size_t nd = 0;

	memset(out, 0, sizeof(*out));
	exe_dir(exe, sizeof(exe));
	/* A build tree: geo/data beside the executable, or two levels up for
	 * the sanitizer build in build/san/. */
	static const char *const ups[] = {"", "/../..", NULL};

	out->geo_dir[0] = '\0';
	for (size_t i = 0; exe[0] && ups[i]; i++) {
		snprintf(out->geo_dir, sizeof(out->geo_dir), "%s%s/geo/data", exe,
			 ups[i]);
		if (is_dir(out->geo_dir))
			break;
		out->geo_dir[0] = '\0';
	}
	if (!out->geo_dir[0])
		snprintf(out->geo_dir, sizeof(out->geo_dir), "%s/geo",
			 BERGERIE_DATADIR);

	if (cfg->data_dir) {
		dirs[nd++] = cfg->data_dir;
	} else {
		snprintf(local, sizeof(local), "%s/data", exe);
		dirs[nd++] = exe[0] && is_dir(local) ? local : BERGERIE_STATEDIR;
	}
	dirs[nd++] = "/usr/share/GeoIP";
	dirs[nd++] = "/var/lib/GeoIP";
	dirs[nd] = NULL;

	if (cfg->no_geoip)
		return true;
	if (cfg->geoip_country)
		snprintf(out->country_db, sizeof(out->country_db), "%s",
			 cfg->geoip_country);
	else
		find_in(dirs, country_names, out->country_db,
			sizeof(out->country_db));
	if (cfg->geoip_asn)
		snprintf(out->asn_db, sizeof(out->asn_db), "%s", cfg->geoip_asn);
	else if (!cfg->geoip_country)
		find_in(dirs, asn_names, out->asn_db, sizeof(out->asn_db));
	if (!out->country_db[0]) {
		snprintf(err, errlen,
			 "no GeoIP country database: looked for country.mmdb, "
			 "GeoLite2-Country.mmdb, GeoLite2-City.mmdb, "
			 "dbip-country-lite.mmdb, ipinfo_lite.mmdb in %s, %s and "
			 "%s; run scripts/fetch-geoip.sh (DB-IP Lite, CC BY 4.0), "
			 "or geoipupdate, or give --geoip-country FILE "
			 "(--no-geoip runs without)",
			 dirs[0], dirs[1], dirs[2]);
		return false;
	}
	return true;
}
