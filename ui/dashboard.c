/*
 * dashboard.c: the dashboard's thread and its terminal (ui.h).
 *
 * Jobs: take the terminal (ncurses on standard output, keys from standard
 * input or /dev/tty); run the loop: wait in poll() for a key, a new
 * snapshot, a resize or the stop, then act (the key table and the model
 * say what) and redraw; give the terminal back on every way out.
 *
 * Idle cost: the loop sleeps in poll() with no timeout. It wakes for a
 * key, for a resize, and when the packet thread publishes a snapshot (at
 * most once per refresh interval); while paused it does not even look
 * at snapshots.
 *
 * Signals: SIGWINCH is handled here (a byte down a pipe the loop polls);
 * the main thread blocks it, the UI thread blocks the signals main
 * handles. The crash handlers restore the terminal with write() and
 * tcsetattr() only (async-signal-safe: no curses), then raise the signal
 * again.
 *
 * Must never: touch a flow or the flow table; only the UI thread calls
 * curses between ui_start() and ui_stop().
 */
#include "ui.h"

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <unistd.h>

#include "dash.h"
#include "geo/classify.h"
#include "geo/explain.h"

struct ui {
	pthread_t thread;
	bool running;
	struct ui_exchange *x;
	struct geo_engine *engine;
	void (*on_quit)(void *ctx);
	void *ctx;
	atomic_bool paused, quit, stop;
	int in_fd;
	FILE *in_file, *out_file;
	SCREEN *screen;
	struct ui_theme theme;
	struct ui_model model;
	struct ui_prompt prompt;
	char *explain;
};

/* ---- Restoring the terminal from anywhere ------------------------------ */

/* Set up once by ui_start(); read by the signal handlers. */
static volatile sig_atomic_t term_active;
static int wake_fd[2] = {-1, -1};	/* SIGWINCH and stop -> the loop */
static int out_fd = -1;
static struct termios saved_termios;
static bool have_termios;
static char restore_seq[256];
static size_t restore_len;
static int err_saved = -1, err_tmp = -1;	/* standard error, held */

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

/* Gives standard error back and copies what was held. Signal-safe. */
static void stderr_release(void)
{
	char buf[4096];
	ssize_t n;

	if (err_saved < 0)
		return;
	dup2(err_saved, STDERR_FILENO);
	close(err_saved);
	err_saved = -1;
	if (lseek(err_tmp, 0, SEEK_SET) == 0)
		while ((n = read(err_tmp, buf, sizeof(buf))) > 0)
			write_all(STDERR_FILENO, buf, (size_t)n);
	close(err_tmp);
	err_tmp = -1;
}

/* The terminal as it was: alternate screen off, cursor on, attributes
 * off, modes back. write() and tcsetattr() only: signal-safe. */
static void term_restore_raw(void)
{
	if (!term_active)
		return;
	term_active = 0;
	write_all(out_fd, restore_seq, restore_len);
	if (have_termios)
		tcsetattr(out_fd, TCSANOW, &saved_termios);
	stderr_release();
}

static void on_crash(int sig)
{
	int saved = errno;

	term_restore_raw();
	errno = saved;
	/* SA_RESETHAND put the default action back. */
	raise(sig);
}

static void on_winch(int sig)
{
	int saved = errno;
	char c = 'w';

	(void)sig;
	if (wake_fd[1] >= 0 && write(wake_fd[1], &c, 1) < 0)
		errno = saved;
	errno = saved;
}

static void at_exit_restore(void)
{
	term_restore_raw();
}

static void add_seq(const char *capname)
{
	char *s = tigetstr(capname);
	size_t n;

	/* terminfo's own marker for "not a string capability". */
	if (!s || s == (char *)-1)	/* NOLINT(performance-no-int-to-ptr) */
		return;
	n = strlen(s);
	if (restore_len + n < sizeof(restore_seq)) {
		memcpy(restore_seq + restore_len, s, n);
		restore_len += n;
	}
}

