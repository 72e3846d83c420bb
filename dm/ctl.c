/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's control socket (dm/include/dm/ctl.h): one command line in, one reply line out. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "dm/ctl.h"
#include "dm/dm.h"

static void reply_status(int err, const char *ok_text, char *reply, size_t size)
{
	if (err)
		snprintf(reply, size, "error %s", strerror(-err));
	else
		snprintf(reply, size, "ok %s", ok_text);
}

void dm_ctl_command(const struct dm_ctl_ops *ops, void *opaque, const char *line, char *reply,
		    size_t size)
{
	char word[16];
	size_t len = strcspn(line, " \t\r\n");

	if (len == 0 || len >= sizeof(word)) {
		snprintf(reply, size, "error unknown command");
		return;
	}
	memcpy(word, line, len);
	word[len] = '\0';
	if (line[len + strspn(line + len, " \t\r\n")] != '\0') {
		snprintf(reply, size, "error %s takes no arguments", word);
		return;
	}
	if (!strcmp(word, "status")) {
		char text[DM_CTL_LINE_MAX - 4];

		ops->status(opaque, text, sizeof(text));
		snprintf(reply, size, "ok %s", text);
	} else if (!strcmp(word, "pause")) {
		reply_status(ops->pause(opaque), "paused", reply, size);
	} else if (!strcmp(word, "resume")) {
		reply_status(ops->resume(opaque), "running", reply, size);
	} else if (!strcmp(word, "reset")) {
		reply_status(ops->reset(opaque), "running", reply, size);
	} else if (!strcmp(word, "stop")) {
		ops->stop(opaque);
		snprintf(reply, size, "ok stopping");
	} else {
		snprintf(reply, size, "error unknown command '%s'", word);
	}
}

/* True when a live process accepts connections at path. */
static bool socket_alive(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return alive;
}

int dm_ctl_open(struct dm_ctx *ctx)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err;

	ctx->ctl_fd = -1;
	if (mkdir("/run", 0755) && errno != EEXIST) /* a bare initramfs may have no /run */
		return -errno;
	if (mkdir(DM_CTL_DIR, 0700) && errno != EEXIST) {
		err = -errno;
		fprintf(stderr, "cairn-dm: cannot create %s: %s\n", DM_CTL_DIR, strerror(errno));
		return err;
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.sock", DM_CTL_DIR, ctx->cfg->vm_name);
	if (socket_alive(&addr)) {
		fprintf(stderr, "cairn-dm: a VM named %s already runs (%s answers)\n",
			ctx->cfg->vm_name, addr.sun_path);
		return -EADDRINUSE;
	}
	unlink(addr.sun_path); /* a dead cairn-dm's socket */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 4)) {
		err = -errno;
		fprintf(stderr, "cairn-dm: no control socket %s: %s\n", addr.sun_path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	ctx->ctl_fd = fd;
	memcpy(ctx->ctl_path, addr.sun_path, sizeof(ctx->ctl_path));
	return 0;
}

int dm_ctl_fd(const struct dm_ctx *ctx)
{
	return ctx->ctl_fd;
}

/* Reads one line (up to size - 1 bytes, or what arrives within a second). */
static void read_line(int fd, char *line, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t n = read(fd, line + len, size - 1 - len);

		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(line, '\n', len))
			break;
	}
	line[len] = '\0';
}

void dm_ctl_serve(struct dm_ctx *ctx)
{
	const struct timeval second = { .tv_sec = 1 };
	char line[DM_CTL_LINE_MAX], reply[DM_CTL_LINE_MAX + 1];
	int fd = accept4(ctx->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
	size_t len;

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &second, sizeof(second));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &second, sizeof(second));
	read_line(fd, line, sizeof(line));
	dm_ctl_command(&dm_ctl_vm_ops, ctx, line, reply, sizeof(reply) - 1);
	len = strlen(reply);
	reply[len++] = '\n';
	if (write(fd, reply, len) < 0) {
		/* the client went away: nothing to tell it */
	}
	close(fd);
}

void dm_ctl_close(struct dm_ctx *ctx)
{
	if (ctx->ctl_fd < 0)
		return;
	close(ctx->ctl_fd);
	unlink(ctx->ctl_path);
	ctx->ctl_fd = -1;
}
