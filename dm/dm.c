/* SPDX-License-Identifier: BSD-3-Clause */
/* One User VM's life in cairn-dm: pCPUs given up, the VM created and run, then torn down in order. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cairn/acrn.h"
#include "dm/boot.h"
#include "dm/bzimage.h"
#include "dm/ctl.h"
#include "dm/dm.h"
#include "dm/input.h"
#include "dm/pcpu.h"
#include "dm/tty.h"
#include "dm/virtio_devices.h"

#define ERR_SIZE	 256
#define DM_COM1_FLUSH_MS 20 /* a partial line of COM1 output waits at most this long */

static const char *const stop_names[] = {
	[DM_STOP_NONE] = "running",
	[DM_STOP_POWEROFF] = "the guest powered off",
	[DM_STOP_SIGNAL] = "a signal",
	[DM_STOP_CLIENT_GONE] = "the HSM ended its I/O client",
	[DM_STOP_ERROR] = "an I/O client failed",
	[DM_STOP_CTL] = "cairnctl stop",
	[DM_STOP_CRASH] = "the guest crashed (--crash_policy exit)",
	[DM_STOP_RESET_FAILED] = "the guest's reset failed",
};

void dm_request_stop(struct dm_ctx *ctx, enum dm_stop_reason reason)
{
	int none = DM_STOP_NONE;
	uint64_t one = 1;

	__atomic_compare_exchange_n(&ctx->stop_reason, &none, (int)reason, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	if (write(ctx->stop_fd, &one, sizeof(one)) < 0)
		abort(); /* an eventfd write of 1 cannot fail unless the fd is gone */
}

void dm_guest_event(struct dm_ctx *ctx, uint32_t event)
{
	uint64_t one = 1;

	__atomic_fetch_or(&ctx->guest_events, event, __ATOMIC_ACQ_REL);
	if (write(ctx->guest_event_fd, &one, sizeof(one)) < 0)
		abort(); /* as for stop_fd */
}

/* Exit-less: this thread spins on the request page, on the CPU asked for if any. */
static enum dm_ioreq_end poll_requests(struct dm_ctx *ctx)
{
	int cpu = ctx->cfg->exitless_cpu;

	if (cpu >= 0) {
		cpu_set_t set;
		int err;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (err)
			fprintf(stderr,
				"cairn-dm: vm %s: cannot pin the polling thread to CPU %d: %s\n",
				ctx->cfg->vm_name, cpu, strerror(err));
	}
	return dm_ioreq_poll(&ctx->vm, &ctx->bus, &ctx->stats, &ctx->ioreq_stop);
}

static void *ioreq_thread(void *arg)
{
	struct dm_ctx *ctx = arg;
	int err = 0;
	enum dm_ioreq_end end =
		ctx->cfg->ioreq_exitless
			? poll_requests(ctx)
			: dm_ioreq_run(&ctx->vm, &ctx->bus, &ctx->stats, &ctx->ioreq_stop, &err);

	switch (end) {
	case DM_IOREQ_END_POWEROFF:
		/* The hypervisor's notice of a crash comes as a marked S5 (dm/include/dm/power.h). A
		 * stopped VM cannot be reset (HC_RESET_VM wants it running or paused): it ends, and
		 * dm_run() creates it again if the policy is restart. */
		if (ctx->power.crashed && !ctx->cfg->crash_restart)
			fprintf(stderr,
				"cairn-dm: vm %s: the hypervisor stopped the guest (a crash)\n",
				ctx->cfg->vm_name);
		dm_request_stop(ctx, ctx->power.crashed ? DM_STOP_CRASH : DM_STOP_POWEROFF);
		break;
	case DM_IOREQ_END_CLIENT_GONE:
		dm_request_stop(ctx, DM_STOP_CLIENT_GONE);
		break;
	case DM_IOREQ_END_ERROR:
		fprintf(stderr, "cairn-dm: ATTACH_IOREQ_CLIENT failed: %s\n", strerror(-err));
		dm_request_stop(ctx, DM_STOP_ERROR);
		break;
	case DM_IOREQ_END_STOPPED:
		break;
	}
	return NULL;
}

static void no_op(int sig)
{
}

/* SIGINT, SIGTERM and SIGHUP arrive through a signalfd; SIGUSR1 only interrupts blocked ioctls. */
static int setup_signals(sigset_t *mask)
{
	struct sigaction sa = { .sa_handler = no_op }; /* no SA_RESTART: ioctls return EINTR */

	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, mask, NULL))
		return -1;
	return signalfd(-1, mask, SFD_CLOEXEC);
}