static void install_handlers(void)
{
	static const int crash[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		sigaction(crash[i], &sa, NULL);
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
}

/* Holds standard error in a file while it is the dashboard's terminal. */
static void stderr_hold(void)
{
	int fd;

	if (!isatty(STDERR_FILENO))
		return;
	fd = memfd_create("bergerie-stderr", MFD_CLOEXEC);
	if (fd < 0)
		return;
	fflush(stderr);
	err_saved = dup(STDERR_FILENO);
	if (err_saved < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (err_saved >= 0)
			close(err_saved);
		err_saved = -1;
		close(fd);
		return;
	}
	err_tmp = fd;
}

/* ---- The loop --------------------------------------------------------------- */

static void resize(void)
{
	struct winsize ws;

	if (ioctl(out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

static void fetch_explain(struct ui *ui)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f;

	free(ui->explain);
	ui->explain = NULL;
	if (!ui->engine)
		return;
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	if (geo_explain(ui->engine, ui->model.detail.remote, false, f, err,
			sizeof(err)) != 0)
		fprintf(f, "%s\n", err);
	fclose(f);
	ui->explain = buf;
}

static void redraw(struct ui *ui)
{
	struct ui_view v = {&ui->model, &ui->theme, &ui->prompt, ui->explain};
	size_t page = ui_draw(&v);

	if (page != ui->model.page) {
		size_t top = ui->model.top;

		ui_model_set_page(&ui->model, page);
		if (top != ui->model.top)
			ui_draw(&v);
	}
	curs_set(ui->prompt.active ? 1 : 0);
	wnoutrefresh(stdscr);
	doupdate();
}

static void react(struct ui *ui, unsigned r)
{
	if (r & UI_REACT_PAUSE)
		atomic_store(&ui->paused, ui->model.paused);
	if (r & UI_REACT_EXPLAIN)
		fetch_explain(ui);
	if (r & UI_REACT_PROMPT) {
		ui->prompt.active = true;
		snprintf(ui->prompt.text, sizeof(ui->prompt.text), "%s",
			 ui->model.text);
		ui->prompt.len = strlen(ui->prompt.text);
	}
	if (r & UI_REACT_CLEAR)
		clearok(curscr, TRUE);
	if ((r & UI_REACT_QUIT) && !atomic_exchange(&ui->quit, true) &&
	    ui->on_quit)
		ui->on_quit(ui->ctx);
}

/* A key while the text filter is typed, as less's '/' line. */
static void prompt_key(struct ui *ui, int ch)
{
	struct ui_prompt *p = &ui->prompt;

	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		p->active = false;
		ui_model_set_text(&ui->model, p->text);
		return;
	case 27:	/* Esc: leave the filter as it was */
		p->active = false;
		return;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (p->len)
			p->text[--p->len] = '\0';
		else
			p->active = false;
		return;
	default:
		if (ch >= 0x20 && ch < 0x7f && p->len + 1 < sizeof(p->text)) {
			p->text[p->len++] = (char)ch;
			p->text[p->len] = '\0';
		}
		return;
	}
}

static void *ui_main(void *arg)
{
	struct ui *ui = arg;
	bool dirty = true;
	const struct ui_snapshot *s;

	/* A snapshot may already be waiting. */
	s = ui_exchange_take(ui->x);
	if (s)
		ui_model_set_snapshot(&ui->model, s);
	while (!atomic_load(&ui->stop)) {
		struct pollfd pfd[3];
		nfds_t n = 2;

		if (dirty) {
			redraw(ui);
			dirty = false;
		}
		pfd[0].fd = ui->in_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = wake_fd[0];
		pfd[1].events = POLLIN;
		if (ui_model_wants_snapshot(&ui->model)) {
			pfd[2].fd = ui_exchange_fd(ui->x);
			pfd[2].events = POLLIN;
			n = 3;
		}
		for (nfds_t i = 0; i < n; i++)
			pfd[i].revents = 0;
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents & POLLIN) {
			char buf[64];
			ssize_t r = read(wake_fd[0], buf, sizeof(buf));

			if (r > 0 && memchr(buf, 'w', (size_t)r)) {
				resize();
				dirty = true;
			}
		}
		if (atomic_load(&ui->stop))
			break;
		if (n == 3 && (pfd[2].revents & POLLIN)) {
			s = ui_exchange_take(ui->x);
			if (s) {
				ui_model_set_snapshot(&ui->model, s);
				dirty = true;
			}
		}
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* The terminal went away (an SSH session closed). */
			react(ui, UI_REACT_QUIT);
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int ch;

			while ((ch = wgetch(stdscr)) != ERR) {
				if (ch == KEY_RESIZE) {
					/* resizeterm() queues one itself:
					 * the resize was done already. */
				} else if (ui->prompt.active) {
					prompt_key(ui, ch);
				} else {
					react(ui, ui_model_act(&ui->model,
							       ui_key_action(ch)));
				}
				dirty = true;
			}
		}
	}
	return NULL;
}

