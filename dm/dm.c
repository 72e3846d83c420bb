/* SPDX-License-Identifier: BSD-3-Clause */
/* One User VM's life in cairn-dm: pCPUs given up, the VM created and run, then torn down in order. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
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
#include "dm/dm.h"
#include "dm/pcpu.h"
#include "dm/tty.h"

#define ERR_SIZE	 256
#define DM_COM1_FLUSH_MS 20 /* a partial line of COM1 output waits at most this long */

static const char *const stop_names[] = {
	[DM_STOP_NONE] = "running",
	[DM_STOP_POWEROFF] = "the guest powered off",
	[DM_STOP_SIGNAL] = "a signal",
	[DM_STOP_CLIENT_GONE] = "the HSM ended its I/O client",
	[DM_STOP_ERROR] = "an I/O client failed",
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

static void *ioreq_thread(void *arg)
{
	struct dm_ctx *ctx = arg;
	int err = 0;

	switch (dm_ioreq_run(&ctx->vm, &ctx->bus, &ctx->stats, &ctx->ioreq_stop, &err)) {
	case DM_IOREQ_END_POWEROFF:
		dm_request_stop(ctx, DM_STOP_POWEROFF);
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

/* Waits for a reason to stop, feeding typed bytes to COM1 meanwhile. */
static void main_loop(struct dm_ctx *ctx, int sig_fd)
{
	struct pollfd fds[3] = {
		{ .fd = ctx->stop_fd, .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
		{ .fd = ctx->cfg->com1_stdio ? STDIN_FILENO : -1, .events = POLLIN },
	};

	/* COM1 sends whole lines; a prompt without one is flushed when the guest pauses. */
	int timeout_ms = ctx->cfg->com1_stdio ? DM_COM1_FLUSH_MS : -1;

	while (__atomic_load_n(&ctx->stop_reason, __ATOMIC_ACQUIRE) == DM_STOP_NONE) {
		int ready = poll(fds, 3, timeout_ms);

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
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			uint8_t buf[64];
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

			if (n > 0)
				dm_uart_receive(&ctx->com1, buf, (size_t)n);
			else
				fds[2].fd = -1; /* end of input: the guest just gets no more */
		}
	}
}

/* Everything between "the pCPUs are ours" and "destroy the VM"; returns 0 or -1 (printed). */
static int run_vm(struct dm_ctx *ctx, uint64_t entry, uint32_t apic_id,
		  const struct acrn_vcpu_regs *linux_regs, int sig_fd, pthread_t *thread,
		  bool *thread_started)
{
	const struct dm_config *cfg = ctx->cfg;
	struct acrn_vcpu_regs regs;
	struct dm_start_params start = {
		.entry = entry,
		.pcpu_apic_id = apic_id,
		.tsc_khz = dm_host_tsc_khz(),
		.vm_name = cfg->vm_name,
		.cmdline = cfg->bootargs,
	};
	char cpus[128];
	int err;

	err = dm_vm_create(&ctx->vm, cfg->vm_name, cfg->cpu_affinity,
			   cfg->ioreq_polling ? GUEST_FLAG_IO_COMPLETION_POLLING : 0);
	if (err) {
		fprintf(stderr, "cairn-dm: CREATE_VM failed: %s%s\n", strerror(-err),
			err == -ENOTTY ? " (the hypervisor or HSM has no User VM support)" : "");
		return -1;
	}
	ctx->vm_created = true;
	start.vm_id = ctx->vm.vmid;
	err = dm_mem_map(&ctx->mem, &ctx->vm);
	if (err) {
		fprintf(stderr, "cairn-dm: SET_MEMSEG of %" PRIu64 " MiB failed: %s\n",
			ctx->mem.size >> 20, strerror(-err));
		return -1;
	}
	if (linux_regs)
		regs = *linux_regs;
	else
		err = dm_boot_entry_64(&ctx->mem, &start, &regs);
	if (!err)
		err = dm_vm_set_vcpu_regs(&ctx->vm, &regs);
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
		cfg->ioreq_polling ? "polling" : "notification",
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

int dm_run(const struct dm_config *cfg)
{
	struct dm_ctx *ctx = calloc(1, sizeof(*ctx));
	char err_text[ERR_SIZE], cpus[128];
	uint64_t entry = 0, offlined = 0, left;
	uint32_t apic_id = 0, apic_ids[DM_VCPUS_MAX];
	struct acrn_vcpu_regs linux_regs;
	size_t ncpus;
	pthread_t thread;
	bool thread_started = false;
	sigset_t sigs;
	int err, sig_fd, status = 1;

	if (!ctx)
		return 1;
	ctx->cfg = cfg;
	ctx->vm.fd = -1;
	ctx->mem.fd = -1;
	ctx->tty.fd = -1;
	sig_fd = setup_signals(&sigs);
	ctx->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (sig_fd < 0 || ctx->stop_fd < 0) {
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
	err = dm_mem_alloc(&ctx->mem, cfg->mem_size);
	if (err) {
		fprintf(stderr, "cairn-dm: cannot get %" PRIu64 " MiB of 2 MiB huge pages: %s\n",
			cfg->mem_size >> 20, strerror(-err));
		goto out;
	}
	ncpus = pcpu_apic_ids(cfg->cpu_affinity, apic_ids);
	apic_id = apic_ids[0];
	if (cfg->kernel)
		err = load_linux(ctx, apic_ids, ncpus, &linux_regs);
	else
		err = load_elf(ctx, &entry);
	if (err)
		goto out;
	if (dm_devices_create(ctx))
		goto out;
	err = dm_pcpus_release(cfg->cpu_affinity, &offlined, err_text, sizeof(err_text));
	if (err) {
		fprintf(stderr, "cairn-dm: %s\n", err_text);
		goto out;
	}
	if (run_vm(ctx, entry, apic_id, cfg->kernel ? &linux_regs : NULL, sig_fd, &thread,
		   &thread_started) == 0) {
		int reason = __atomic_load_n(&ctx->stop_reason, __ATOMIC_ACQUIRE);

		fprintf(stderr, "cairn-dm: vm %s: ending: %s\n", cfg->vm_name, stop_names[reason]);
		status = reason == DM_STOP_POWEROFF || reason == DM_STOP_SIGNAL ? 0 : 1;
	}
	teardown(ctx, thread, thread_started);
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
	dm_vm_close(&ctx->vm);
	dm_mem_free(&ctx->mem);
	free(ctx);
	return status;
}
