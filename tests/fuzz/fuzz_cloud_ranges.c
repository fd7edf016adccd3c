/*
 * fuzz_cloud_ranges.c: the cloud providers' range files (geo/cloud_ranges.h)
 * and the region table that maps them to countries.
 *
 * cloud_ranges_load() reads a folder, so the input is written to a file in
 * a private temporary folder (removed at exit). Byte 0 picks the role of
 * the rest: even, a range file (AWS, Google, Azure or Oracle by content)
 * read with the real geo/data/cloud-regions.json; odd, the region table,
 * read with the test fixtures' range files (tests/fixtures/cloud/all).
 *
 * Invariants: success or an error naming the file or folder, well-formed
 * UTF-8; on success, at least one file, unmapped + global <= count, and a
 * look-up of a few addresses returns a range that contains the address,
 * from a known provider, with a valid or empty country.
 */
#include <unistd.h>

#include "fuzz_common.h"
#include "geo/cloud_ranges.h"
#include "geo/json_file.h"
#include "geo/zones.h"

static char dir[64], file[96];

static void cleanup(void)
{
	if (file[0])
		unlink(file);
	if (dir[0])
		rmdir(dir);
}

static void check_utf8(const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t k = json_file_utf8_len((const unsigned char *)s + i,
					      n - i);

		FUZZ_CHECK(k > 0);
		i += k;
	}
}

static void check_ranges(const struct cloud_ranges *cr)
{
	static const char *const addrs[] = { "3.5.140.1", "13.248.118.1",
					     "34.1.208.1", "20.33.0.1",
					     "2600:1f18::1", "2a05:d018::1",
					     "10.0.0.1", "::" };
	size_t n = cloud_ranges_count(cr);

	FUZZ_CHECK(cloud_ranges_files(cr) >= 1);
	FUZZ_CHECK(cloud_ranges_unmapped(cr) + cloud_ranges_global(cr) <= n);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		struct geo_addr a;
		const struct cloud_range *r;

		FUZZ_CHECK(geo_addr_parse(addrs[i], &a));
		r = cloud_ranges_lookup(cr, &a);
		if (!r)
			continue;
		FUZZ_CHECK(geo_prefix_contains(&r->prefix, &a));
		FUZZ_CHECK(strcmp(r->provider, "aws") == 0 ||
			   strcmp(r->provider, "google") == 0 ||
			   strcmp(r->provider, "azure") == 0 ||
			   strcmp(r->provider, "oracle") == 0);
		FUZZ_CHECK(r->region != NULL);
		check_utf8(r->region);
		FUZZ_CHECK(r->country[0] == '\0' ||
			   country_code_valid(r->country));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char regions[512], err[512];
	const char *rdir, *rpath;
	struct cloud_ranges *cr;
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/bergerie-fuzz-cloud.XXXXXX");
		FUZZ_CHECK(mkdtemp(dir));
		atexit(cleanup);
	}
	if (size < 1)
		return 0;
	if (data[0] & 1) {
		snprintf(file, sizeof(file), "%s/regions.json", dir);
		rdir = "tests/fixtures/cloud/all";
		rpath = file;
	} else {
		snprintf(file, sizeof(file), "%s/ranges.json", dir);
		snprintf(regions, sizeof(regions), "%s/cloud-regions.json",
			 fuzz_geo_data());
		rdir = dir;
		rpath = regions;
	}
	f = fopen(file, "wb");
	FUZZ_CHECK(f);
	FUZZ_CHECK(fwrite(data + 1, 1, size - 1, f) == size - 1);
	FUZZ_CHECK(fclose(f) == 0);

	err[0] = '\0';
	cr = cloud_ranges_load(rdir, rpath, err, sizeof(err));
	if (cr) {
		check_ranges(cr);
		cloud_ranges_free(cr);
	} else {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(strncmp(err, rdir, strlen(rdir)) == 0 ||
			   strncmp(err, file, strlen(file)) == 0);
		check_utf8(err);
	}
	unlink(file);
	return 0;
}
