/* SPDX-License-Identifier: BSD-3-Clause */
/* The unit-test runner: runs each registered test in a child process and prints one TAP line each. */
#define _GNU_SOURCE
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define HARNESS_MAX_TESTS   256
#define HARNESS_MAX_SHOWN   20 /* failed expectations reported per test; the rest are counted */
#define HARNESS_EXIT_FAILED 3  /* a child that ran to the end with failed expectations */
#define HARNESS_TIMEOUT_S   60 /* a test still running after this is killed: it hangs */

struct harness_test {
	const char *name;
	harness_test_fn fn;
};

static struct harness_test harness_tests[HARNESS_MAX_TESTS];
static size_t harness_ntests;

/* In a child: failed expectations so far; their reports go to stderr, a pipe to the parent. */
static unsigned int harness_failures;

void harness_register(const char *name, harness_test_fn fn)
{
	if (harness_ntests == HARNESS_MAX_TESTS) {
		fprintf(stderr, "harness: more than %d tests\n", HARNESS_MAX_TESTS);
		exit(2);
	}
	harness_tests[harness_ntests++] = (struct harness_test){ name, fn };
}

/* Starts the report of a failed expectation; false when it is past the number shown. */
static bool harness_fail(const char *file, int line, const char *what)
{
	if (++harness_failures > HARNESS_MAX_SHOWN)
		return false;
	fprintf(stderr, "%s:%d: %s failed\n", file, line, what);
	return true;
}

bool harness_expect_num(const char *file, int line, const char *what, bool want_equal,
			unsigned long long a, unsigned long long b)
{
	if ((a == b) == want_equal)
		return true;
	if (harness_fail(file, line, what)) {
		fprintf(stderr, "  left:  %lld (0x%llx)\n", (long long)a, a);
		fprintf(stderr, "  right: %lld (0x%llx)\n", (long long)b, b);
	}
	return false;
}

bool harness_expect_true(const char *file, int line, const char *what, bool cond)
{
	if (!cond)
		harness_fail(file, line, what);
	return cond;
}

/* Prints a string with C escapes, so no diagnostic can break the one-line-per-test output. */
static void harness_print_escaped(const char *label, const char *s)
{
	fprintf(stderr, "  %s", label);
	if (!s) {
		fputs("NULL\n", stderr);
		return;
	}
	fputc('"', stderr);
	for (; *s; s++) {
		if (isprint((unsigned char)*s) && *s != '"' && *s != '\\')
			fputc(*s, stderr);
		else
			fprintf(stderr, "\\x%02x", (unsigned char)*s);
	}
	fputs("\"\n", stderr);
}

bool harness_expect_str(const char *file, int line, const char *what, const char *a, const char *b)
{
	bool equal = (a && b) ? strcmp(a, b) == 0 : a == b;

	if (!equal && harness_fail(file, line, what)) {
		harness_print_escaped("left:  ", a);
		harness_print_escaped("right: ", b);
	}
	return equal;
}

bool harness_expect_mem(const char *file, int line, const char *what, const void *a, const void *b,
			size_t len)
{
	const unsigned char *x = a;
	const unsigned char *y = b;
	size_t i;

	for (i = 0; i < len && x[i] == y[i]; i++)
		;
	if (i < len && harness_fail(file, line, what))
		fprintf(stderr, "  first difference at byte %zu: 0x%02x != 0x%02x\n", i, x[i],
			y[i]);
	return i == len;
}

/*
 * In the child: runs the test with stdout and stderr going to the parent, which prints them as
 * diagnostics, so sanitizer reports stay with their test and nothing can fake a result line.
 */
static void harness_child(const struct harness_test *test, int out_fd)
{
	if (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0)
		_exit(2);
	close(out_fd);
	/* Unbuffered, so that a crash loses nothing the test printed. */
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(HARNESS_TIMEOUT_S);
	test->fn();
	if (harness_failures > HARNESS_MAX_SHOWN)
		fprintf(stderr, "... and %u more failed expectations\n",
			harness_failures - HARNESS_MAX_SHOWN);
	/* exit(), not _exit(): the leak checker runs at exit and turns a leak into a failure. */
	exit(harness_failures ? HARNESS_EXIT_FAILED : 0);
}

/*
 * Reads the child's diagnostics to the end (so it never blocks on a full pipe), keeping what fits
 * in buf; they are printed after the test's result line.
 */
static void harness_read_diags(int fd, char *buf, size_t size)
{
	char discard[4096];
	size_t len = 0;
	ssize_t n;

	for (;;) {
		if (len + 1 < size)
			n = read(fd, buf + len, size - len - 1);
		else
			n = read(fd, discard, sizeof(discard));
		if (n <= 0)
			break;
		if (len + 1 < size)
			len += (size_t)n;
	}
	buf[len] = '\0';
}

/* Prints the child's output under its result line, each line as an indented comment. */
static void harness_print_diags(char *diags)
{
	char *line, *next;

	for (line = diags; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		printf("    # %s\n", line);
	}
}

static void harness_explain_status(int status)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("    # test timed out after %d seconds\n", HARNESS_TIMEOUT_S);
	else if (WIFSIGNALED(status))
		printf("    # test crashed: signal %d (%s)\n", WTERMSIG(status),
		       strsignal(WTERMSIG(status)));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
		 WEXITSTATUS(status) != HARNESS_EXIT_FAILED)
		printf("    # test exited with status %d\n", WEXITSTATUS(status));
}

static bool harness_run(const char *binary, const struct harness_test *test)
{
	static char diags[64 * 1024];
	int fds[2], status = 0;
	pid_t pid;
	bool passed;

	/* Flushed first, so the child cannot print a copy of anything buffered. */
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) || (pid = fork()) < 0) {
		perror("harness");
		exit(2);
	}
	if (pid == 0) {
		close(fds[0]);
		harness_child(test, fds[1]);
	}
	close(fds[1]);
	harness_read_diags(fds[0], diags, sizeof(diags));
	close(fds[0]);
	waitpid(pid, &status, 0);

	passed = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	printf("%s - %s: %s\n", passed ? "ok" : "not ok", binary, test->name);
	harness_print_diags(diags);
	harness_explain_status(status);
	fflush(stdout);
	return passed;
}

/* A test runs when no names are given on the command line, or when it is one of them. */
static bool harness_selected(const char *name, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], name))
			return true;
	}
	return argc < 2;
}

int main(int argc, char **argv)
{
	const char *binary = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	size_t i, ran = 0, failed = 0;

	for (i = 0; i < harness_ntests; i++) {
		if (!harness_selected(harness_tests[i].name, argc, argv))
			continue;
		ran++;
		if (!harness_run(binary, &harness_tests[i]))
			failed++;
	}
	if (!ran) {
		fprintf(stderr, "%s: no test ran\n", binary);
		return 1;
	}
	return failed ? 1 : 0;
}
