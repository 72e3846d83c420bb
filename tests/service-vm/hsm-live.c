/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cairn-hsm-live: /dev/acrn_hsm on live User VMs (tests/integration/test_hsm.py): blocked
 * clients woken by destruction, memory from a hugetlb memfd, a hugetlbfs file and anonymous
 * memory (pinned, unpinned), ioeventfds signalled by a running guest's writes, an irqfd whose
 * eventfd write interrupts that guest, SET_IRQLINE through the virtual IOAPIC that guest programs,
 * CLEAR_VM_IOREQ, and each state's error codes.
 *
 * It gives pCPU 2 back as cairn-dm does (cpu2/online = 0, remove_cpu) and takes it back at the
 * end. Each check prints "cairn-hsm-live: <what>: ok" or "cairn-hsm-live: <what>: FAIL ...";
 * the last line is "cairn-hsm-live: done, N checks, M failed".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cairn/acrn_hsm.h"
#include "cairn/cairn_hsm.h"

#define PCPU	      2u
#define CPU_ONLINE    "/sys/devices/system/cpu/cpu2/online"
#define HUGE_DIR      "/sys/kernel/mm/hugepages/hugepages-2048kB/"
#define HUGETLBFS     "/dev/hugepages"
#define HUGETLBFS_MAG 0x958458f6
#define HUGE	      (2ul << 20)
#define MFD_HUGE_2M   (21u << 26)

/* The running guest (32-bit protected mode, paging off), at guest-physical addresses. */
#define G_CODE	      0x1000
#define G_GDT	      0x2000
#define G_IDT	      0x2400
#define G_STAGE	      0x3000 /* 1: started, 2: past the cleared read */
#define G_READ1	      0x3004 /* what the default client answered */
#define G_READ2	      0x3008 /* what CLEAR_VM_IOREQ answered */
#define G_IRQS	      0x300C /* interrupts taken at G_VECTOR */
#define G_CMD	      0x3010 /* vIOAPIC command: 1 write G_VAL to register G_REG, 2 read it; 0: done */
#define G_REG	      0x3014
#define G_VAL	      0x3018
#define G_APIC_ID     0x301C /* the guest's LAPIC ID register, bits 31:24 */
#define G_VECTOR      0x40
#define G_BELL	      0x41	    /* wakes the guest for a command; not counted */
#define PORT_MATCH    0x7000	    /* ioeventfd: 4 bytes, DATAMATCH 0x11 */
#define PORT_ANY      0x7004	    /* ioeventfd: 1 byte, any value */
#define PORT_READ     0x7008	    /* the default client answers 0x1234ABCD */
#define PORT_HOLD     0x700C	    /* the default client holds it; CLEAR_VM_IOREQ answers */
#define MMIO_MATCH    0xC0000000ull /* ioeventfd: 4 bytes, DATAMATCH 0x22 */
#define MMIO_ANY      0xC0000008ull /* ioeventfd: 4 bytes, any value */
#define READ1	      0x1234ABCDu
#define CMD_WRITE     1u
#define CMD_READ      2u
#define PIN	      5u /* the vIOAPIC pin driven */
#define IOAPIC_VER    0x00170011u
#define RTE_MASKED    (1u << 16)
#define RTE_LEVEL     (1u << 15)
#define RTE_LOW(pin)  (0x10u + 2 * (pin))
#define RTE_HIGH(pin) (0x11u + 2 * (pin))

/*
 * The guest: LAPIC on, its ID noted; writes to each ioeventfd (and one non-matching write, which
 * the ioeventfd's range swallows), a read the default client answers, a read it holds; then it
 * idles with interrupts on (sti; hlt), counting those at G_VECTOR. Each time it wakes it serves
 * the command at G_CMD, if any: one access to the vIOAPIC (IOREGSEL = G_REG, then IOWIN written
 * from or read into G_VAL), G_CMD cleared after.
 */
extern const unsigned char guest_start[], guest_irq[], guest_bell[], guest_end[];
__asm__(".pushsection .rodata\n"
	".code32\n"
	"guest_start:\n"
	"  movl $0x8000, %esp\n"
	"  movl $0xFEE000F0, %ebx\n"
	"  movl $0x1FF, %eax\n"
	"  movl %eax, (%ebx)\n" /* SVR: APIC software-enabled */
	"  movl 0xFEE00020, %eax\n"
	"  movl %eax, 0x301C\n" /* its LAPIC ID */
	"  movl $1, 0x3000\n"
	"  movw $0x7000, %dx\n"
	"  movl $0x11, %eax\n"
	"  outl %eax, %dx\n"
	"  movl $0x33, %eax\n"
	"  outl %eax, %dx\n"
	"  movw $0x7004, %dx\n"
	"  movb $0x5A, %al\n"
	"  outb %al, %dx\n"
	"  movl $0xC0000000, %ebx\n"
	"  movl $0x22, %eax\n"
	"  movl %eax, (%ebx)\n"
	"  movl $0xC0000008, %ebx\n"
	"  movl $0x44, %eax\n"
	"  movl %eax, (%ebx)\n"
	"  movw $0x7008, %dx\n"
	"  inl %dx, %eax\n"
	"  movl %eax, 0x3004\n"
	"  movw $0x700C, %dx\n"
	"  inl %dx, %eax\n"
	"  movl %eax, 0x3008\n"
	"  movl $2, 0x3000\n"
	"1: cli\n"
	"  movl 0x3010, %eax\n"
	"  testl %eax, %eax\n"
	"  jnz 2f\n"
	"  sti\n"
	"  hlt\n" /* after sti: no interrupt is taken between the test and the hlt */
	"  jmp 1b\n"
	"2: movl $0xFEC00000, %ebx\n"
	"  movl 0x3014, %ecx\n"
	"  movl %ecx, (%ebx)\n" /* IOREGSEL */
	"  cmpl $1, %eax\n"
	"  jne 3f\n"
	"  movl 0x3018, %ecx\n"
	"  movl %ecx, 0x10(%ebx)\n" /* IOWIN written */
	"  jmp 4f\n"
	"3: movl 0x10(%ebx), %ecx\n" /* IOWIN read */
	"  movl %ecx, 0x3018\n"
	"4: movl $0, 0x3010\n"
	"  jmp 1b\n"
	"guest_irq:\n"
	"  incl 0x300C\n"
	"guest_bell:\n"
	"  pushl %eax\n"
	"  pushl %ebx\n"
	"  movl $0xFEE000B0, %ebx\n"
	"  xorl %eax, %eax\n"
	"  movl %eax, (%ebx)\n" /* EOI */
	"  popl %ebx\n"
	"  popl %eax\n"
	"  iret\n"
	"guest_end:\n"
	".code64\n"
	".popsection\n");

static int checks, failures;

