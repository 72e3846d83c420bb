/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for cairn-dm's command line (dm/options.c): acrn-dm's names, defaults, every refusal. */
#include <stdarg.h>
#include <string.h>

#include "dm/options.h"
#include "harness.h"

static struct dm_config cfg;
static char err[256];

/* Parses a NULL-terminated list of words after "cairn-dm". */
static int parse(const char *first, ...)
{
	char *argv[32] = { "cairn-dm" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *w = first; w && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	return dm_options_parse(argc, argv, &cfg, err, sizeof(err));
}

TEST(the_issue_command_line_parses)
{
	ASSERT_EQ(parse("-m", "16M", "--cpu_affinity", "2", "-E", "/usr/lib/cairn/guests/hello.elf",
			"-l", "com1,stdio", "hello1", NULL),
		  0);
	EXPECT_EQ(cfg.mem_size, 16ull << 20);
	EXPECT_EQ(cfg.cpu_affinity, 1ull << 2);
	EXPECT_STREQ(cfg.elf_file, "/usr/lib/cairn/guests/hello.elf");
	EXPECT_TRUE(cfg.com1_stdio);
	EXPECT_STREQ(cfg.vm_name, "hello1");
	EXPECT_FALSE(cfg.ioreq_polling); /* notification is the default */
	EXPECT_FALSE(cfg.testdev);
	EXPECT_NULL(cfg.bootargs);
	EXPECT_STREQ(err, "");
}

TEST(long_names_and_the_name_first)
{
	ASSERT_EQ(parse("vm-2.a_b", "--memsize", "1G", "--cpu_affinity", "1,3", "--elf_file",
			"x.elf", "--lpc", "com1,stdio", "--bootargs", "n=5", "--ioreq_polling",
			NULL),
		  0);
	EXPECT_EQ(cfg.mem_size, 1ull << 30);
	EXPECT_EQ(cfg.cpu_affinity, (1ull << 1) | (1ull << 3));
	EXPECT_STREQ(cfg.bootargs, "n=5");
	EXPECT_TRUE(cfg.ioreq_polling);
	EXPECT_STREQ(cfg.vm_name, "vm-2.a_b");
}

TEST(no_pv_ipi_is_off_unless_asked)
{
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "t", NULL), 0);
	EXPECT_FALSE(cfg.no_pv_ipi);
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--no_pv_ipi", "t", NULL), 0);
	EXPECT_TRUE(cfg.no_pv_ipi);
	EXPECT_NE(parse("-E", "x", "--cpu_affinity", "2", "--no_pv_ipi=1", "t", NULL), 0);
}

TEST(x2apic_is_off_unless_asked)
{
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "t", NULL), 0);
	EXPECT_FALSE(cfg.x2apic);
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--x2apic", "t", NULL), 0);
	EXPECT_TRUE(cfg.x2apic);
}

TEST(testdev_clients_implies_testdev)
{
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--testdev_clients", "--debugexit", "t",
			NULL),
		  0);
	EXPECT_TRUE(cfg.testdev);
	EXPECT_TRUE(cfg.testdev_clients);
	EXPECT_TRUE(cfg.debugexit);
	EXPECT_EQ(cfg.mem_size, 16ull << 20); /* the default */
}

TEST(ioreq_exitless_with_and_without_a_cpu)
{
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "t", NULL), 0);
	EXPECT_FALSE(cfg.ioreq_exitless);
	EXPECT_EQ(cfg.exitless_cpu, -1);
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--ioreq_exitless", "t", NULL), 0);
	EXPECT_TRUE(cfg.ioreq_exitless);
	EXPECT_EQ(cfg.exitless_cpu, -1);
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--ioreq_exitless=1", "t", NULL), 0);
	EXPECT_EQ(cfg.exitless_cpu, 1);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--ioreq_exitless=2", "t", NULL), -1);
	EXPECT_TRUE(strstr(err, "given to the VM") != NULL);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--ioreq_exitless=64", "t", NULL), -1);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--ioreq_exitless=-1", "t", NULL), -1);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--ioreq_exitless=1x", "t", NULL), -1);
	EXPECT_TRUE(strstr(err, "Service VM CPU number") != NULL);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--ioreq_exitless", "--testdev_clients",
			"t", NULL),
		  -1);
	EXPECT_TRUE(strstr(err, "no range clients") != NULL);
}

TEST(help_needs_nothing_else)
{
	ASSERT_EQ(parse("--help", NULL), 0);
	EXPECT_TRUE(cfg.help);
	ASSERT_EQ(parse("-h", "--bogus-later-is-still-an-error", NULL), -1);
}