static void cpu_list(uint64_t mask, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned int cpu = 0; cpu < 64 && len < size; cpu++)
		if (mask & (1ull << cpu))
			len += (size_t)snprintf(out + len, size - len, "%s%u", len ? "," : "", cpu);
}

static size_t offer_com1(void *dev, const uint8_t *bytes, size_t len)
{
	return dm_uart_receive(dev, bytes, len);
}

static size_t offer_console(void *dev, const uint8_t *bytes, size_t len)
{
	return virtio_console_receive(dev, bytes, len);
}

/* stdin to the virtio console if there is one, else to COM1 with -l com1,stdio: 0, 1 (no input
 * device), or -errno. */
static int input_open(struct dm_ctx *ctx, struct dm_input *in)
{
	int e;

	if (ctx->console)
		e = dm_input_init(in, STDIN_FILENO, offer_console, ctx->console);
	else if (ctx->cfg->com1_stdio)
		e = dm_input_init(in, STDIN_FILENO, offer_com1, &ctx->com1);
	else
		return 1;
	if (e)
		return e;
	if (ctx->console)
		virtio_console_set_wake_fd(ctx->console, in->wake_fd);
	else
		dm_uart_set_wake_fd(&ctx->com1, in->wake_fd);
	return 0;
}

static void input_close(struct dm_ctx *ctx, struct dm_input *in)
{
	if (ctx->console)
		virtio_console_set_wake_fd(ctx->console, -1);
	else
		dm_uart_set_wake_fd(&ctx->com1, -1);
	dm_input_close(in);
}

static void serve_guest_events(struct dm_ctx *ctx);

/*
 * Waits for a reason to stop, feeding typed bytes to COM1 or the virtio console meanwhile. stdin
 * is polled only while the device took everything read so far; when it could not, its wake
 * eventfd says when it has room again (dm/input.c), so pasted text is never dropped.
 */
