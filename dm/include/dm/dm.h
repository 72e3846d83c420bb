/* SPDX-License-Identifier: BSD-3-Clause */
/* One User VM's life in cairn-dm: what its threads share, and the run from creation to teardown. */
#ifndef CAIRN_DM_DM_H
#define CAIRN_DM_DM_H

#include <stdbool.h>
#include <stdint.h>

#include "dm/bus.h"
#include "dm/config.h"
#include "dm/ioreq.h"
#include "dm/ioreq_range.h"
#include "dm/mem.h"
#include "dm/msi.h"
#include "dm/pm_timer.h"
#include "dm/power.h"
#include "dm/pvpanic.h"
#include "dm/reset.h"
#include "dm/testdev.h"
#include "dm/tty.h"
#include "dm/uart.h"
#include "dm/vm.h"

/* Why the VM ends (the first reason wins). */
enum dm_stop_reason {
	DM_STOP_NONE,
	DM_STOP_POWEROFF,    /* the guest powered off */
	DM_STOP_SIGNAL,	     /* SIGINT or SIGTERM */
	DM_STOP_CLIENT_GONE, /* the HSM ended the I/O client (the VM was destroyed under us) */
	DM_STOP_ERROR,	     /* an I/O client failed */
	DM_STOP_CTL,	     /* cairnctl stop */
	DM_STOP_CRASH, /* the guest crashed (a panic, a triple fault) and the policy is exit */
	DM_STOP_RESET_FAILED, /* the guest asked for a reset and it could not be done */
};

/* What the guest asked of the main thread besides stopping (bits of dm_ctx.guest_events). */
#define DM_GUEST_RESET	  1u /* reset control 0xCF9: `reboot` */
#define DM_GUEST_PANICKED 2u /* pvpanic */

struct dm_pci_dev; /* a -s device (dm/devices.c) */
struct virtio_console;

struct dm_ctx {
	const struct dm_config *cfg;
	struct dm_vm vm;
	struct dm_mem mem;
	struct dm_bus bus;
	struct dm_power power;
	struct dm_pm_timer pm_timer;
	struct dm_reset reset;
	struct dm_pvpanic pvpanic;
	struct dm_uart com1;
	struct dm_testdev testdev;
	struct dm_tty tty; /* stdin in raw mode while the VM runs (-l com1,stdio on a terminal) */
	struct dm_range_client ranges[2]; /* --testdev_clients: ports, MMIO */
	unsigned int nranges;
	struct dm_pci_dev *pci[DM_PCI_SLOTS_MAX]; /* -s devices, in command-line order */
	unsigned int npci;
	uint64_t pci_bar_next;		  /* where the next BAR is placed */
	struct dm_msi msi;		  /* the PCI devices' MSI-X delivery */
	struct virtio_console *console;	  /* virtio-console on stdio, if any */
	struct dm_ioreq_stats stats;	  /* the default client's */
	int stop_fd;			  /* an eventfd the main thread polls */
	int guest_event_fd;		  /* another: guest_events has bits */
	uint32_t guest_events;		  /* DM_GUEST_*, set by the I/O threads */
	int stop_reason;		  /* enum dm_stop_reason, set once */
	uint64_t entry;			  /* the ELF's entry point, kept for a reset */
	struct acrn_vcpu_regs linux_regs; /* -k: vCPU 0's Linux entry state, the same */
	uint32_t apic_ids[DM_VCPUS_MAX];  /* each vCPU's pCPU's APIC ID, vCPU 0 first */
	size_t ncpus;
	uint32_t apic_id; /* the APIC ID of vCPU 0's pCPU */
	int ctl_fd;	  /* the control socket (dm/ctl.c), or -1 */
	char ctl_path[108];
	bool paused; /* by cairnctl pause */
	bool vm_created;
	bool ioreq_stop; /* tells the default client's thread to return */
	bool irq_warned;
};

/* Asks the main thread to end the VM (any thread). */
void dm_request_stop(struct dm_ctx *ctx, enum dm_stop_reason reason);
/* Tells the main thread the guest asked for a reset or panicked (DM_GUEST_*; any thread). */
void dm_guest_event(struct dm_ctx *ctx, uint32_t event);

/* Adds every device the configuration asks for to ctx->bus (dm/devices.c). 0 or -errno. */
int dm_devices_create(struct dm_ctx *ctx);
/* Starts the range clients of devices that have them (after the VM exists). 0 or -errno. */
int dm_devices_start_clients(struct dm_ctx *ctx);
/* Stops them and the device threads, and prints what the devices saw. */
void dm_devices_stop(struct dm_ctx *ctx);
/* Closes the devices' files and frees them (after the VM is gone). */
void dm_devices_destroy(struct dm_ctx *ctx);

/* The -s devices (dm/pci_devices.c): create all (0, or -1 with one line printed), start their
 * threads, stop them, free them. */
int dm_pci_devices_create(struct dm_ctx *ctx);
int dm_pci_devices_start(struct dm_ctx *ctx);
void dm_pci_devices_stop(struct dm_ctx *ctx);
void dm_pci_devices_destroy(struct dm_ctx *ctx);
/* Every virtio device back to its power-on state (a VM reset: the guest's driver starts again, and
 * no device thread writes into rings the reloaded image has overwritten). */
void dm_pci_devices_reset(struct dm_ctx *ctx);

/* Creates, runs and destroys the VM; returns the process's exit status. */
int dm_run(const struct dm_config *cfg);

#endif