TEST(memsize_units)
{
	uint64_t b;

	EXPECT_EQ(dm_parse_memsize("16M", &b), 0);
	EXPECT_EQ(b, 16ull << 20);
	EXPECT_EQ(dm_parse_memsize("16m", &b), 0);
	EXPECT_EQ(b, 16ull << 20);
	EXPECT_EQ(dm_parse_memsize("2g", &b), 0);
	EXPECT_EQ(b, 2ull << 30);
	EXPECT_EQ(dm_parse_memsize("4096K", &b), 0);
	EXPECT_EQ(b, 4ull << 20);
	EXPECT_EQ(dm_parse_memsize("4194304B", &b), 0);
	EXPECT_EQ(b, 4ull << 20);
	EXPECT_EQ(dm_parse_memsize("32", &b), 0); /* no suffix: MiB */
	EXPECT_EQ(b, 32ull << 20);
	EXPECT_EQ(dm_parse_memsize("", &b), -1);
	EXPECT_EQ(dm_parse_memsize("M", &b), -1);
	EXPECT_EQ(dm_parse_memsize("-2M", &b), -1);
	EXPECT_EQ(dm_parse_memsize("2 M", &b), -1);
	EXPECT_EQ(dm_parse_memsize("0x10M", &b), -1);
	EXPECT_EQ(dm_parse_memsize("99999999999999999999G", &b), -1);
	EXPECT_EQ(dm_parse_memsize("17179869184G", &b), -1); /* 2^34 GiB wraps 64 bits */
}

TEST(memsize_refusals)
{
	EXPECT_EQ(parse("-m", "15M", "-E", "x", "--cpu_affinity", "2", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "multiple of 2 MiB") != NULL);
	EXPECT_EQ(parse("-m", "0", "-E", "x", "--cpu_affinity", "2", "v", NULL), -1);
	EXPECT_EQ(parse("-m", "4G", "-E", "x", "--cpu_affinity", "2", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "at most 3G") != NULL);
	EXPECT_EQ(parse("-m", "3G", "-E", "x", "--cpu_affinity", "2", "v", NULL), 0);
	EXPECT_EQ(parse("-m", "lots", "-E", "x", "--cpu_affinity", "2", "v", NULL), -1);
}

TEST(cpu_lists)
{
	uint64_t m;

	EXPECT_EQ(dm_parse_cpu_list("2", &m, err, sizeof(err)), 0);
	EXPECT_EQ(m, 4);
	EXPECT_EQ(dm_parse_cpu_list("63,1", &m, err, sizeof(err)), 0);
	EXPECT_EQ(m, (1ull << 63) | 2);
	EXPECT_EQ(dm_parse_cpu_list("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", &m, err, sizeof(err)),
		  0);
	EXPECT_EQ(m, 0x1FFFEull);
	EXPECT_EQ(dm_parse_cpu_list("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", &m, err,
				    sizeof(err)),
		  -1);
	EXPECT_TRUE(strstr(err, "at most 16") != NULL);
	EXPECT_EQ(dm_parse_cpu_list("0", &m, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "boot CPU") != NULL);
	EXPECT_EQ(dm_parse_cpu_list("2,2", &m, err, sizeof(err)), -1);
	EXPECT_TRUE(strstr(err, "twice") != NULL);
	EXPECT_EQ(dm_parse_cpu_list("64", &m, err, sizeof(err)), -1);
	EXPECT_EQ(dm_parse_cpu_list("", &m, err, sizeof(err)), -1);
	EXPECT_EQ(dm_parse_cpu_list("1,", &m, err, sizeof(err)), -1);
	EXPECT_EQ(dm_parse_cpu_list(",1", &m, err, sizeof(err)), -1);
	EXPECT_EQ(dm_parse_cpu_list("1,,2", &m, err, sizeof(err)), -1);
	EXPECT_EQ(dm_parse_cpu_list("1-3", &m, err, sizeof(err)), -1);
	EXPECT_EQ(dm_parse_cpu_list("+1", &m, err, sizeof(err)), -1);
	EXPECT_EQ(dm_parse_cpu_list("99999999999999999999999", &m, err, sizeof(err)), -1);
}

TEST(vm_names)
{
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "abcdefghijklmno", NULL), 0); /* 15 */
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "abcdefghijklmnop", NULL), -1);
	EXPECT_TRUE(strstr(err, "1 to 15") != NULL);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "", NULL), -1);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "a b", NULL), -1);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "a/b", NULL), -1);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "a", "b", NULL), -1);
	EXPECT_TRUE(strstr(err, "one VM name") != NULL);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", NULL), -1);
	EXPECT_TRUE(strstr(err, "no VM name") != NULL);
}