static void main_loop(struct dm_ctx *ctx, int sig_fd)
{
	struct dm_input in = { .in_fd = -1, .wake_fd = -1 };
	int have_input = input_open(ctx, &in);
	struct pollfd fds[6] = {
		{ .fd = ctx->stop_fd, .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
		{ .fd = dm_ctl_fd(ctx), .events = POLLIN },
		{ .fd = have_input == 0 ? in.wake_fd : -1, .events = POLLIN },
		{ .fd = ctx->guest_event_fd, .events = POLLIN },
	};

	/* COM1 sends whole lines; a prompt without one is flushed when the guest pauses. */
	int timeout_ms = ctx->cfg->com1_stdio ? DM_COM1_FLUSH_MS : -1;

	if (have_input < 0)
		fprintf(stderr, "cairn-dm: no console input: %s\n", strerror(-have_input));
	while (__atomic_load_n(&ctx->stop_reason, __ATOMIC_ACQUIRE) == DM_STOP_NONE) {
		fds[2].fd = have_input == 0 ? dm_input_poll_fd(&in) : -1;
		int ready = poll(fds, 6, timeout_ms);

		if (ready == 0) {
			dm_uart_flush(&ctx->com1);
			continue;
		}
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			dm_request_stop(ctx, DM_STOP_ERROR);
			break;
		}
		if (fds[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				fprintf(stderr, "cairn-dm: %s: stopping the VM\n",
					strsignal((int)si.ssi_signo));
			dm_request_stop(ctx, DM_STOP_SIGNAL);
		}
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
			dm_input_readable(&in);
		if (fds[4].revents & POLLIN)
			dm_input_woken(&in);
		if (fds[3].revents & POLLIN)
			dm_ctl_serve(ctx);
		if (fds[5].revents & POLLIN)
			serve_guest_events(ctx);
	}
	if (have_input == 0)
		input_close(ctx, &in);
}

/* The APIC ID of each pCPU in mask, lowest first (an offline CPU's: its pCPU id); how many. */
static size_t pcpu_apic_ids(uint64_t mask, uint32_t *ids)
{
	size_t n = 0;

	for (unsigned int cpu = 0; cpu < DM_PCPU_ID_LIMIT && n < DM_VCPUS_MAX; cpu++) {
		if (!(mask & (1ull << cpu)))
			continue;
		if (dm_pcpu_apic_id(cpu, &ids[n]))
			ids[n] =
				cpu; /* offline already: Cairn's pCPU ids are the APIC IDs on a PC */
		n++;
	}
	return n;
}

static int load_elf(struct dm_ctx *ctx, uint64_t *entry)
{
	char err_text[ERR_SIZE];
	int err =
		dm_elf_load_file(&ctx->mem, ctx->cfg->elf_file, entry, err_text, sizeof(err_text));

	if (err)
		fprintf(stderr, "cairn-dm: -E %s: %s\n", ctx->cfg->elf_file, err_text);
	return err;
}

static int load_linux(struct dm_ctx *ctx, const uint32_t *apic_ids, size_t ncpus,
		      struct acrn_vcpu_regs *regs)
{
	const struct dm_config *cfg = ctx->cfg;
	struct dm_linux_placed p;
	char err_text[ERR_SIZE];
	int err = dm_linux_load_files(&ctx->mem, cfg->kernel, cfg->ramdisk, cfg->bootargs, apic_ids,
				      ncpus, cfg->com1_stdio, regs, &p, err_text, sizeof(err_text));

	if (err) {
		fprintf(stderr, "cairn-dm: -k %s: %s\n", cfg->kernel, err_text);
		return err;
	}
	fprintf(stderr,
		"cairn-dm: Linux boot protocol %u.%02u, kernel at 0x%" PRIx64 "-0x%" PRIx64
		", initrd %" PRIu64 " KiB at 0x%" PRIx64 ", ACPI RSDP at 0x%" PRIx64 "\n",
		p.protocol >> 8, p.protocol & 0xFF, p.kernel_gpa, p.kernel_end, p.initrd_size >> 10,
		p.initrd_gpa, p.rsdp_gpa);
	return 0;
}

/* Loads the guest image into RAM (at start and for a reset): the ELF's entry or Linux's
 * registers are kept in ctx for set_boot_vcpu(). 0 or -errno (printed). */
static int load_image(struct dm_ctx *ctx)
{
	if (ctx->cfg->kernel)
		return load_linux(ctx, ctx->apic_ids, ctx->ncpus, &ctx->linux_regs);
	return load_elf(ctx, &ctx->entry);
}

/* vCPU 0's state for the loaded image: SET_VCPU_REGS. 0 or -errno. */
static int set_boot_vcpu(struct dm_ctx *ctx)
{
	const struct dm_config *cfg = ctx->cfg;
	struct acrn_vcpu_regs regs;
	struct dm_start_params start = {
		.entry = ctx->entry,
		.pcpu_apic_id = ctx->apic_id,
		.tsc_khz = dm_host_tsc_khz(),
		.vm_id = ctx->vm.vmid,
		.vm_name = cfg->vm_name,
		.cmdline = cfg->bootargs,
	};
	int err;

	if (cfg->kernel)
		return dm_vm_set_vcpu_regs(&ctx->vm, &ctx->linux_regs);
	err = dm_boot_entry_64(&ctx->mem, &start, &regs);
	return err ? err : dm_vm_set_vcpu_regs(&ctx->vm, &regs);
}

/* --- The ops cairnctl reaches through the control socket (dm/ctl.c) --- */

static int ctl_pause(void *opaque)
{
	struct dm_ctx *ctx = opaque;
	int err = ctx->paused ? -EALREADY : dm_vm_pause(&ctx->vm);

	if (!err)
		ctx->paused = true;
	return err;
}

static int ctl_resume(void *opaque)
{
	struct dm_ctx *ctx = opaque;
	int err = !ctx->paused ? -EALREADY : dm_vm_start(&ctx->vm);

	if (!err)
		ctx->paused = false;
	return err;
}

/* A cold reset: RESET_VM stops the vCPUs and drops requests in flight, the image is loaded again
 * over guest RAM, vCPU 0 starts at its entry and the others wait for their SIPI again. */
static int cold_reset(struct dm_ctx *ctx)
{
	int err = dm_vm_reset(&ctx->vm);

	if (err)
		return err;
	dm_pci_devices_reset(ctx);
	err = load_image(ctx);
	if (!err)
		err = set_boot_vcpu(ctx);
	if (!err)
		err = dm_vm_start(&ctx->vm);
	if (!err)
		ctx->paused = false;
	/* A reset or panic the old guest asked for as it went is served already. */
	__atomic_store_n(&ctx->guest_events, 0, __ATOMIC_RELEASE);
	return err;
}

static int ctl_reset(void *opaque)
{
	struct dm_ctx *ctx = opaque;
	int err = cold_reset(ctx);

	if (!err)
		fprintf(stderr, "cairn-dm: vm %s: reset by cairnctl\n", ctx->cfg->vm_name);
	return err;
}

/* The guest's own reset (`reboot`) boots it again; a panic ends it or does the same, by policy. */
static void serve_guest_events(struct dm_ctx *ctx)
{
	const char *name = ctx->cfg->vm_name;
	uint64_t count;
	int err;

	if (read(ctx->guest_event_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	uint32_t events = __atomic_exchange_n(&ctx->guest_events, 0, __ATOMIC_ACQ_REL);
	if (events & DM_GUEST_PANICKED) {
		fprintf(stderr, "cairn-dm: vm %s: the guest panicked (pvpanic)%s\n", name,
			ctx->cfg->crash_restart ? ": restarting it (--crash_policy restart)" : "");
		if (!ctx->cfg->crash_restart) {
			dm_request_stop(ctx, DM_STOP_CRASH);
			return;
		}
	} else if (events & DM_GUEST_RESET) {
		fprintf(stderr, "cairn-dm: vm %s: the guest reset itself: booting it again\n",
			name);
	} else {
		return;
	}
	err = cold_reset(ctx);
	if (err) {
		fprintf(stderr, "cairn-dm: vm %s: reset failed: %s\n", name, strerror(-err));
		dm_request_stop(ctx, DM_STOP_RESET_FAILED);
	}
}

static void ctl_stop(void *opaque)
{
	dm_request_stop(opaque, DM_STOP_CTL);
}

static void ctl_status(void *opaque, char *out, size_t size)
{
	struct dm_ctx *ctx = opaque;
	char cpus[128];

	cpu_list(ctx->cfg->cpu_affinity, cpus, sizeof(cpus));
	snprintf(out, size, "%s %s vmid %u pcpus %s mem %" PRIu64 " pid %d", ctx->cfg->vm_name,
		 ctx->paused ? "paused" : "running", ctx->vm.vmid, cpus, ctx->mem.size >> 20,
		 (int)getpid());
}

const struct dm_ctl_ops dm_ctl_vm_ops = {
	.pause = ctl_pause,
	.resume = ctl_resume,
	.reset = ctl_reset,
	.stop = ctl_stop,
	.status = ctl_status,
};

/* Everything between "the pCPUs are ours" and "destroy the VM"; returns 0 or -1 (printed). */
static int run_vm(struct dm_ctx *ctx, int sig_fd, pthread_t *thread, bool *thread_started)
{
	const struct dm_config *cfg = ctx->cfg;
	char cpus[128];
	int err;

	err = dm_vm_create(&ctx->vm, cfg->vm_name, cfg->cpu_affinity,
			   (cfg->ioreq_polling ? GUEST_FLAG_IO_COMPLETION_POLLING : 0) |
				   (cfg->ioreq_exitless ? CAIRN_GUEST_FLAG_IO_EXITLESS : 0) |
				   (cfg->no_pv_ipi ? CAIRN_GUEST_FLAG_NO_PV_IPI : 0) |
				   (cfg->x2apic ? CAIRN_GUEST_FLAG_X2APIC : 0));
	if (err) {
		fprintf(stderr, "cairn-dm: CREATE_VM failed: %s%s\n", strerror(-err),
			err == -ENOTTY ? " (the hypervisor or HSM has no User VM support)" : "");
		return -1;
	}
	ctx->vm_created = true;
	err = dm_mem_map(&ctx->mem, &ctx->vm);
	if (err) {
		fprintf(stderr, "cairn-dm: SET_MEMSEG of %" PRIu64 " MiB failed: %s\n",
			ctx->mem.size >> 20, strerror(-err));
		return -1;
	}
	err = set_boot_vcpu(ctx);
	if (err) {
		fprintf(stderr, "cairn-dm: SET_VCPU_REGS failed: %s\n", strerror(-err));
		return -1;
	}
	err = dm_vm_ioreq_client_create(&ctx->vm);
	if (err) {
		fprintf(stderr, "cairn-dm: CREATE_IOREQ_CLIENT failed: %s\n", strerror(-err));
		return -1;
	}
	err = -pthread_create(thread, NULL, ioreq_thread, ctx);
	if (err) {
		fprintf(stderr, "cairn-dm: no I/O thread: %s\n", strerror(-err));
		return -1;
	}
	*thread_started = true;
	if (dm_devices_start_clients(ctx))
		return -1;
	err = dm_vm_start(&ctx->vm);
	if (err) {
		fprintf(stderr, "cairn-dm: START_VM failed: %s\n", strerror(-err));
		return -1;
	}
	cpu_list(cfg->cpu_affinity, cpus, sizeof(cpus));
	fprintf(stderr,
		"cairn-dm: vm %s (id %u): %u vCPU on pCPU %s, %" PRIu64 " MiB, %s completion%s\n",
		cfg->vm_name, ctx->vm.vmid, ctx->vm.vcpu_num, cpus, ctx->mem.size >> 20,
		cfg->ioreq_exitless  ? "exit-less"
		: cfg->ioreq_polling ? "polling"
				     : "notification",
		ctx->nranges ? ", 2 range clients" : "");
	/* For debugging (and tests/service-vm/scribble.c): where this process maps the page. */
	fprintf(stderr, "cairn-dm: vm %s: request page at %p in process %d\n", cfg->vm_name,
		(void *)ctx->vm.ioreq_page, (int)getpid());
	dm_tty_raw(&ctx->tty, cfg->com1_stdio ? STDIN_FILENO : -1);
	main_loop(ctx, sig_fd);
	dm_tty_restore(&ctx->tty);
	return 0;
}

/* The teardown, in ACRN's power-off order: pause, end the I/O clients, destroy. */
static void teardown(struct dm_ctx *ctx, pthread_t thread, bool thread_started)
{
	dm_ctl_close(ctx);
	if (ctx->vm_created)
		dm_vm_pause(&ctx->vm);
	dm_devices_stop(ctx);
	if (thread_started) {
		__atomic_store_n(&ctx->ioreq_stop, true, __ATOMIC_RELEASE);
		dm_vm_ioreq_client_destroy(&ctx->vm); /* a blocked ATTACH returns -ENODEV */
		pthread_kill(thread, SIGUSR1);	      /* and if it did not: EINTR */
		pthread_join(thread, NULL);
	}
	if (ctx->vm_created) {
		int err = dm_vm_destroy(&ctx->vm);

		if (err)
			fprintf(stderr, "cairn-dm: DESTROY_VM failed: %s\n", strerror(-err));
	}
	dm_vm_close(&ctx->vm);
}

/*
 * After a crash the hypervisor stopped the VM for (--crash_policy restart): the VM is gone
 * (teardown destroyed it; its pCPUs are free in the hypervisor, still offline in the Service VM),
 * so it is created again on the same pCPUs with the same RAM, devices reset and the image
 * loaded again; run_vm() then starts it. 0, or -1 (printed) and the pCPUs are given back.
 */
static int recreate(struct dm_ctx *ctx)
{
	uint64_t count;
	int err;

	fprintf(stderr,
		"cairn-dm: vm %s: the hypervisor stopped the guest (a crash): creating it "
		"again (--crash_policy restart)\n",
		ctx->cfg->vm_name);
	if (read(ctx->stop_fd, &count, sizeof(count)) < 0)
		return -1;
	__atomic_store_n(&ctx->stop_reason, DM_STOP_NONE, __ATOMIC_RELEASE);
	__atomic_store_n(&ctx->guest_events, 0, __ATOMIC_RELEASE);
	ctx->power.crashed = false;
	ctx->vm_created = false;
	ctx->ioreq_stop = false;
	ctx->paused = false;
	err = dm_vm_open(&ctx->vm);
	if (!err && dm_ctl_open(ctx))
		err = -EEXIST;
	if (!err) {
		dm_pci_devices_reset(ctx);
		err = load_image(ctx);
	}
	if (err) {
		fprintf(stderr, "cairn-dm: vm %s: cannot create it again: %s\n", ctx->cfg->vm_name,
			strerror(-err));
		return -1;
	}
	return 0;
}

int dm_run(const struct dm_config *cfg)
{
	struct dm_ctx *ctx = calloc(1, sizeof(*ctx));
	char err_text[ERR_SIZE], cpus[128];
	uint64_t offlined = 0, left;
	pthread_t thread;
	bool thread_started = false;
	sigset_t sigs;
	int err, sig_fd, status = 1;

	if (!ctx)
		return 1;
	ctx->cfg = cfg;
	dm_bus_init(&ctx->bus);
	ctx->vm.fd = -1;
	ctx->mem.fd = -1;
	ctx->ctl_fd = -1;
	ctx->tty.fd = -1;
	sig_fd = setup_signals(&sigs);
	ctx->stop_fd = eventfd(0, EFD_CLOEXEC);
	ctx->guest_event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || ctx->stop_fd < 0 || ctx->guest_event_fd < 0) {
		fprintf(stderr, "cairn-dm: cannot set up signals: %s\n", strerror(errno));
		free(ctx);
		return 1;
	}
	/* Everything that can fail without touching the Service VM's CPUs comes first. */
	err = dm_vm_open(&ctx->vm);
	if (err) {
		fprintf(stderr, "cairn-dm: cannot open %s: %s%s\n", ACRN_HSM_DEVICE, strerror(-err),
			err == -ENOENT ? " (is the HSM module loaded?)" : "");
		goto out;
	}
	if (dm_ctl_open(ctx)) /* also refuses a second VM of the same name */
		goto out;
	err = dm_mem_alloc(&ctx->mem, cfg->mem_size);
	if (err) {
		fprintf(stderr, "cairn-dm: cannot get %" PRIu64 " MiB of 2 MiB huge pages: %s\n",
			cfg->mem_size >> 20, strerror(-err));
		goto out;
	}
	ctx->ncpus = pcpu_apic_ids(cfg->cpu_affinity, ctx->apic_ids);
	ctx->apic_id = ctx->apic_ids[0];
	if (load_image(ctx))
		goto out;
	if (dm_devices_create(ctx))
		goto out;
	err = dm_pcpus_release(cfg->cpu_affinity, &offlined, err_text, sizeof(err_text));
	if (err) {
		fprintf(stderr, "cairn-dm: %s\n", err_text);
		goto out;
	}
	while (run_vm(ctx, sig_fd, &thread, &thread_started) == 0) {
		int reason = __atomic_load_n(&ctx->stop_reason, __ATOMIC_ACQUIRE);

		if (reason == DM_STOP_CRASH && ctx->power.crashed && cfg->crash_restart) {
			teardown(ctx, thread, thread_started);
			thread_started = false;
			if (recreate(ctx))
				goto reclaim;
			continue;
		}
		fprintf(stderr, "cairn-dm: vm %s: ending: %s\n", cfg->vm_name, stop_names[reason]);
		bool asked = reason == DM_STOP_POWEROFF || reason == DM_STOP_SIGNAL ||
			     reason == DM_STOP_CTL;

		status = asked ? 0 : 1;
		break;
	}
	teardown(ctx, thread, thread_started);
reclaim:
	fprintf(stderr,
		"cairn-dm: vm %s: %" PRIu64 " requests (pio %" PRIu64 " mmio %" PRIu64
		" pci %" PRIu64 "), %" PRIu64 " bad, %" PRIu64 " unclaimed, %" PRIu64
		" not finished\n",
		cfg->vm_name, ctx->stats.served[0] + ctx->stats.served[1] + ctx->stats.served[2],
		ctx->stats.served[0], ctx->stats.served[1], ctx->stats.served[2], ctx->stats.bad,
		ctx->bus.unclaimed[0] + ctx->bus.unclaimed[1] + ctx->bus.unclaimed[2],
		ctx->stats.finish_errors);
	left = dm_pcpus_reclaim(offlined);
	cpu_list(offlined & ~left, cpus, sizeof(cpus));
	if (offlined & ~left)
		fprintf(stderr, "cairn-dm: pCPU %s back online in the Service VM\n", cpus);
	if (left) {
		cpu_list(left, cpus, sizeof(cpus));
		fprintf(stderr, "cairn-dm: pCPU %s did not come back online\n", cpus);
		status = 1;
	}
out:
	dm_ctl_close(ctx);
	dm_devices_destroy(ctx);
	dm_vm_close(&ctx->vm);
	dm_mem_free(&ctx->mem);
	free(ctx);
	return status;
}
