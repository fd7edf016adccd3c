# mk/install.mk: installation, the man page, the completion and the sample
# configuration (issue 8). Included by the Makefile.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]   scripts/install.sh
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]   what install put, not the
#                                                   configuration or the data
#   make man completion config   build/bergerie.8, build/bergerie.bash,
#                                build/bergerie.conf from the options table
#
# The binary looks for the jurisdiction data in $(DATADIR)/geo and for the
# default GeoIP data in $(STATEDIR): both are compiled in, so build and
# install with the same PREFIX (build/paths.stamp rebuilds datafiles.o and
# the generated files when a folder changes).

PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
DATADIR     ?= $(PREFIX)/share/bergerie
DOCDIR      ?= $(PREFIX)/share/doc/bergerie
MANDIR      ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR  ?= /etc
STATEDIR    ?= /var/lib/bergerie
LOGDIR      ?= /var/log/bergerie

CPPFLAGS += -DBERGERIE_DATADIR='"$(DATADIR)"' -DBERGERIE_STATEDIR='"$(STATEDIR)"'

INSTALL_VARS = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SBINDIR='$(SBINDIR)' \
	DATADIR='$(DATADIR)' DOCDIR='$(DOCDIR)' MANDIR='$(MANDIR)' \
	BASHCOMPDIR='$(BASHCOMPDIR)' UNITDIR='$(UNITDIR)' \
	SYSCONFDIR='$(SYSCONFDIR)' STATEDIR='$(STATEDIR)' LOGDIR='$(LOGDIR)'
PATHS_LINE = $(SBINDIR) $(DATADIR) $(DOCDIR) $(SYSCONFDIR) $(STATEDIR) $(LOGDIR)

.PHONY: install uninstall man completion config FORCE

all: man completion config

man: build/bergerie.8
completion: build/bergerie.bash
config: build/bergerie.conf

# Rewritten only when a folder changes, so its date says when that was.
build/paths.stamp: FORCE
	@mkdir -p build
	@echo '$(PATHS_LINE)' | cmp -s - $@ || echo '$(PATHS_LINE)' >$@

build/rel/monitor/datafiles.o build/san/monitor/datafiles.o: build/paths.stamp

build/bergerie.8: bergerie docs/man/bergerie.8.in scripts/gen-man.sh build/paths.stamp
	scripts/gen-man.sh ./bergerie docs/man/bergerie.8.in $@ \
		DATADIR='$(DATADIR)' STATEDIR='$(STATEDIR)' \
		SYSCONFDIR='$(SYSCONFDIR)' DOCDIR='$(DOCDIR)'

build/bergerie.bash: bergerie contrib/bash-completion/bergerie.in scripts/gen-completion.sh
	scripts/gen-completion.sh ./bergerie contrib/bash-completion/bergerie.in $@

build/bergerie.conf: bergerie contrib/bergerie.conf.in scripts/gen-config.sh build/paths.stamp
	scripts/gen-config.sh ./bergerie contrib/bergerie.conf.in $@ '$(SYSCONFDIR)'

install: bergerie build/bergerie.8 build/bergerie.bash build/bergerie.conf
	$(INSTALL_VARS) scripts/install.sh install

uninstall:
	$(INSTALL_VARS) scripts/install.sh uninstall
