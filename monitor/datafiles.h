/*
 * datafiles.h: where bergerie finds its data when not told.
 *
 * Jurisdiction data (zones, jurisdictions, operators, cloud regions, the
 * default policy): geo/data beside the executable (a build tree), else the
 * installed BERGERIE_DATADIR/geo.
 *
 * GeoIP databases: --geoip-country / --geoip-asn when given; otherwise the
 * project's data folder (--data-dir, default data/ beside the executable,
 * else BERGERIE_STATEDIR), then /usr/share/GeoIP and /var/lib/GeoIP
 * (geoipupdate's default), trying the usual file names in each.
 */
#ifndef BERGERIE_DATAFILES_H
#define BERGERIE_DATAFILES_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

struct datafiles {
	char geo_dir[4096];		/* jurisdiction JSON */
	char country_db[4096];		/* "" when none found */
	char asn_db[4096];
};

/*
 * Resolves every path. False with a message listing the places looked at
 * and how to get the data when no country database can be found (unless
 * --no-geoip).
 */
bool datafiles_resolve(const struct config *cfg, struct datafiles *out,
		       char *err, size_t errlen);

#endif
