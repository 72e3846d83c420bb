/* SPDX-License-Identifier: BSD-3-Clause */
/* kvm-pio: the KVM peer of the I/O request benchmark; a real-mode guest's OUT/IN loop answered here. */
/*
 * Usage: kvm-pio [ROUNDS]   (default 100000; run inside a Linux with kvm_amd or kvm_intel loaded)
 *
 * One VM, one 64 KiB memory slot at GPA 0, one vCPU in real mode at 0x1000, no in-kernel irqchip:
 * every OUT and IN to BENCH_PORT exits to this program (KVM_EXIT_IO). Each round the guest writes
 * the low byte of its loop counter and reads a byte back; this program checks the byte written
 * and answers the read with its complement, which the guest checks. The guest reads the TSC
 * before and after the loop and halts; the totals come from its registers at the HLT exit, the
 * VM exits from the vCPU's binary statistics (KVM_GET_STATS_FD), wall time from CLOCK_MONOTONIC
 * around the KVM_RUN loop. The last line is machine-readable (bench/ioreq-roundtrip reads it).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BENCH_PORT     0x510
#define GUEST_MEM_SIZE 0x10000
#define GUEST_ENTRY    0x1000
#define DEFAULT_ROUNDS 100000
#define MAX_ROUNDS     0xFFFFFFFFull /* the guest's counter is ECX */

/*
 * The guest, 16-bit code: ECX = rounds (set by the VMM), EBX counts wrong answers.
 * EDI:ESI = TSC at the start, EDX:EAX = TSC at the end (read back at the HLT exit).
 */
asm(".pushsection .rodata\n"
    ".globl kvm_pio_guest, kvm_pio_guest_end\n"
    "kvm_pio_guest:\n"
    ".code16\n"
    "	rdtsc\n"
    "	movl %eax, %esi\n"
    "	movl %edx, %edi\n"
    "	movw $0x510, %dx\n"
    "1:	movb %cl, %al\n"
    "	outb %al, %dx\n"
    "	inb %dx, %al\n"
    "	notb %al\n"
    "	cmpb %cl, %al\n"
    "	je 2f\n"
    "	incl %ebx\n"
    "2:	decl %ecx\n"
    "	jnz 1b\n"
    "	rdtsc\n"
    "	hlt\n"
    ".code64\n"
    "kvm_pio_guest_end:\n"
    ".popsection\n");
extern const unsigned char kvm_pio_guest[], kvm_pio_guest_end[];