TEST(required_and_refused_options)
{
	EXPECT_EQ(parse("--cpu_affinity", "2", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "-E") != NULL);
	EXPECT_EQ(parse("-E", "x", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "--cpu_affinity") != NULL);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-l", "com2,stdio", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "com1,stdio") != NULL);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "--frobnicate", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "--frobnicate") != NULL);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-q", "v", NULL), -1);
	EXPECT_EQ(parse("-E", "x", "v", "--cpu_affinity", NULL), -1);
	EXPECT_TRUE(strstr(err, "needs a value") != NULL);
	EXPECT_TRUE(strchr(err, '\n') == NULL); /* one line */
}

TEST(bootargs_fit_the_start_info)
{
	char long_args[300];

	memset(long_args, 'a', 255);
	long_args[255] = '\0';
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-B", long_args, "v", NULL), 0);
	long_args[255] = 'a';
	long_args[256] = '\0';
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-B", long_args, "v", NULL), -1);
}

TEST(pci_slots_take_acrn_dm_s_syntax)
{
	ASSERT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-s", "0:0,hostbridge", "-s",
			"3,virtio-blk,/disk.img,ro", "-s", "4,virtio-net,tap=tap0", "-s",
			"5,virtio-console,@stdio:stdio_port", "--pci_slot", "6:2,virtio-rnd",
			"--virtio_irqfd", "v", NULL),
		  0);
	ASSERT_EQ(cfg.npci_slots, 5);
	EXPECT_EQ(cfg.pci_slots[0].slot, 0);
	EXPECT_STREQ(cfg.pci_slots[0].type, "hostbridge");
	EXPECT_STREQ(cfg.pci_slots[0].options, "");
	EXPECT_EQ(cfg.pci_slots[1].slot, 3);
	EXPECT_STREQ(cfg.pci_slots[1].type, "virtio-blk");
	EXPECT_STREQ(cfg.pci_slots[1].options, "/disk.img,ro");
	EXPECT_STREQ(cfg.pci_slots[2].options, "tap=tap0");
	EXPECT_STREQ(cfg.pci_slots[3].options, "@stdio:stdio_port");
	EXPECT_EQ(cfg.pci_slots[4].slot, 6);
	EXPECT_EQ(cfg.pci_slots[4].func, 2);
	EXPECT_STREQ(cfg.pci_slots[4].type, "virtio-rnd");
	EXPECT_TRUE(cfg.virtio_irqfd);
}

TEST(pci_slot_refusals)
{
	static const char *const bad[] = { "3",
					   "3,",
					   ",virtio-rnd",
					   "32,virtio-rnd",
					   "3:8,virtio-rnd",
					   "x,virtio-rnd",
					   "-1,virtio-rnd",
					   "3:,virtio-rnd",
					   "3,,ro",
					   "1234567,virtio-rnd" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-s", bad[i], "v", NULL), -1);
		EXPECT_TRUE(strstr(err, "-s") != NULL);
	}
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-s", "3,virtio-rnd", "-s",
			"3:0,virtio-blk,a", "v", NULL),
		  -1);
	EXPECT_TRUE(strstr(err, "already taken") != NULL);
}

TEST(linux_kernel_ramdisk_and_long_bootargs)
{
	char long_args[DM_LINUX_ARGS_MAX + 2];

	ASSERT_EQ(parse("-k", "/vmlinuz", "-r", "/initrd", "--cpu_affinity", "1,2", "-B",
			"console=ttyS0", "uvm", NULL),
		  0);
	EXPECT_STREQ(cfg.kernel, "/vmlinuz");
	EXPECT_STREQ(cfg.ramdisk, "/initrd");
	EXPECT_NULL(cfg.elf_file);
	ASSERT_EQ(parse("--kernel", "k", "--ramdisk", "r", "--cpu_affinity", "2", "u", NULL), 0);
	EXPECT_STREQ(cfg.kernel, "k");
	memset(long_args, 'a', DM_LINUX_ARGS_MAX);
	long_args[DM_LINUX_ARGS_MAX] = '\0';
	EXPECT_EQ(parse("-k", "k", "--cpu_affinity", "2", "-B", long_args, "v", NULL), 0);
	EXPECT_EQ(parse("-E", "x", "--cpu_affinity", "2", "-B", long_args, "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "255") != NULL);
	long_args[DM_LINUX_ARGS_MAX] = 'a';
	long_args[DM_LINUX_ARGS_MAX + 1] = '\0';
	EXPECT_EQ(parse("-k", "k", "--cpu_affinity", "2", "-B", long_args, "v", NULL), -1);
	EXPECT_EQ(parse("-k", "k", "-E", "x", "--cpu_affinity", "2", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "give one") != NULL);
	EXPECT_EQ(parse("-r", "r", "-E", "x", "--cpu_affinity", "2", "v", NULL), -1);
	EXPECT_TRUE(strstr(err, "-k") != NULL);
	EXPECT_EQ(parse("-r", "r", "--cpu_affinity", "2", "v", NULL), -1);
}