static void result(const char *what, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(const char *what, bool ok, const char *fmt, ...)
{
	char why[160] = "";
	va_list ap;

	checks++;
	if (!ok) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		failures++;
	}
	printf("cairn-hsm-live: %s: %s%s%s\n", what, ok ? "ok" : "FAIL", ok ? "" : " ", why);
	fflush(stdout);
}

/* An ioctl's outcome: 0 or the errno; `want` the same. */
static void expect(const char *what, int rc, int want)
{
	int got = rc < 0 ? errno : 0;

	result(what, got == want, "(got %d %s, want %d %s)", got, strerror(got), want,
	       strerror(want));
}

/* A sysfs write's outcome (0 or -errno) must be 0. */
static void expect_written(const char *what, int rc)
{
	result(what, rc == 0, "(%s)", strerror(-rc));
}

static void expect_true(const char *what, bool ok)
{
	result(what, ok, "%s", "");
}

static void msleep(unsigned int ms)
{
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000l },
		  NULL);
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		rc = -errno;
	close(fd);
	return rc;
}

static long read_number(const char *path)
{
	char buf[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static long huge_free(void)
{
	return read_number(HUGE_DIR "free_hugepages");
}

static long huge_total(void)
{
	return read_number(HUGE_DIR "nr_hugepages");
}

static unsigned int apic_id_of(unsigned int cpu)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];
	unsigned int v, id = cpu;
	bool mine = false;

	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "processor : %u", &v) == 1)
			mine = v == cpu;
		else if (mine && sscanf(line, "apicid : %u", &v) == 1)
			id = v;
	}
	if (f)
		fclose(f);
	return id;
}

static int open_hsm(void)
{
	int fd = open(ACRN_HSM_DEVICE, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("cairn-hsm-live: open " ACRN_HSM_DEVICE ": FAIL %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

static void *page_alloc(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("cairn-hsm-live: mmap");
		exit(1);
	}
	memset(p, 0, 4096);
	return p;
}

static int create_vm(int fd, void *page, const char *name, struct acrn_vm_creation *c)
{
	memset(c, 0, sizeof(*c));
	c->ioreq_buf = (uintptr_t)page;
	c->cpu_affinity = 1u << PCPU;
	strncpy((char *)c->uuid, name, sizeof(c->uuid) - 1);
	return ioctl(fd, ACRN_IOCTL_CREATE_VM, c);
}

static int memseg(int fd, unsigned long cmd, uint32_t type, uint64_t gpa, const void *hva,
		  uint64_t len)
{
	struct acrn_vm_memmap m = {
		.type = type,
		.attr = ACRN_MEM_ACCESS_READ | ACRN_MEM_ACCESS_WRITE | ACRN_MEM_ACCESS_EXEC,
		.user_vm_pa = gpa,
		.vma_base = (uintptr_t)hva,
		.len = len,
	};

	return ioctl(fd, cmd, &m);
}

/* 2 MiB of a hugetlb memfd, mapped shared and touched. */
static void *memfd_huge(int *mfd)
{
	void *p;

	*mfd = memfd_create("hsm-live", MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2M);
	if (*mfd < 0 || ftruncate(*mfd, HUGE) < 0)
		return NULL;
	p = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, *mfd, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, HUGE);
	return p;
}

/* --- Blocked callers --- */

struct waiter {
	pthread_t thread;
	int fd;
	unsigned long cmd;
	struct cairn_ioreq_fetch fetch;
	int err; /* errno of the ioctl (0: it succeeded) */
	bool done;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	int rc =
		ioctl(w->fd, w->cmd, w->cmd == CAIRN_IOCTL_CLIENT_FETCH ? (void *)&w->fetch : NULL);

	w->err = rc < 0 ? errno : 0;
	__atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* Starts a thread in `cmd`; true if it is still blocked 300 ms later. */
static bool waiter_start(struct waiter *w, int fd, unsigned long cmd, uint32_t client)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->cmd = cmd;
	w->fetch.id = client;
	if (pthread_create(&w->thread, NULL, waiter_main, w))
		return false;
	msleep(300);
	return !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE);
}

/* Waits up to 3 s for it to return; its errno, or -1 if it is still blocked (it is then left). */
static int waiter_end(struct waiter *w)
{
	for (int i = 0; i < 300 && !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE); i++)
		msleep(10);
	if (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
		return -1;
	pthread_join(w->thread, NULL);
	return w->err;
}

static void expect_woken(const char *what, struct waiter *w, int want)
{
	int got = waiter_end(w);

	result(what, got == want, "(got %d %s, want %d %s)", got,
	       got < 0 ? "still blocked" : strerror(got), want, strerror(want));
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int range_client(int fd, uint32_t type, uint64_t start, uint64_t end, uint32_t *id)
{
	struct cairn_ioreq_range_client c = { .type = type, .start = start, .end = end };
	int rc;

	strncpy(c.name, "live", sizeof(c.name) - 1);
	rc = ioctl(fd, CAIRN_IOCTL_CREATE_RANGE_CLIENT, &c);
	*id = c.id;
	return rc;
}

static void clients(int fd)
{
	struct waiter w;
	uint32_t id = 0;

	expect("create_ioreq_client", ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0), 0);
	expect("create_ioreq_client twice", ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0), EEXIST);
	expect_true("attach blocks with nothing to serve",
		    waiter_start(&w, fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0));
	pthread_kill(w.thread, SIGUSR1);
	expect_woken("a signal ends a blocked attach", &w, EINTR);
	expect_true("attach blocks again", waiter_start(&w, fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0));
	expect("destroy_ioreq_client", ioctl(fd, ACRN_IOCTL_DESTROY_IOREQ_CLIENT, 0), 0);
	expect_woken("destroy_ioreq_client wakes the attach", &w, ENODEV);
	expect("attach with no client", ioctl(fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0), ENODEV);
	expect("destroy_ioreq_client with none", ioctl(fd, ACRN_IOCTL_DESTROY_IOREQ_CLIENT, 0), 0);
	expect("create_ioreq_client after destroy", ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0),
	       0);

	expect("create_range_client", range_client(fd, ACRN_IOREQ_TYPE_PORTIO, 0x7000, 0x7007, &id),
	       0);
	expect_true("fetch blocks with nothing to serve",
		    waiter_start(&w, fd, CAIRN_IOCTL_CLIENT_FETCH, id));
	expect("destroy_range_client", ioctl(fd, CAIRN_IOCTL_DESTROY_RANGE_CLIENT, id), 0);
	expect_woken("destroy_range_client wakes the fetch", &w, ENODEV);
	expect("fetch on a destroyed client",
	       ioctl(fd, CAIRN_IOCTL_CLIENT_FETCH, &(struct cairn_ioreq_fetch){ .id = id }),
	       ENODEV);
	expect("destroy_range_client twice", ioctl(fd, CAIRN_IOCTL_DESTROY_RANGE_CLIENT, id),
	       ENODEV);
	expect("complete for no request",
	       ioctl(fd, CAIRN_IOCTL_CLIENT_COMPLETE, &(struct cairn_ioreq_complete){ .id = id }),
	       EINVAL);
	expect("range client with end < start",
	       range_client(fd, ACRN_IOREQ_TYPE_PORTIO, 0x7008, 0x7000, &id), EINVAL);
}

