/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's control socket: the protocol cairnctl speaks to each running cairn-dm. */
#ifndef CAIRN_DM_CTL_H
#define CAIRN_DM_CTL_H

#include <stddef.h>

/*
 * Each cairn-dm listens on DM_CTL_DIR/<vm name>.sock (a Unix stream socket, the directory 0700:
 * only root in the Service VM gets in), as acrn-dm listens for acrnctl. A client connects, sends
 * one command line, reads one reply line, and the connection closes. Commands:
 *
 *   status   ->  "ok <name> <state> vmid <id> pcpus <list> mem <MiB> pid <pid>\n"
 *   pause    ->  "ok paused\n"        (HC_PAUSE_VM)
 *   resume   ->  "ok running\n"       (HC_START_VM on the paused VM)
 *   reset    ->  "ok running\n"       (HC_RESET_VM, the image loaded again, vCPU 0 set, started)
 *   stop     ->  "ok stopping\n"      (cairn-dm's orderly teardown, as for SIGTERM)
 *
 * and "error <why>\n" for anything else (an unknown command, a state that forbids it). State is
 * one of running, paused.
 */
#define DM_CTL_DIR	"/run/cairn"
#define DM_CTL_LINE_MAX 256

struct dm_ctx;

/* Creates the socket; 0 or -errno (printed). A stale socket of a dead cairn-dm is replaced; a
 * live one (another cairn-dm runs a VM of that name) is -EADDRINUSE. */
int dm_ctl_open(struct dm_ctx *ctx);
/* The listening fd the main loop polls, or -1. */
int dm_ctl_fd(const struct dm_ctx *ctx);
/* Serves one waiting connection (called when dm_ctl_fd() is readable). */
void dm_ctl_serve(struct dm_ctx *ctx);
/* Closes and unlinks the socket. */
void dm_ctl_close(struct dm_ctx *ctx);

/* The reply to one command line (no newline needed); the ops it calls are the context's.
 * Exposed for the unit test. */
struct dm_ctl_ops {
	int (*pause)(void *opaque);
	int (*resume)(void *opaque);
	int (*reset)(void *opaque);
	void (*stop)(void *opaque);
	/* "<name> <state> vmid <id> pcpus <list> mem <MiB> pid <pid>" */
	void (*status)(void *opaque, char *out, size_t size);
};
/* The VM's own ops (dm/dm.c). */
extern const struct dm_ctl_ops dm_ctl_vm_ops;
void dm_ctl_command(const struct dm_ctl_ops *ops, void *opaque, const char *line, char *reply,
		    size_t size);

#endif