static void die(const char *what)
{
	fprintf(stderr, "kvm-pio: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int kvm_ioctl(int fd, unsigned long request, unsigned long arg, const char *what)
{
	int r = ioctl(fd, request, arg);

	if (r < 0)
		die(what);
	return r;
}

/* Reads one u64 statistic by name from a vCPU's binary statistics; false when absent. */
static int vcpu_stat(int vcpu_fd, const char *name, uint64_t *value)
{
	struct kvm_stats_header h;
	int fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	int found = 0;

	if (fd < 0)
		return 0;
	if (pread(fd, &h, sizeof(h), 0) != sizeof(h) || h.name_size == 0 || h.name_size > 256 ||
	    h.num_desc > 4096)
		goto out;
	size_t desc_size = sizeof(struct kvm_stats_desc) + h.name_size;
	char *descs = malloc(desc_size * h.num_desc);
	if (!descs)
		goto out;
	if (pread(fd, descs, desc_size * h.num_desc, h.desc_offset) !=
	    (ssize_t)(desc_size * h.num_desc))
		goto out_free;
	for (uint32_t i = 0; i < h.num_desc && !found; i++) {
		struct kvm_stats_desc *d = (struct kvm_stats_desc *)(descs + i * desc_size);

		d->name[h.name_size - 1] = '\0';
		if (strcmp(d->name, name) || d->size != 1)
			continue;
		found = pread(fd, value, sizeof(*value), h.data_offset + d->offset) ==
			sizeof(*value);
	}
out_free:
	free(descs);
out:
	close(fd);
	return found;
}

static uint64_t ns_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t rounds = DEFAULT_ROUNDS, outs = 0, ins = 0, bad = 0;
	uint64_t exits = 0, io_exits = 0;
	char *end;

	if (argc > 2 || (argc == 2 && (rounds = strtoull(argv[1], &end, 10),
				       *end || !rounds || rounds > MAX_ROUNDS))) {
		fprintf(stderr, "usage: kvm-pio [ROUNDS (1..%llu)]\n", MAX_ROUNDS);
		return 2;
	}

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("open /dev/kvm");
	if (kvm_ioctl(kvm, KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION") != KVM_API_VERSION) {
		fprintf(stderr, "kvm-pio: unexpected KVM API version\n");
		return 1;
	}
	int vm = kvm_ioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");

	uint8_t *mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap guest memory");
	size_t code_size = (size_t)(kvm_pio_guest_end - kvm_pio_guest);
	memcpy(mem + GUEST_ENTRY, kvm_pio_guest, code_size);
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};
	kvm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, (unsigned long)&region,
		  "KVM_SET_USER_MEMORY_REGION");

	int vcpu = kvm_ioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	int run_size = kvm_ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run =
		mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");

	struct kvm_sregs sregs;
	kvm_ioctl(vcpu, KVM_GET_SREGS, (unsigned long)&sregs, "KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	kvm_ioctl(vcpu, KVM_SET_SREGS, (unsigned long)&sregs, "KVM_SET_SREGS");
	struct kvm_regs regs = { .rip = GUEST_ENTRY, .rflags = 0x2, .rcx = rounds };
	kvm_ioctl(vcpu, KVM_SET_REGS, (unsigned long)&regs, "KVM_SET_REGS");

	int tsc_khz = ioctl(vcpu, KVM_GET_TSC_KHZ, 0);
	uint8_t last_out = 0;
	uint64_t start = ns_now();
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO || run->io.port != BENCH_PORT ||
		    run->io.size != 1 || run->io.count != 1) {
			fprintf(stderr,
				"kvm-pio: unexpected exit %u (port 0x%x size %u count %u) at "
				"%" PRIu64 " requests\n",
				run->exit_reason, run->io.port, run->io.size, run->io.count,
				outs + ins);
			return 1;
		}
		uint8_t *data = (uint8_t *)run + run->io.data_offset;
		if (run->io.direction == KVM_EXIT_IO_OUT) {
			/* round i (from 0) writes the low byte of rounds - i */
			last_out = *data;
			if (last_out != (uint8_t)(rounds - outs))
				bad++;
			outs++;
		} else {
			*data = (uint8_t)~last_out;
			ins++;
		}
	}
	uint64_t wall = ns_now() - start;

	kvm_ioctl(vcpu, KVM_GET_REGS, (unsigned long)&regs, "KVM_GET_REGS");
	uint64_t t0 = (regs.rdi & 0xFFFFFFFFull) << 32 | (regs.rsi & 0xFFFFFFFFull);
	uint64_t t1 = (regs.rdx & 0xFFFFFFFFull) << 32 | (regs.rax & 0xFFFFFFFFull);
	uint64_t guest_bad = regs.rbx & 0xFFFFFFFFull;
	if (!vcpu_stat(vcpu, "exits", &exits) || !vcpu_stat(vcpu, "io_exits", &io_exits))
		fprintf(stderr, "kvm-pio: no exit statistics (KVM_GET_STATS_FD)\n");

	printf("kvm-pio: %" PRIu64 " round trips (%" PRIu64 " OUT, %" PRIu64 " IN), %" PRIu64
	       " guest cycles each, %" PRIu64 " ns wall each; %" PRIu64 " VM exits (io %" PRIu64
	       "); %" PRIu64 " wrong writes, %" PRIu64 " wrong reads\n",
	       rounds, outs, ins, (t1 - t0) / rounds, wall / rounds, exits, io_exits, bad,
	       guest_bad);
	printf("kvm-pio-result rounds=%" PRIu64 " requests=%" PRIu64 " cycles=%" PRIu64
	       " wall_ns=%" PRIu64 " exits=%" PRIu64 " io_exits=%" PRIu64 " tsc_khz=%d bad=%" PRIu64
	       "\n",
	       rounds, outs + ins, t1 - t0, wall, exits, io_exits, tsc_khz, bad + guest_bad);
	return (bad || guest_bad || outs != rounds || ins != rounds) ? 1 : 0;
}