/* --- Argument checks of IOEVENTFD and IRQFD --- */

static int ioeventfd(int vmfd, int efd, uint32_t flags, uint64_t addr, uint32_t len, uint64_t data)
{
	struct acrn_ioeventfd a = {
		.fd = (uint32_t)efd, .flags = flags, .addr = addr, .len = len, .data = data
	};

	return ioctl(vmfd, ACRN_IOCTL_IOEVENTFD, &a);
}

static int irqfd(int vmfd, int efd, uint32_t flags, uint64_t addr, uint64_t data)
{
	struct acrn_irqfd a = { .fd = efd, .flags = flags };

	a.msi.msi_addr = addr;
	a.msi.msi_data = data;
	return ioctl(vmfd, ACRN_IOCTL_IRQFD, &a);
}

static void fd_checks(int fd)
{
	const uint32_t pio = ACRN_IOEVENTFD_FLAG_PIO, dm = ACRN_IOEVENTFD_FLAG_DATAMATCH;
	const uint32_t de = ACRN_IOEVENTFD_FLAG_DEASSIGN;
	int e1 = eventfd(0, EFD_CLOEXEC), e2 = eventfd(0, EFD_CLOEXEC);
	int notev = open("/dev/null", O_RDONLY | O_CLOEXEC);
	struct acrn_ioeventfd reserved = { .fd = (uint32_t)e1, .len = 4, .reserved = 1 };

	expect("ioeventfd len 3", ioeventfd(fd, e1, pio, 0x7000, 3, 0), EINVAL);
	expect("ioeventfd len 0", ioeventfd(fd, e1, pio, 0x7000, 0, 0), EINVAL);
	expect("ioeventfd len 16", ioeventfd(fd, e1, 0, 0xC0000000, 16, 0), EINVAL);
	expect("ioeventfd past 2^64", ioeventfd(fd, e1, 0, ~0ull - 1, 4, 0), EINVAL);
	expect("ioeventfd bad fd", ioeventfd(fd, -1, pio, 0x7000, 4, 0), EBADF);
	expect("ioeventfd not an eventfd", ioeventfd(fd, notev, pio, 0x7000, 4, 0), EINVAL);
	expect("ioeventfd reserved", ioctl(fd, ACRN_IOCTL_IOEVENTFD, &reserved), EINVAL);
	expect("ioeventfd pio datamatch", ioeventfd(fd, e1, pio | dm, 0x7000, 4, 0x11), 0);
	expect("ioeventfd same again", ioeventfd(fd, e1, pio | dm, 0x7000, 4, 0x11), EEXIST);
	expect("ioeventfd same address, any value", ioeventfd(fd, e1, pio, 0x7000, 4, 0), EEXIST);
	expect("ioeventfd same address, other value", ioeventfd(fd, e1, pio | dm, 0x7000, 4, 0x12),
	       0);
	expect("ioeventfd same address, other eventfd", ioeventfd(fd, e2, pio, 0x7000, 4, 0), 0);
	expect("ioeventfd mmio", ioeventfd(fd, e2, 0, 0xC0000000, 8, 0), 0);
	expect("ioeventfd mmio datamatch", ioeventfd(fd, e2, dm, 0xC0000010, 2, 7), 0);
	expect("ioeventfd deassign", ioeventfd(fd, e1, de, 0, 0, 0), 0);
	expect("ioeventfd deassign the other", ioeventfd(fd, e1, de, 0, 0, 0), 0);
	expect("ioeventfd deassign none left", ioeventfd(fd, e1, de, 0, 0, 0), 0);
	expect("ioeventfd deassign bad fd", ioeventfd(fd, -1, de, 0, 0, 0), EBADF);
	expect("ioeventfd pio datamatch again", ioeventfd(fd, e1, pio | dm, 0x7000, 4, 0x11), 0);

	expect("irqfd unknown flag", irqfd(fd, e1, 2, 0xFEE00000, 0x40), EINVAL);
	expect("irqfd bad fd", irqfd(fd, -1, 0, 0xFEE00000, 0x40), EBADF);
	expect("irqfd not an eventfd", irqfd(fd, notev, 0, 0xFEE00000, 0x40), EINVAL);
	expect("irqfd assign", irqfd(fd, e1, 0, 0xFEE00000, 0x40), 0);
	expect("irqfd same eventfd again", irqfd(fd, e1, 0, 0xFEE00000, 0x41), EBUSY);
	expect("irqfd a second eventfd", irqfd(fd, e2, 0, 0xFEE00000, 0x42), 0);
	expect("irqfd deassign", irqfd(fd, e1, ACRN_IRQFD_FLAG_DEASSIGN, 0, 0), 0);
	expect("irqfd deassign again", irqfd(fd, e1, ACRN_IRQFD_FLAG_DEASSIGN, 0, 0), 0);
	expect("irqfd reassign", irqfd(fd, e1, 0, 0xFEE00000, 0x40), 0);
	/* a signal to a VM that does not run: the hypervisor refuses the MSI, nothing breaks */
	expect_true("irqfd signalled before start", eventfd_write(e1, 1) == 0);
	/* e2 closed while assigned (its hangup forgets it), e1 and the ioeventfds left for destroy */
	close(e2);
	close(notev);
	msleep(100);
	close(e1);
}

/* --- Memory --- */

static int hugetlbfs_ready(void)
{
	struct statfs s;

	mkdir(HUGETLBFS, 0755);
	if (statfs(HUGETLBFS, &s) == 0 && (unsigned long)s.f_type == HUGETLBFS_MAG)
		return 0;
	return mount("none", HUGETLBFS, "hugetlbfs", 0, NULL) ? -errno : 0;
}

