/*
 * jsoncmp: compares two JSON-lines files record by record, field by field.
 *
 *   jsoncmp [--ignore /json/pointer]... EXPECTED ACTUAL
 *
 * Every difference is printed with the record number and the JSON pointer
 * of the field ("record 3: /source/bytes: expected 120, got 100"), so a
 * failing golden test says what changed, not only that something did.
 * Fields named with --ignore (e.g. /observer/hostname, which depends on the
 * machine) are skipped in every record. Exit 0 when equal, 1 when not, 2 on
 * an unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

enum { MAX_IGNORE = 32, MAX_REPORT = 50 };

static const char *ignored[MAX_IGNORE];
static int nignored;
static int ndiff;

static int is_ignored(const char *path)
{
	for (int i = 0; i < nignored; i++)
		if (strcmp(ignored[i], path) == 0)
			return 1;
	return 0;
}

static void report(size_t rec, const char *path, const char *what,
		   json_t *want, json_t *got)
{
	char *w = want ? json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	char *g = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	if (++ndiff <= MAX_REPORT)
		printf("record %zu: %s: %s%s%s%s%s\n", rec, *path ? path : "/",
		       what, w ? " expected " : "", w ? w : "",
		       g ? (w ? ", got " : " got ") : "", g ? g : "");
	free(w);
	free(g);
}

static void compare(size_t rec, const char *path, json_t *want,
		    json_t *got)
{
	char sub[1024];

	if (is_ignored(path))
		return;
	if (json_typeof(want) != json_typeof(got) &&
	    !(json_is_boolean(want) && json_is_boolean(got))) {
		report(rec, path, "type differs:", want, got);
		return;
	}
	if (json_is_object(want)) {
		const char *key;
		json_t *v;

		json_object_foreach(want, key, v) {
			json_t *g = json_object_get(got, key);

			snprintf(sub, sizeof(sub), "%s/%s", path, key);
			if (is_ignored(sub))
				continue;
			if (!g)
				report(rec, sub, "missing,", v, NULL);
			else
				compare(rec, sub, v, g);
		}
		json_object_foreach(got, key, v) {
			snprintf(sub, sizeof(sub), "%s/%s", path, key);
			if (!json_object_get(want, key) && !is_ignored(sub))
				report(rec, sub, "unexpected field,", NULL, v);
		}
		return;
	}
	if (json_is_array(want)) {
		size_t n = json_array_size(want), m = json_array_size(got);

		if (n != m) {
			report(rec, path, "array length differs:", want, got);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			snprintf(sub, sizeof(sub), "%s/%zu", path, i);
			compare(rec, sub, json_array_get(want, i),
				json_array_get(got, i));
		}
		return;
	}
	if (!json_equal(want, got))
		report(rec, path, "differs:", want, got);
}

static json_t *load_lines(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	json_t *arr;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	size_t lineno = 0;

	if (!f) {
		perror(path);
		return NULL;
	}
	arr = json_array();
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t e;
		json_t *v;

		lineno++;
		if (n == 1 && line[0] == '\n')
			continue;
		v = json_loadb(line, (size_t)n, 0, &e);
		if (!v) {
			fprintf(stderr, "%s:%zu:%d: %s\n", path, lineno, e.column,
				e.text);
			json_decref(arr);
			arr = NULL;
			break;
		}
		json_array_append_new(arr, v);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return arr;
}

int main(int argc, char **argv)
{
	json_t *want, *got;
	size_t n, m;
	int i = 1;

	for (; i < argc - 1 && strcmp(argv[i], "--ignore") == 0; i += 2)
		if (nignored < MAX_IGNORE)
			ignored[nignored++] = argv[i + 1];
	if (argc - i != 2) {
		fprintf(stderr, "usage: jsoncmp [--ignore PTR]... EXPECTED ACTUAL\n");
		return 2;
	}
	want = load_lines(argv[i]);
	got = load_lines(argv[i + 1]);
	if (!want || !got)
		return 2;
	n = json_array_size(want);
	m = json_array_size(got);
	for (size_t r = 0; r < n && r < m; r++)
		compare(r + 1, "", json_array_get(want, r), json_array_get(got, r));
	if (n != m) {
		printf("records: expected %zu, got %zu\n", n, m);
		ndiff++;
	}
	if (ndiff > MAX_REPORT)
		printf("... %d differences in all\n", ndiff);
	json_decref(want);
	json_decref(got);
	return ndiff ? 1 : 0;
}
