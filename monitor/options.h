/*
 * options.h: the one table of options.
 *
 * The same table feeds the command-line parser, --help (one line per
 * option), the configuration file loader ("long-option = value" lines) and
 * the man page and shell completion generators (--dump-options). Adding an
 * option is adding a row.
 */
#ifndef BERGERIE_OPTIONS_H
#define BERGERIE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

/* What options_parse() asks the caller to do next. */
enum options_result {
	OPTIONS_RUN = 0,	/* config is complete: run */
	OPTIONS_HELP,		/* --help was given */
	OPTIONS_VERSION,	/* --version was given */
	OPTIONS_DUMP,		/* --dump-options (for man page / completion) */
	OPTIONS_ERROR,		/* err holds a one-line message; exit 2 */
};

/* Fills cfg with the built-in defaults. */
void options_defaults(struct config *cfg);

/*
 * Parses argv over the defaults and the configuration file: --config FILE
 * (or /etc/bergerie/bergerie.conf when present) is read first, then the
 * command line wins. Trailing non-option words form the BPF expression.
 */
enum options_result options_parse(struct config *cfg, int argc, char **argv,
				  char *err, size_t errlen);

/*
 * Reads a configuration file into cfg. Errors name FILE:LINE:COLUMN.
 * Exposed for tests.
 */
bool options_load_file(struct config *cfg, const char *path, char *err,
		       size_t errlen);

/* Parses "64K", "512M", "2G", "1000" into bytes. */
bool options_parse_size(const char *s, uint64_t *out);

void options_print_help(FILE *out, const char *prog);

/* One line per option, tab-separated: long name, short letter or "-",
 * argument name or "-", help. */
void options_dump(FILE *out);

/* Releases what parsing duplicated (config-file strings, the BPF text). */
void options_free(struct config *cfg);

#endif