/* ---- Start and stop ------------------------------------------------------- */

static void ui_free(struct ui *ui)
{
	if (!ui)
		return;
	if (ui->in_file && ui->in_file != stdin)
		fclose(ui->in_file);
	if (ui->engine)
		geo_engine_unref(ui->engine);
	free(ui->explain);
	free(ui);
}

struct ui *ui_start(const struct ui_config *cfg, char *err, size_t errlen)
{
	struct ui *ui;
	sigset_t block, ui_mask, old;

	if (!isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "the dashboard needs a terminal on "
			 "standard output (use --no-tui)");
		return NULL;
	}
	ui = calloc(1, sizeof(*ui));
	if (!ui) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	ui->x = cfg->exchange;
	ui->on_quit = cfg->on_quit;
	ui->ctx = cfg->ctx;
	if (cfg->engine)
		ui->engine = geo_engine_ref(cfg->engine);
	ui_model_init(&ui->model);

	/* Keys: standard input, unless it carries the capture (-r -). */
	if (isatty(STDIN_FILENO)) {
		ui->in_file = stdin;
	} else {
		ui->in_file = fopen("/dev/tty", "re");
		if (!ui->in_file) {
			snprintf(err, errlen, "the dashboard needs a terminal "
				 "for keys (no /dev/tty)");
			ui_free(ui);
			return NULL;
		}
	}
	ui->in_fd = fileno(ui->in_file);
	out_fd = STDOUT_FILENO;
	have_termios = tcgetattr(out_fd, &saved_termios) == 0;
	if (wake_fd[0] < 0 && pipe2(wake_fd, O_CLOEXEC | O_NONBLOCK) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		ui_free(ui);
		return NULL;
	}

	setlocale(LC_CTYPE, "");
	/* Our SIGWINCH handler first, so ncurses does not install its own. */
	install_handlers();
	ui->out_file = stdout;
	ui->screen = newterm(NULL, stdout, ui->in_file);
	if (!ui->screen) {
		snprintf(err, errlen, "cannot start the dashboard on terminal "
			 "type '%s' (use --no-tui)",
			 getenv("TERM") ? getenv("TERM") : "(none)");
		ui_free(ui);
		return NULL;
	}
	set_term(ui->screen);
	restore_len = 0;
	add_seq("rmcup");
	add_seq("cnorm");
	add_seq("sgr0");
	term_active = 1;
	atexit(at_exit_restore);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui_theme_init(&ui->theme);
	stderr_hold();

	/* SIGWINCH to the UI thread only; main's signals to main only. */
	sigemptyset(&block);
	sigaddset(&block, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	sigfillset(&ui_mask);
	sigdelset(&ui_mask, SIGWINCH);
	static const int sync_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL,
					SIGABRT};
	for (size_t i = 0; i < sizeof(sync_sigs) / sizeof(sync_sigs[0]); i++)
		sigdelset(&ui_mask, sync_sigs[i]);
	pthread_sigmask(SIG_SETMASK, &ui_mask, NULL);
	if (pthread_create(&ui->thread, NULL, ui_main, ui) != 0) {
		sigaddset(&old, SIGWINCH);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		endwin();
		delscreen(ui->screen);
		term_active = 0;
		stderr_release();
		snprintf(err, errlen, "cannot start the dashboard's thread");
		ui_free(ui);
		return NULL;
	}
	sigaddset(&old, SIGWINCH);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ui->running = true;
	return ui;
}

bool ui_paused(const struct ui *ui)
{
	return ui && atomic_load(&ui->paused);
}

bool ui_quit_requested(const struct ui *ui)
{
	return ui && atomic_load(&ui->quit);
}

void ui_stop(struct ui *ui)
{
	char c = 's';

	if (!ui)
		return;
	if (ui->running) {
		atomic_store(&ui->stop, true);
		if (write(wake_fd[1], &c, 1) < 0)
			c = 0;
		pthread_join(ui->thread, NULL);
		ui->running = false;
	}
	endwin();
	delscreen(ui->screen);
	term_active = 0;
	stderr_release();
	fflush(stdout);
	ui_free(ui);
}
