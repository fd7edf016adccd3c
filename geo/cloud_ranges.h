/*
 * cloud_ranges.h: where the hyperscalers say their prefixes are.
 *
 * GeoIP often places a cloud provider's prefix where the company is
 * registered. The providers publish their ranges with regions; this module
 * reads the files a user puts in --cloud-ranges DIR:
 *   AWS ip-ranges.json, Google Cloud cloud.json, Azure Service Tags
 *   (ServiceTags_Public_*.json), Oracle public_ip_ranges.json
 * and maps each region to its country through geo/data/cloud-regions.json.
 * A prefix whose region is not in that table is kept with no country and
 * counted, so the reason can still name the region.
 */
#ifndef BERGERIE_GEO_CLOUD_RANGES_H
#define BERGERIE_GEO_CLOUD_RANGES_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct cloud_range {
	const char *provider;	/* "aws", "google", "azure", "oracle" */
	const char *region;	/* "eu-west-3" */
	char country[3];	/* "FR", "" when the region is not mapped */
	struct geo_prefix prefix;
};

struct cloud_ranges;

/*
 * Loads every recognised file in dir, mapping regions with the table at
 * regions_path. NULL on error with "FILE: ..." (a JSON syntax error as
 * FILE:LINE:COLUMN, a bad value as FILE: /json/pointer: ...) in err.
 */
struct cloud_ranges *cloud_ranges_load(const char *dir,
				       const char *regions_path, char *err,
				       size_t errlen);
void cloud_ranges_free(struct cloud_ranges *cr);

/* The most specific range containing a, or NULL. */
const struct cloud_range *cloud_ranges_lookup(const struct cloud_ranges *cr,
					      const struct geo_addr *a);

size_t cloud_ranges_count(const struct cloud_ranges *cr);
size_t cloud_ranges_unmapped(const struct cloud_ranges *cr);

/* Prefixes the provider marks as global (AWS "GLOBAL", an Azure service
 * tag with region ""): kept with region "GLOBAL" or "global" and no
 * country, so they still name the provider; not counted as unmapped. */
size_t cloud_ranges_global(const struct cloud_ranges *cr);

/* Files recognised and loaded from the folder. */
size_t cloud_ranges_files(const struct cloud_ranges *cr);

#endif