static void memory(int fd)
{
	const unsigned long set = ACRN_IOCTL_SET_MEMSEG, unset = ACRN_IOCTL_UNSET_MEMSEG;
	long free0 = huge_free(), free1;
	int mfd = -1, hfd = -1;
	void *mem = memfd_huge(&mfd), *file = MAP_FAILED, *anon, *ro, *gone;

	expect_true("hugetlb memfd of 2 MiB", mem != NULL);
	expect_true("hugetlbfs mounted at " HUGETLBFS, hugetlbfs_ready() == 0);
	hfd = open(HUGETLBFS "/hsm-live", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (hfd >= 0 && ftruncate(hfd, HUGE) == 0)
		file = mmap(NULL, HUGE, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
	expect_true("hugetlbfs file of 2 MiB mapped shared", file != MAP_FAILED);
	anon = mmap(NULL, 1ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 1ul << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone = mmap(NULL, 1ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 1ul << 20);
	if (!mem || file == MAP_FAILED || anon == MAP_FAILED || ro == MAP_FAILED)
		return;

	expect("set_memseg hugetlb memfd", memseg(fd, set, ACRN_MEMMAP_RAM, 0, mem, HUGE), 0);
	expect("set_memseg hugetlbfs file", memseg(fd, set, ACRN_MEMMAP_RAM, HUGE, file, HUGE), 0);
	expect_true("its page came from the pool", huge_free() == free0 - 2);
	expect("set_memseg anonymous memory",
	       memseg(fd, set, ACRN_MEMMAP_RAM, 2 * HUGE, anon, 1ul << 20), 0);
	expect("set_memseg overlapping", memseg(fd, set, ACRN_MEMMAP_RAM, HUGE + 4096, anon, 4096),
	       EEXIST);
	expect("set_memseg unaligned gpa", memseg(fd, set, ACRN_MEMMAP_RAM, 0x10000800, anon, 4096),
	       EINVAL);
	expect("set_memseg unaligned address",
	       memseg(fd, set, ACRN_MEMMAP_RAM, 0x10000000, (char *)anon + 8, 4096), EINVAL);
	expect("set_memseg length 0", memseg(fd, set, ACRN_MEMMAP_RAM, 0x10000000, anon, 0),
	       EINVAL);
	expect("set_memseg unknown type", memseg(fd, set, 7, 0x10000000, anon, 4096), EINVAL);
	expect("set_memseg unmapped memory",
	       memseg(fd, set, ACRN_MEMMAP_RAM, 0x10000000, gone, 1ul << 20), EFAULT);
	expect("set_memseg read-only memory",
	       memseg(fd, set, ACRN_MEMMAP_RAM, 0x10000000, ro, 1ul << 20), EFAULT);
	expect("unset_memseg of a different length",
	       memseg(fd, unset, ACRN_MEMMAP_RAM, HUGE, file, 4096), EINVAL);
	expect("unset_memseg where none is",
	       memseg(fd, unset, ACRN_MEMMAP_RAM, 0x10000000, file, HUGE), EINVAL);
	expect("unset_memseg hugetlbfs file", memseg(fd, unset, ACRN_MEMMAP_RAM, HUGE, file, HUGE),
	       0);
	expect("unset_memseg it again", memseg(fd, unset, ACRN_MEMMAP_RAM, HUGE, file, HUGE),
	       EINVAL);
	munmap(file, HUGE);
	close(hfd);
	unlink(HUGETLBFS "/hsm-live");
	free1 = huge_free();
	result("unset_memseg unpinned the file's page", free1 == free0 - 1, "(free %ld, want %ld)",
	       free1, free0 - 1);
	expect("set_memseg where one was unset",
	       memseg(fd, set, ACRN_MEMMAP_RAM, HUGE, anon, 1ul << 20), 0);
	/* The memfd unmapped and closed: its page stays pinned (the VM maps it) until DESTROY_VM. */
	munmap(mem, HUGE);
	close(mfd);
	munmap(anon, 1ul << 20);
	munmap(ro, 1ul << 20);
	free1 = huge_free();
	result("a mapped segment keeps its page pinned", free1 == free0 - 1, "(free %ld, want %ld)",
	       free1, free0 - 1);
}

/* --- The running guest: ioeventfds, the default client, CLEAR_VM_IOREQ, irqfd, states --- */

struct dm {
	int fd;
	struct acrn_io_request_buffer *page;
	int hold_seen, cleared, unexpected, served, err;
	uint64_t unexpected_addr;
	bool done;
};

static void *dm_main(void *arg)
{
	struct dm *d = arg;
	struct acrn_io_request *slot = &d->page->req_slot[0];

	for (;;) {
		struct acrn_io_request req;
		struct acrn_ioreq_notify n = { .vcpu = 0 };

		if (ioctl(d->fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0) < 0) {
			if (errno == EINTR)
				continue;
			d->err = errno;
			break;
		}
		if (__atomic_load_n(&slot->processed, __ATOMIC_ACQUIRE) !=
			    ACRN_IOREQ_STATE_PROCESSING ||
		    __atomic_load_n(&slot->kernel_handled, __ATOMIC_RELAXED))
			continue;
		memcpy(&req, slot, sizeof(req));
		if (req.type == ACRN_IOREQ_TYPE_PORTIO &&
		    req.reqs.pio_request.direction == ACRN_IOREQ_DIR_READ &&
		    req.reqs.pio_request.address == PORT_HOLD) {
			/* held: the main thread's CLEAR_VM_IOREQ answers it */
			__atomic_store_n(&d->hold_seen, 1, __ATOMIC_RELEASE);
			while (!__atomic_load_n(&d->cleared, __ATOMIC_ACQUIRE))
				msleep(10);
			continue;
		}
		if (req.type == ACRN_IOREQ_TYPE_PORTIO &&
		    req.reqs.pio_request.direction == ACRN_IOREQ_DIR_READ &&
		    req.reqs.pio_request.address == PORT_READ && req.reqs.pio_request.size == 4) {
			slot->reqs.pio_request.value = READ1;
			d->served++;
		} else {
			d->unexpected++;
			d->unexpected_addr = req.reqs.pio_request.address;
		}
		if (ioctl(d->fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH, &n) < 0)
			d->err = errno;
	}
	__atomic_store_n(&d->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* A 32-bit interrupt gate to the guest code at `at`, selector 0x10, present, DPL 0. */
static uint64_t gate(const unsigned char *at)
{
	uint32_t handler = G_CODE + (uint32_t)(at - guest_start);

	return (uint64_t)(handler & 0xFFFF) | (0x10ull << 16) | (0x8E00ull << 32) |
	       ((uint64_t)(handler >> 16) << 48);
}

static void write_guest(unsigned char *ram)
{
	uint64_t *gdt = (uint64_t *)(ram + G_GDT), *idt = (uint64_t *)(ram + G_IDT);

	memcpy(ram + G_CODE, guest_start, (size_t)(guest_end - guest_start));
	gdt[2] = 0x00CF9B000000FFFFull; /* 0x10: flat 32-bit code */
	gdt[3] = 0x00CF93000000FFFFull; /* 0x18: flat data */
	idt[G_VECTOR] = gate(guest_irq);
	idt[G_BELL] = gate(guest_bell);
}

static void regs32(struct acrn_vcpu_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->vcpu_regs.rip = G_CODE;
	r->vcpu_regs.cr0 = 1; /* PE, paging off */
	r->vcpu_regs.rflags = 2;
	r->vcpu_regs.cs_ar = 0xC09B;
	r->vcpu_regs.cs_limit = 0xFFFFFFFF;
	r->vcpu_regs.cs_sel = 0x10;
	r->vcpu_regs.ds_sel = r->vcpu_regs.ss_sel = r->vcpu_regs.es_sel = 0x18;
	r->vcpu_regs.fs_sel = r->vcpu_regs.gs_sel = 0x18;
	r->vcpu_regs.gdt.base = G_GDT;
	r->vcpu_regs.gdt.limit = 4 * 8 - 1;
	r->vcpu_regs.idt.base = G_IDT;
	r->vcpu_regs.idt.limit = (G_BELL + 1) * 8 - 1;
}

static bool wait_u32(volatile uint32_t *p, uint32_t want, unsigned int ms)
{
	for (unsigned int i = 0; i < ms / 10 && *p != want; i++)
		msleep(10);
	return *p == want;
}

static uint64_t count_of(int efd)
{
	eventfd_t v = 0;

	return eventfd_read(efd, &v) == 0 ? v : 0; /* non-blocking: 0 when never signalled */
}

/* --- SET_IRQLINE: the virtual IOAPIC the running guest programs --- */

struct guest {
	int fd;
	unsigned char *ram;
	uint64_t bell; /* the MSI address that reaches it */
};

/* One vIOAPIC register access made by the guest (the command, then the doorbell); true if done. */
static bool guest_ioapic(const struct guest *g, uint32_t cmd, uint32_t reg, uint32_t *val)
{
	volatile uint32_t *c = (volatile uint32_t *)(g->ram + G_CMD);
	volatile uint32_t *v = (volatile uint32_t *)(g->ram + G_VAL);

	*(volatile uint32_t *)(g->ram + G_REG) = reg;
	*v = cmd == CMD_WRITE ? *val : 0;
	__atomic_store_n(c, cmd, __ATOMIC_RELEASE);
	if (ioctl(g->fd, ACRN_IOCTL_INJECT_MSI,
		  &(struct acrn_msi_entry){ .msi_addr = g->bell, .msi_data = G_BELL }) < 0 ||
	    !wait_u32(c, 0, 3000))
		return false;
	if (cmd == CMD_READ)
		*val = *v;
	return true;
}

static bool ioapic_write(const struct guest *g, uint32_t reg, uint32_t value)
{
	return guest_ioapic(g, CMD_WRITE, reg, &value);
}

/* The register's value, or 0xDEADDEAD if the guest did not serve the read. */
static uint32_t ioapic_read(const struct guest *g, uint32_t reg)
{
	uint32_t v = 0;

	return guest_ioapic(g, CMD_READ, reg, &v) ? v : 0xDEADDEADu;
}

static int irqline(int fd, uint32_t gsi, uint32_t op)
{
	return ioctl(fd, ACRN_IOCTL_SET_IRQLINE, ((unsigned long)op << 32) | gsi);
}

/* The guest's count reaches `want` (3 s at most) and stays there (150 ms). */
static void expect_irqs(const char *what, volatile uint32_t *irqs, uint32_t want)
{
	wait_u32(irqs, want, 3000);
	msleep(150);
	result(what, *irqs == want, "(%u interrupts, want %u)", *irqs, want);
}

/* An irqline op must succeed and leave the guest's count at `want`. */
static void pin_op(const char *what, int fd, volatile uint32_t *irqs, uint32_t op, uint32_t want)
{
	int rc = irqline(fd, PIN, op);

	if (rc < 0) {
		result(what, false, "(set_irqline: %s)", strerror(errno));
		return;
	}
	expect_irqs(what, irqs, want);
}

static void vioapic_checks(int fd, unsigned char *ram, unsigned int apic_id, uint64_t msi_addr)
{
	const struct guest g = { .fd = fd, .ram = ram, .bell = msi_addr };
	volatile uint32_t *irqs = (volatile uint32_t *)(ram + G_IRQS);
	uint32_t guest_id = *(volatile uint32_t *)(ram + G_APIC_ID) >> 24;
	uint32_t lo = G_VECTOR, hi = apic_id << 24, n = *irqs, v, w;
	unsigned int other = apic_id_of(0);
	bool ok;

	result("the guest's LAPIC ID is pCPU 2's", guest_id == apic_id, "(%u, cpuinfo says %u)",
	       guest_id, apic_id);
	v = ioapic_read(&g, 1);
	result("the guest reads the vIOAPIC version", v == IOAPIC_VER, "(0x%x)", v);
	v = ioapic_read(&g, RTE_LOW(PIN));
	w = ioapic_read(&g, RTE_HIGH(PIN));
	result("pin 5's entry starts masked", v == RTE_MASKED && w == 0, "(0x%08x%08x)", w, v);
	ok = ioapic_write(&g, 0, 0x0A000000u);
	v = ioapic_read(&g, 0);
	w = ioapic_read(&g, 2);
	result("the vIOAPIC ID written reads back (and as arbitration)",
	       ok && v == 0x0A000000u && w == 0x0A000000u, "(ID 0x%x, arbitration 0x%x)", v, w);

	/* Pin 5: vector G_VECTOR, fixed, physical, edge, high; to the guest's APIC ID. */
	ok = ioapic_write(&g, RTE_HIGH(PIN), hi) && ioapic_write(&g, RTE_LOW(PIN), lo | RTE_MASKED);
	expect_true("the guest writes pin 5's entry, masked", ok);
	pin_op("raising_pulse on a masked pin: none", fd, irqs, ACRN_IRQLINE_OP_RAISING_PULSE, n);
	ok = ioapic_write(&g, RTE_LOW(PIN), lo);
	v = ioapic_read(&g, RTE_LOW(PIN));
	w = ioapic_read(&g, RTE_HIGH(PIN));
	result("the guest unmasks it and reads its entry back", ok && v == lo && w == hi,
	       "(0x%08x%08x, want 0x%08x%08x)", w, v, hi, lo);
	pin_op("raising_pulse: one interrupt", fd, irqs, ACRN_IRQLINE_OP_RAISING_PULSE, n + 1);
	pin_op("raising_pulse again: one more", fd, irqs, ACRN_IRQLINE_OP_RAISING_PULSE, n + 2);
	pin_op("set_high from low: one", fd, irqs, ACRN_IRQLINE_OP_SET_HIGH, n + 3);
	pin_op("set_high while high: none", fd, irqs, ACRN_IRQLINE_OP_SET_HIGH, n + 3);
	pin_op("set_low: none", fd, irqs, ACRN_IRQLINE_OP_SET_LOW, n + 3);
	pin_op("falling_pulse from low: one (its rise)", fd, irqs, ACRN_IRQLINE_OP_FALLING_PULSE,
	       n + 4);
	pin_op("falling_pulse from high: one", fd, irqs, ACRN_IRQLINE_OP_FALLING_PULSE, n + 5);
	pin_op("set_low after it: none", fd, irqs, ACRN_IRQLINE_OP_SET_LOW, n + 5);

	/* Masked, the rising edge is lost: unmasking with the line high sends nothing. */
	expect_true("the guest masks pin 5", ioapic_write(&g, RTE_LOW(PIN), lo | RTE_MASKED));
	pin_op("set_high while masked: none", fd, irqs, ACRN_IRQLINE_OP_SET_HIGH, n + 5);
	expect_true("the guest unmasks pin 5", ioapic_write(&g, RTE_LOW(PIN), lo));
	expect_irqs("unmasked with the line high: none (the edge was lost)", irqs, n + 5);
	pin_op("set_low: none", fd, irqs, ACRN_IRQLINE_OP_SET_LOW, n + 5);
	pin_op("set_high after the unmask: one", fd, irqs, ACRN_IRQLINE_OP_SET_HIGH, n + 6);
	pin_op("set_low: none", fd, irqs, ACRN_IRQLINE_OP_SET_LOW, n + 6);

	/* A pin nobody programmed (masked since creation). */
	expect("raising_pulse on pin 6", irqline(fd, 6, ACRN_IRQLINE_OP_RAISING_PULSE), 0);
	expect_irqs("pin 6, never unmasked: none", irqs, n + 6);

	/* Routed to an APIC ID the VM does not own (the Service VM's CPU 0): dropped. */
	expect_true("the guest routes pin 5 to the Service VM's CPU 0",
		    other != apic_id && ioapic_write(&g, RTE_HIGH(PIN), other << 24));
	pin_op("raising_pulse to an APIC ID not the VM's: none", fd, irqs,
	       ACRN_IRQLINE_OP_RAISING_PULSE, n + 6);
	expect_true("the guest routes pin 5 to itself again", ioapic_write(&g, RTE_HIGH(PIN), hi));
	pin_op("raising_pulse routed back: one", fd, irqs, ACRN_IRQLINE_OP_RAISING_PULSE, n + 7);

	/* Level-triggered: each set-high delivers, high before or not. */
	expect_true("the guest makes pin 5 level-triggered",
		    ioapic_write(&g, RTE_LOW(PIN), lo | RTE_LEVEL));
	pin_op("level: set_high, one", fd, irqs, ACRN_IRQLINE_OP_SET_HIGH, n + 8);
	pin_op("level: set_high while high, one more", fd, irqs, ACRN_IRQLINE_OP_SET_HIGH, n + 9);
	pin_op("level: set_low, none", fd, irqs, ACRN_IRQLINE_OP_SET_LOW, n + 9);
	expect_true("the guest masks pin 5 again", ioapic_write(&g, RTE_LOW(PIN), lo | RTE_MASKED));

	expect("set_irqline gsi 24 (running VM)", irqline(fd, 24, ACRN_IRQLINE_OP_SET_HIGH),
	       EINVAL);
	expect("set_irqline gsi 0xFFFFFFFF", irqline(fd, 0xFFFFFFFFu, ACRN_IRQLINE_OP_SET_HIGH),
	       EINVAL);
	expect("set_irqline op 4 (running VM)", irqline(fd, PIN, 4), EINVAL);
	expect("set_irqline op 0xFFFFFFFF", irqline(fd, PIN, 0xFFFFFFFFu), EINVAL);
	expect("set_irqline gsi 23", irqline(fd, 23, ACRN_IRQLINE_OP_SET_LOW), 0);
	expect_irqs("after the refused calls: none", irqs, n + 9);
}

static void running_guest(unsigned int apic_id)
{
	const uint32_t pio = ACRN_IOEVENTFD_FLAG_PIO, dm = ACRN_IOEVENTFD_FLAG_DATAMATCH;
	struct acrn_vm_creation c;
	struct acrn_vcpu_regs regs;
	struct dm d = { 0 };
	pthread_t thread;
	int efd[5], mfd = -1, fd = open_hsm();
	unsigned char *ram = memfd_huge(&mfd);
	volatile uint32_t *stage, *irqs;
	uint64_t msi_addr = 0xFEE00000ull | ((uint64_t)apic_id << 12);
	long free0 = huge_free();
	void *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	d.fd = fd;
	d.page = page_alloc();
	for (int i = 0; i < 5; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!ram || two == MAP_FAILED) {
		expect_true("guest RAM from a hugetlb memfd, two anonymous pages", false);
		return;
	}
	stage = (volatile uint32_t *)(ram + G_STAGE);
	irqs = (volatile uint32_t *)(ram + G_IRQS);
	write_guest(ram);
	expect("create_vm for the guest", create_vm(fd, d.page, "hsmlive2", &c), 0);
	expect("set_memseg its RAM",
	       memseg(fd, ACRN_IOCTL_SET_MEMSEG, ACRN_MEMMAP_RAM, 0, ram, HUGE), 0);
	/* Nothing may be mapped over the vIOAPIC's page (the hypervisor emulates it). */
	expect("set_memseg over the vIOAPIC page",
	       memseg(fd, ACRN_IOCTL_SET_MEMSEG, ACRN_MEMMAP_RAM, 0xFEC00000ull, two, 4096),
	       EEXIST);
	expect("set_memseg across the vIOAPIC page's start",
	       memseg(fd, ACRN_IOCTL_SET_MEMSEG, ACRN_MEMMAP_RAM, 0xFEBFF000ull, two, 8192),
	       EEXIST);
	munmap(two, 8192);
	expect("ioeventfd pio 0x7000/4 data 0x11",
	       ioeventfd(fd, efd[0], pio | dm, PORT_MATCH, 4, 0x11), 0);
	expect("ioeventfd pio 0x7004/1 any", ioeventfd(fd, efd[1], pio, PORT_ANY, 1, 0), 0);
	expect("ioeventfd mmio 0xC0000000/4 data 0x22",
	       ioeventfd(fd, efd[2], dm, MMIO_MATCH, 4, 0x22), 0);
	expect("ioeventfd mmio 0xC0000008/4 any", ioeventfd(fd, efd[3], 0, MMIO_ANY, 4, 0), 0);
	regs32(&regs);
	expect("set_vcpu_regs 32-bit", ioctl(fd, ACRN_IOCTL_SET_VCPU_REGS, &regs), 0);
	expect("create_ioreq_client", ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0), 0);
	if (pthread_create(&thread, NULL, dm_main, &d)) {
		expect_true("device model thread", false);
		close(fd);
		return;
	}
	expect("start_vm", ioctl(fd, ACRN_IOCTL_START_VM, 0), 0);
	expect_true("the guest runs", wait_u32(stage, 1, 5000));
	for (int i = 0; i < 500 && !__atomic_load_n(&d.hold_seen, __ATOMIC_ACQUIRE); i++)
		msleep(10);
	expect_true("the guest's read reaches the default client",
		    __atomic_load_n(&d.hold_seen, __ATOMIC_ACQUIRE));
	{
		uint64_t n0 = count_of(efd[0]), n1 = count_of(efd[1]), n2 = count_of(efd[2]),
			 n3 = count_of(efd[3]);

		result("pio write 0x11 signals the DATAMATCH ioeventfd (once: 0x33 does not)",
		       n0 == 1, "(count %llu)", (unsigned long long)n0);
		result("pio byte write signals the any-value ioeventfd", n1 == 1, "(count %llu)",
		       (unsigned long long)n1);
		result("mmio write 0x22 signals the DATAMATCH ioeventfd", n2 == 1, "(count %llu)",
		       (unsigned long long)n2);
		result("mmio write signals the any-value ioeventfd", n3 == 1, "(count %llu)",
		       (unsigned long long)n3);
	}
	result("the default client saw only its two reads", d.unexpected == 0 && d.served == 1,
	       "(served %d, unexpected %d, last at 0x%llx)", d.served, d.unexpected,
	       (unsigned long long)d.unexpected_addr);
	result("the guest read the default client's answer",
	       *(volatile uint32_t *)(ram + G_READ1) == READ1, "(0x%x)",
	       *(volatile uint32_t *)(ram + G_READ1));
	expect("notify_request_finish vcpu 1 (there is one)",
	       ioctl(fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH,
		     &(struct acrn_ioreq_notify){ .vcpu = 1 }),
	       EINVAL);
	expect("notify_request_finish reserved",
	       ioctl(fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH,
		     &(struct acrn_ioreq_notify){ .vcpu = 0, .reserved = 1 }),
	       EINVAL);
	expect_true("the held read keeps the guest waiting", *stage == 1);
	expect("clear_vm_ioreq", ioctl(fd, ACRN_IOCTL_CLEAR_VM_IOREQ, 0), 0);
	__atomic_store_n(&d.cleared, 1, __ATOMIC_RELEASE);
	expect_true("the guest goes on after the clear", wait_u32(stage, 2, 5000));
	result("the cleared read reads all-ones", *(volatile uint32_t *)(ram + G_READ2) == ~0u,
	       "(0x%x)", *(volatile uint32_t *)(ram + G_READ2));
	expect("notify_request_finish for the cleared request",
	       ioctl(fd, ACRN_IOCTL_NOTIFY_REQUEST_FINISH,
		     &(struct acrn_ioreq_notify){ .vcpu = 0 }),
	       EINVAL);
	expect("clear_vm_ioreq with nothing in flight", ioctl(fd, ACRN_IOCTL_CLEAR_VM_IOREQ, 0), 0);
	expect("start_vm while running", ioctl(fd, ACRN_IOCTL_START_VM, 0), EINVAL);
	expect("set_vcpu_regs while running", ioctl(fd, ACRN_IOCTL_SET_VCPU_REGS, &regs), EBUSY);

	/* Interrupts: INJECT_MSI, then an irqfd's eventfd write, each makes one HC_INJECT_MSI. */
	expect("inject_msi",
	       ioctl(fd, ACRN_IOCTL_INJECT_MSI,
		     &(struct acrn_msi_entry){ .msi_addr = msi_addr, .msi_data = G_VECTOR }),
	       0);
	result("the guest took the MSI", wait_u32(irqs, 1, 3000), "(%u interrupts)", *irqs);
	expect("inject_msi to no APIC",
	       ioctl(fd, ACRN_IOCTL_INJECT_MSI,
		     &(struct acrn_msi_entry){ .msi_addr = 0xFEE00000ull | (0xEEull << 12),
					       .msi_data = G_VECTOR }),
	       EINVAL);
	expect("irqfd assign", irqfd(fd, efd[4], 0, msi_addr, G_VECTOR), 0);
	eventfd_write(efd[4], 1);
	result("an irqfd write interrupts the guest", wait_u32(irqs, 2, 3000), "(%u interrupts)",
	       *irqs);
	eventfd_write(efd[4], 1);
	result("and again", wait_u32(irqs, 3, 3000), "(%u interrupts)", *irqs);
	expect("irqfd deassign", irqfd(fd, efd[4], ACRN_IRQFD_FLAG_DEASSIGN, 0, 0), 0);
	eventfd_write(efd[4], 1);
	msleep(300);
	result("a deassigned irqfd interrupts no more", *irqs == 3, "(%u interrupts)", *irqs);
	/* Its count is still non-zero (nobody reads it): a signal pending at assignment is
	 * delivered at once, as KVM and ACRN's HSM do; counted before the vIOAPIC checks start. */
	expect("irqfd assign for the destroy", irqfd(fd, efd[4], 0, msi_addr, G_VECTOR), 0);
	expect_irqs("an irqfd assigned with a signal pending delivers it once", irqs, 4);
	vioapic_checks(fd, ram, apic_id, msi_addr);

	/* States. */
	expect("pause_vm", ioctl(fd, ACRN_IOCTL_PAUSE_VM, 0), 0);
	expect("pause_vm while paused", ioctl(fd, ACRN_IOCTL_PAUSE_VM, 0), EINVAL);
	expect("start_vm resumes", ioctl(fd, ACRN_IOCTL_START_VM, 0), 0);
	expect("reset_vm", ioctl(fd, ACRN_IOCTL_RESET_VM, 0), 0);
	expect("reset_vm of a reset VM", ioctl(fd, ACRN_IOCTL_RESET_VM, 0), EINVAL);
	expect("start_vm after reset, before registers", ioctl(fd, ACRN_IOCTL_START_VM, 0), EINVAL);
	expect("pause_vm of a reset VM", ioctl(fd, ACRN_IOCTL_PAUSE_VM, 0), EINVAL);

	expect("destroy_vm", ioctl(fd, ACRN_IOCTL_DESTROY_VM, 0), 0);
	for (int i = 0; i < 300 && !__atomic_load_n(&d.done, __ATOMIC_ACQUIRE); i++)
		msleep(10);
	result("the device model's attach ends with ENODEV",
	       __atomic_load_n(&d.done, __ATOMIC_ACQUIRE) && d.err == ENODEV, "(done %d, errno %d)",
	       (int)d.done, d.err);
	if (__atomic_load_n(&d.done, __ATOMIC_ACQUIRE))
		pthread_join(thread, NULL);
	munmap(ram, HUGE);
	close(mfd);
	result("its RAM is unpinned after destroy_vm", huge_free() == free0 + 1,
	       "(free %ld, want %ld)", huge_free(), free0 + 1);
	for (int i = 0; i < 5; i++)
		close(efd[i]);
	close(fd);
}

/* --- The VM of one file: states, clients, memory, then destroyed with callers blocked --- */

static void one_file(void)
{
	struct acrn_vm_creation c, again;
	struct acrn_vcpu_regs regs;
	struct waiter attach, fetch;
	void *page = page_alloc();
	int fd = open_hsm(), mfd = -1;
	long free0 = huge_free();
	uint32_t id = 0;
	void *mem;

	expect("create_vm", create_vm(fd, page, "hsmlive1", &c), 0);
	result("create_vm writes back vmid and vcpu_num", c.vmid != 0xFFFF && c.vcpu_num == 1,
	       "(vmid %u, vcpu_num %u)", c.vmid, c.vcpu_num);
	expect("create_vm twice on one file", create_vm(fd, page, "hsmlive1b", &again), EEXIST);
	expect("start_vm before set_vcpu_regs", ioctl(fd, ACRN_IOCTL_START_VM, 0), EINVAL);
	expect("pause_vm before start", ioctl(fd, ACRN_IOCTL_PAUSE_VM, 0), EINVAL);
	expect("reset_vm before start", ioctl(fd, ACRN_IOCTL_RESET_VM, 0), EINVAL);
	expect("clear_vm_ioreq with nothing in flight", ioctl(fd, ACRN_IOCTL_CLEAR_VM_IOREQ, 0), 0);
	regs32(&regs);
	regs.vcpu_id = 1;
	expect("set_vcpu_regs of vCPU 1 (there is one)", ioctl(fd, ACRN_IOCTL_SET_VCPU_REGS, &regs),
	       EINVAL);
	regs32(&regs);
	regs.reserved[0] = 1;
	expect("set_vcpu_regs reserved", ioctl(fd, ACRN_IOCTL_SET_VCPU_REGS, &regs), EINVAL);
	expect("set_irqline op 4", ioctl(fd, ACRN_IOCTL_SET_IRQLINE, (4ul << 32) | 4), EINVAL);
	expect("set_irqline gsi 24", ioctl(fd, ACRN_IOCTL_SET_IRQLINE, 24ul), EINVAL);
	clients(fd);
	fd_checks(fd);
	memory(fd);

	/* Callers blocked in ATTACH and FETCH when the VM goes. */
	expect("create_range_client",
	       range_client(fd, ACRN_IOREQ_TYPE_MMIO, 0xC0000000, 0xC0000FFF, &id), 0);
	expect_true("attach blocks", waiter_start(&attach, fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0));
	expect_true("fetch blocks", waiter_start(&fetch, fd, CAIRN_IOCTL_CLIENT_FETCH, id));
	expect("destroy_vm", ioctl(fd, ACRN_IOCTL_DESTROY_VM, 0), 0);
	expect_woken("destroy_vm wakes the attach", &attach, ENODEV);
	expect_woken("destroy_vm wakes the fetch", &fetch, ENODEV);
	result("destroy_vm unpinned every page", huge_free() == free0, "(free %ld, want %ld)",
	       huge_free(), free0);
	expect("start_vm after destroy", ioctl(fd, ACRN_IOCTL_START_VM, 0), EINVAL);
	expect("attach after destroy", ioctl(fd, ACRN_IOCTL_ATTACH_IOREQ_CLIENT, 0), EINVAL);
	expect("clear_vm_ioreq after destroy", ioctl(fd, ACRN_IOCTL_CLEAR_VM_IOREQ, 0), EINVAL);
	expect("ioeventfd after destroy", ioeventfd(fd, 0, 0, 0xC0000000, 4, 0), EINVAL);
	expect("destroy_vm twice", ioctl(fd, ACRN_IOCTL_DESTROY_VM, 0), EINVAL);

	/* The file may make a VM again (as Linux's); closing it (no DESTROY_VM) frees everything. */
	expect("create_vm again on the same file", create_vm(fd, page, "hsmlive1c", &again), 0);
	mem = memfd_huge(&mfd);
	expect("set_memseg",
	       mem ? memseg(fd, ACRN_IOCTL_SET_MEMSEG, ACRN_MEMMAP_RAM, 0, mem, HUGE) : -1, 0);
	expect("create_ioreq_client", ioctl(fd, ACRN_IOCTL_CREATE_IOREQ_CLIENT, 0), 0);
	if (mem)
		munmap(mem, HUGE);
	if (mfd >= 0)
		close(mfd);
	result("its page is held while the VM lives", huge_free() == free0 - 1,
	       "(free %ld, want %ld)", huge_free(), free0 - 1);
	close(fd);
	result("close unpins it", huge_free() == free0, "(free %ld, want %ld)", huge_free(), free0);
	munmap(page, 4096);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 }; /* no SA_RESTART: ioctls see EINTR */
	long total0 = huge_total(), free0 = huge_free();
	unsigned int apic_id = apic_id_of(PCPU);
	char id[24];
	bool offlined = false;

	sigaction(SIGUSR1, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Four huge pages for the checks, given back at the end. */
	if (total0 < 0 || free0 < 0) {
		printf("cairn-hsm-live: no 2 MiB huge pages: FAIL\n");
		return 1;
	}
	if (free0 < 4) {
		snprintf(id, sizeof(id), "%ld", total0 + 4 - free0);
		write_text(HUGE_DIR "nr_hugepages", id);
	}
	expect_true("4 free huge pages", huge_free() >= 4);
	/* pCPU 2 given up, as cairn-dm does. */
	if (read_number(CPU_ONLINE) == 1) {
		expect_written("cpu2 offline", write_text(CPU_ONLINE, "0"));
		offlined = true;
	}
	snprintf(id, sizeof(id), "%u", PCPU);
	expect_written("remove_cpu 2", write_text(ACRN_HSM_REMOVE_CPU, id));

	one_file();
	/* one_file() closed a file with a VM on pCPU 2 in it: the HSM brings CPU 2 back online for
	 * that dead device model (a work item). Wait for it, then give the CPU up again, as a device
	 * model does before its CREATE_VM: otherwise the give-back races the next VM for pCPU 2. */
	for (int i = 0; i < 100 && read_number(CPU_ONLINE) != 1; i++)
		msleep(100);
	expect_true("the HSM brings cpu2 back online after the close",
		    read_number(CPU_ONLINE) == 1);
	expect_written("cpu2 offline again", write_text(CPU_ONLINE, "0"));
	expect_written("remove_cpu 2 again", write_text(ACRN_HSM_REMOVE_CPU, id));
	running_guest(apic_id);

	if (offlined) {
		int rc = -1;

		for (int i = 0; i < 10 && rc; i++) {
			rc = write_text(CPU_ONLINE, "1");
			if (rc)
				msleep(200);
		}
		expect_true("cpu2 back online", read_number(CPU_ONLINE) == 1);
	}
	if (free0 < 4) {
		snprintf(id, sizeof(id), "%ld", total0);
		write_text(HUGE_DIR "nr_hugepages", id);
	}
	result("huge pages back as they were", huge_total() == total0 && huge_free() == free0,
	       "(%ld/%ld, were %ld/%ld)", huge_free(), huge_total(), free0, total0);
	printf("cairn-hsm-live: done, %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
