/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's command line: acrn-dm's option names where it has one, parsed into struct dm_config. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dm/options.h"

/* Long-only options get values above any character. */
enum {
	OPT_CPU_AFFINITY = 0x100,
	OPT_IOREQ_POLLING,
	OPT_IOREQ_EXITLESS,
	OPT_TESTDEV,
	OPT_TESTDEV_CLIENTS,
	OPT_DEBUGEXIT,
	OPT_VIRTIO_IRQFD,
	OPT_CRASH_POLICY,
	OPT_NO_PV_IPI,
	OPT_X2APIC,
};

static const struct option long_options[] = {
	{ "memsize", required_argument, NULL, 'm' },
	{ "cpu_affinity", required_argument, NULL, OPT_CPU_AFFINITY },
	{ "elf_file", required_argument, NULL, 'E' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "ramdisk", required_argument, NULL, 'r' },
	{ "lpc", required_argument, NULL, 'l' },
	{ "bootargs", required_argument, NULL, 'B' },
	{ "pci_slot", required_argument, NULL, 's' },
	{ "ioreq_polling", no_argument, NULL, OPT_IOREQ_POLLING },
	{ "ioreq_exitless", optional_argument, NULL, OPT_IOREQ_EXITLESS },
	{ "testdev", no_argument, NULL, OPT_TESTDEV },
	{ "testdev_clients", no_argument, NULL, OPT_TESTDEV_CLIENTS },
	{ "debugexit", no_argument, NULL, OPT_DEBUGEXIT },
	{ "virtio_irqfd", no_argument, NULL, OPT_VIRTIO_IRQFD },
	{ "crash_policy", required_argument, NULL, OPT_CRASH_POLICY },
	{ "no_pv_ipi", no_argument, NULL, OPT_NO_PV_IPI },
	{ "x2apic", no_argument, NULL, OPT_X2APIC },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":m:E:k:r:l:B:s:h";

void dm_options_usage(FILE *out)
{
	fputs("usage: cairn-dm [options] <vm name>\n"
	      "Creates a User VM through /dev/acrn_hsm, runs it, and serves its I/O requests.\n"
	      "  -m, --memsize <size>      guest RAM: <n>[K|M|G] (no suffix: MiB), a multiple of\n"
	      "                            2 MiB, at most 3G (default 16M)\n"
	      "      --cpu_affinity <list> pCPUs for the VM, e.g. 2 or 1,3: one vCPU each, at "
	      "most\n"
	      "                            16; the Service VM gives them up while the VM lives\n"
	      "  -E, --elf_file <path>     the ELF64 guest to load (abi/cairn/guest_boot.h)\n"
	      "  -k, --kernel <path>       a Linux bzImage to boot instead (its 32-bit entry)\n"
	      "  -r, --ramdisk <path>      the Linux kernel's initrd\n"
	      "  -l, --lpc com1,stdio      a 16550 at 0x3F8 (IRQ 4) on cairn-dm's stdin and "
	      "stdout\n"
	      "  -B, --bootargs <text>     the guest's command line: Linux's (at most 4095 bytes)\n"
	      "                            or the ELF guest's start info (at most 255)\n"
	      "      --ioreq_polling       complete I/O requests by polling (the User VM's pCPU\n"
	      "                            spins on its slot) instead of notification (default)\n"
	      "      --ioreq_exitless[=<cpu>]\n"
	      "                            exit-less I/O requests: polling, and a cairn-dm thread\n"
	      "                            spins on the request page (on Service VM CPU <cpu> if\n"
	      "                            given): no upcall, no hypercall, no syscall per "
	      "request\n"
	      "      --testdev             the iotest guest's test device (abi/cairn/testdev.h)\n"
	      "      --testdev_clients     --testdev with its port and MMIO ranges served by two\n"
	      "                            range clients (threads) instead of the default client\n"
	      "      --debugexit           a write to port 0xF4 powers the VM off\n"
	      "  -s, --pci_slot <slot>[:<func>],<type>[,<options>]\n"
	      "                            a PCI device: hostbridge, virtio-blk,<image>[,ro],\n"
	      "                            virtio-console,@stdio:stdio_port (or stdio),\n"
	      "                            virtio-rnd, virtio-net,tap=<tap>[,mac=<mac>] (an\n"
	      "                            existing tap; virtio-net,<tap> too)\n"
	      "      --virtio_irqfd        virtio interrupts through irqfds, not INJECT_MSI\n"
	      "      --crash_policy <p>    when the guest panics (pvpanic) or triple-faults:\n"
	      "                            exit (default: end the VM, exit status 1) or\n"
	      "                            restart (boot it again)\n"
	      "      --no_pv_ipi           withhold KVM's PV send-IPI (KVM_FEATURE_PV_SEND_IPI):\n"
	      "                            the guest sends IPIs through its LAPIC's ICR\n"
	      "      --x2apic              offer the guest an x2APIC (the hypervisor's, over the\n"
	      "                            pCPU's xAPIC): an IPI is one trapped MSR write\n"
	      "  -h, --help                this text\n"
	      "<vm name>: 1-15 of A-Z a-z 0-9 . _ -; it goes in acrn_vm_creation.uuid.\n"
	      "The VM ends when the guest powers off (ACPI S5 written to port 0x404), the HSM\n"
	      "ends its I/O client, or cairn-dm gets SIGINT or SIGTERM; its pCPUs then come "
	      "back.\n"
	      "A guest reset (reset control 0xCF9: `reboot`) boots it again.\n",
	      out);
}

static void say(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

/* A whole string as a decimal number below limit: no sign, no spaces, at least one digit. */
static int parse_decimal(const char *text, uint64_t limit, uint64_t *value)
{
	uint64_t v = 0;

	if (!*text)
		return -1;
	for (const char *p = text; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		if (v > (limit - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v >= limit)
		return -1;
	*value = v;
	return 0;
}

int dm_parse_memsize(const char *text, uint64_t *bytes)
{
	size_t len = strlen(text);
	uint64_t unit = 1ull << 20, n;
	char digits[32];

	if (len == 0 || len >= sizeof(digits))
		return -1;
	memcpy(digits, text, len + 1);
	switch (tolower((unsigned char)digits[len - 1])) {
	case 'b':
		unit = 1;
		break;
	case 'k':
		unit = 1ull << 10;
		break;
	case 'm':
		unit = 1ull << 20;
		break;
	case 'g':
		unit = 1ull << 30;
		break;
	default:
		len++; /* no suffix: the last character is a digit */
		break;
	}
	digits[len - 1] = '\0';
	if (parse_decimal(digits, UINT64_MAX, &n) || n > UINT64_MAX / unit)
		return -1;
	*bytes = n * unit;
	return 0;
}

int dm_parse_cpu_list(const char *text, uint64_t *mask, char *err, size_t err_size)
{
	char buf[256], *save = NULL;
	uint64_t m = 0;
	int count = 0;

	if (strlen(text) >= sizeof(buf) || !*text || text[0] == ',' ||
	    text[strlen(text) - 1] == ',') {
		say(err, err_size, "--cpu_affinity '%s': expected pCPU ids like 2 or 1,3", text);
		return -1;
	}
	strcpy(buf, text);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t id;

		if (parse_decimal(tok, DM_PCPU_ID_LIMIT, &id)) {
			say(err, err_size, "--cpu_affinity '%s': '%s' is not a pCPU id (0-%d)",
			    text, tok, DM_PCPU_ID_LIMIT - 1);
			return -1;
		}
		if (id == 0) {
			say(err, err_size,
			    "--cpu_affinity '%s': pCPU 0 is the boot CPU and cannot be given up",
			    text);
			return -1;
		}
		if (m & (1ull << id)) {
			say(err, err_size, "--cpu_affinity '%s': pCPU %" PRIu64 " named twice",
			    text, id);
			return -1;
		}
		m |= 1ull << id;
		if (++count > DM_VCPUS_MAX) {
			say(err, err_size, "--cpu_affinity '%s': at most %d pCPUs", text,
			    DM_VCPUS_MAX);
			return -1;
		}
	}
	if (!m || strstr(text, ",,")) {
		say(err, err_size, "--cpu_affinity '%s': expected pCPU ids like 2 or 1,3", text);
		return -1;
	}
	*mask = m;
	return 0;
}

static int check_vm_name(const char *name, char *err, size_t err_size)
{
	size_t len = strlen(name);

	if (len == 0 || len > DM_VM_NAME_MAX) {
		say(err, err_size, "VM name '%s': 1 to %d characters", name, DM_VM_NAME_MAX);
		return -1;
	}
	for (const char *p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-') {
			say(err, err_size, "VM name '%s': only A-Z a-z 0-9 . _ - may be used",
			    name);
			return -1;
		}
	}
	return 0;
}

static int check_memsize(const char *text, uint64_t *bytes, char *err, size_t err_size)
{
	if (dm_parse_memsize(text, bytes)) {
		say(err, err_size, "-m '%s': expected a size like 16M or 1G", text);
		return -1;
	}
	if (*bytes == 0 || *bytes % DM_MEM_ALIGN) {
		say(err, err_size, "-m '%s': must be a non-zero multiple of 2 MiB", text);
		return -1;
	}
	if (*bytes > DM_MEM_MAX) {
		say(err, err_size, "-m '%s': at most 3G in this version", text);
		return -1;
	}
	return 0;
}

/* "<slot>[:<func>]" into s; 0 or -1. */
static int parse_bdf(const char *text, struct dm_pci_slot *s)
{
	char slot[8] = "", *colon;
	uint64_t v;

	if (strlen(text) >= sizeof(slot))
		return -1;
	strcpy(slot, text);
	colon = strchr(slot, ':');
	if (colon) {
		*colon = '\0';
		if (parse_decimal(colon + 1, 8, &v))
			return -1;
		s->func = (uint8_t)v;
	}
	if (parse_decimal(slot, 32, &v))
		return -1;
	s->slot = (uint8_t)v;
	return 0;
}

/* -s <slot>[:<func>],<type>[,<options>] (acrn-dm's); whether the type exists is devices.c's. */
int dm_parse_pci_slot(const char *arg, struct dm_pci_slot *s, char *err, size_t err_size)
{
	const char *comma = strchr(arg, ','), *opts;
	char bdf[8];
	size_t type_len;

	memset(s, 0, sizeof(*s));
	if (!comma || comma[1] == '\0' || comma[1] == ',') {
		say(err, err_size, "-s '%s': expected <slot>[:<func>],<device>[,<options>]", arg);
		return -1;
	}
	if ((size_t)(comma - arg) >= sizeof(bdf) ||
	    (memcpy(bdf, arg, (size_t)(comma - arg)), bdf[comma - arg] = '\0', parse_bdf(bdf, s))) {
		say(err, err_size, "-s '%s': slot 0-31, function 0-7 (like 3 or 0:0)", arg);
		return -1;
	}
	opts = strchr(comma + 1, ',');
	type_len = opts ? (size_t)(opts - comma - 1) : strlen(comma + 1);
	if (type_len >= sizeof(s->type) || (opts && strlen(opts + 1) >= sizeof(s->options))) {
		say(err, err_size, "-s '%s': device name or options too long", arg);
		return -1;
	}
	memcpy(s->type, comma + 1, type_len);
	if (opts)
		strcpy(s->options, opts + 1);
	return 0;
}

static int parse_pci_slot(const char *arg, struct dm_config *cfg, char *err, size_t err_size)
{
	struct dm_pci_slot *s = &cfg->pci_slots[cfg->npci_slots];

	if (cfg->npci_slots == DM_PCI_SLOTS_MAX) {
		say(err, err_size, "-s: at most %d devices", DM_PCI_SLOTS_MAX);
		return -1;
	}
	if (dm_parse_pci_slot(arg, s, err, err_size))
		return -1;
	for (unsigned int i = 0; i < cfg->npci_slots; i++) {
		if (cfg->pci_slots[i].slot == s->slot && cfg->pci_slots[i].func == s->func) {
			say(err, err_size, "-s '%s': slot %u:%u is already taken", arg, s->slot,
			    s->func);
			return -1;
		}
	}
	cfg->npci_slots++;
	return 0;
}

/* One guest image: an ELF (-E, start info up to 255 bytes) or a bzImage (-k, with -r). */
static int check_image(const struct dm_config *cfg, char *err, size_t err_size)
{
	if (!cfg->elf_file && !cfg->kernel) {
		say(err, err_size, "no guest image: -E <elf file> or -k <bzImage> is required");
		return -1;
	}
	if (cfg->elf_file && cfg->kernel) {
		say(err, err_size, "-E and -k both name a guest image: give one");
		return -1;
	}
	if (cfg->ramdisk && !cfg->kernel) {
		say(err, err_size, "-r needs a Linux kernel (-k)");
		return -1;
	}
	if (cfg->elf_file && cfg->bootargs && strlen(cfg->bootargs) > DM_BOOTARGS_MAX) {
		say(err, err_size, "-B: at most %d bytes for an ELF guest's start info",
		    DM_BOOTARGS_MAX);
		return -1;
	}
	return 0;
}

/* One option; 0, or -1 with err set. */
static int take_option(int opt, const char *arg, const char *word, struct dm_config *cfg, char *err,
		       size_t err_size)
{
	switch (opt) {
	case 'm':
		return check_memsize(arg, &cfg->mem_size, err, err_size);
	case OPT_CPU_AFFINITY:
		return dm_parse_cpu_list(arg, &cfg->cpu_affinity, err, err_size);
	case 'E':
		cfg->elf_file = arg;
		return 0;
	case 'k':
		cfg->kernel = arg;
		return 0;
	case 'r':
		cfg->ramdisk = arg;
		return 0;
	case 'l':
		if (strcmp(arg, "com1,stdio") != 0) {
			say(err, err_size, "-l '%s': only com1,stdio is supported", arg);
			return -1;
		}
		cfg->com1_stdio = true;
		return 0;
	case 'B':
		if (strlen(arg) > DM_LINUX_ARGS_MAX) {
			say(err, err_size, "-B: at most %d bytes", DM_LINUX_ARGS_MAX);
			return -1;
		}
		cfg->bootargs = arg;
		return 0;
	case 's':
		return parse_pci_slot(arg, cfg, err, err_size);
	case OPT_VIRTIO_IRQFD:
		cfg->virtio_irqfd = true;
		return 0;
	case OPT_CRASH_POLICY:
		if (strcmp(arg, "exit") && strcmp(arg, "restart")) {
			say(err, err_size, "--crash_policy '%s': exit or restart", arg);
			return -1;
		}
		cfg->crash_restart = !strcmp(arg, "restart");
		return 0;
	case OPT_IOREQ_POLLING:
		cfg->ioreq_polling = true;
		return 0;
	case OPT_NO_PV_IPI:
		cfg->no_pv_ipi = true;
		return 0;
	case OPT_X2APIC:
		cfg->x2apic = true;
		return 0;
	case OPT_IOREQ_EXITLESS: {
		char *end;
		long cpu = arg ? strtol(arg, &end, 10) : -1;

		if (arg && (!isdigit((unsigned char)arg[0]) || *end || cpu > 63)) {
			say(err, err_size, "--ioreq_exitless=%s: a Service VM CPU number (0-63)",
			    arg);
			return -1;
		}
		cfg->ioreq_exitless = true;
		cfg->exitless_cpu = (int)cpu;
		return 0;
	}
	case OPT_TESTDEV_CLIENTS:
		cfg->testdev_clients = true;
		cfg->testdev = true;
		return 0;
	case OPT_TESTDEV:
		cfg->testdev = true;
		return 0;
	case OPT_DEBUGEXIT:
		cfg->debugexit = true;
		return 0;
	case 'h':
		cfg->help = true;
		return 0;
	case ':':
		say(err, err_size, "option '%s' needs a value", word);
		return -1;
	default:
		say(err, err_size, "unknown option '%s' (see --help)", word);
		return -1;
	}
}

int dm_options_parse(int argc, char **argv, struct dm_config *cfg, char *err, size_t err_size)
{
	int opt;

	*cfg = (struct dm_config){ .mem_size = DM_MEM_DEFAULT, .exitless_cpu = -1 };
	err[0] = '\0';
	optind = 0; /* GNU getopt: start over (the unit tests parse more than once) */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "?";

		if (take_option(opt, optarg, word, cfg, err, err_size))
			return -1;
	}
	if (cfg->help)
		return 0;
	if (optind >= argc) {
		say(err, err_size, "no VM name given (see --help)");
		return -1;
	}
	if (argc - optind > 1) {
		say(err, err_size, "one VM name expected, got '%s' and '%s'", argv[optind],
		    argv[optind + 1]);
		return -1;
	}
	cfg->vm_name = argv[optind];
	if (check_vm_name(cfg->vm_name, err, err_size))
		return -1;
	if (check_image(cfg, err, err_size))
		return -1;
	if (!cfg->cpu_affinity) {
		say(err, err_size, "no pCPU: --cpu_affinity <list> is required");
		return -1;
	}
	if (cfg->ioreq_exitless && cfg->testdev_clients) {
		say(err, err_size,
		    "--ioreq_exitless serves every request in cairn-dm: no range clients "
		    "(--testdev_clients)");
		return -1;
	}
	if (cfg->ioreq_exitless && cfg->exitless_cpu >= 0 &&
	    (cfg->cpu_affinity >> cfg->exitless_cpu) & 1) {
		say(err, err_size,
		    "--ioreq_exitless=%d: CPU %d is given to the VM (--cpu_affinity)",
		    cfg->exitless_cpu, cfg->exitless_cpu);
		return -1;
	}
	return 0;
}
