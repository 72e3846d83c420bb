// SPDX-License-Identifier: BSD-3-Clause
// A multiboot 2 kernel that prints the VMX capabilities on COM1, then echoes COM1 (test_bochs.py).
//
// GRUB enters it in 32-bit protected mode, paging off. It reads CPUID and the VMX capability
// MSRs, prints each raw and then one "vmx-probe: <feature> yes|no" line per feature a VMX
// backend cares about, enters VMX operation once (VMXON under a 4 MiB identity map, then
// VMXOFF) and then echoes every byte COM1 receives, so a test can check both directions of
// the serial line. Nothing here is part of the hypervisor.

typedef unsigned int u32;
typedef unsigned long long u64;

#define COM1 0x3f8

__asm__(".section .multiboot2, \"a\"\n"
	".align 8\n"
	"mb2_header:\n"
	".long 0xe85250d6, 0, mb2_header_end - mb2_header\n"
	".long -(0xe85250d6 + (mb2_header_end - mb2_header))\n"
	".short 0, 0\n" // end tag
	".long 8\n"
	"mb2_header_end:\n"
	".text\n"
	".globl _start\n"
	"_start:\n"
	"mov $probe_stack + 16384, %esp\n"
	"call probe_main\n"
	"1: cli; hlt; jmp 1b\n");

unsigned char probe_stack[16384] __attribute__((aligned(16)));

static unsigned char vmxon_region[4096] __attribute__((aligned(4096)));
static u32 page_dir[1024] __attribute__((aligned(4096)));

static inline void outb(unsigned short port, unsigned char v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline unsigned char inb(unsigned short port)
{
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		;
	outb(COM1, (unsigned char)c);
}

static void puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc('\r');
		putc(*s);
	}
}

static void puthex(u64 v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		putc("0123456789abcdef"[(v >> (4 * i)) & 0xf]);
}

static void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}

static u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)));
}

static void feature(const char *name, int yes)
{
	puts("vmx-probe: ");
	puts(name);
	puts(yes ? " yes\n" : " no\n");
}

static const struct {
	u32 msr;
	const char *name;
} msrs[] = {
	{ 0x03a, "IA32_FEATURE_CONTROL" },
	{ 0x480, "IA32_VMX_BASIC" },
	{ 0x481, "IA32_VMX_PINBASED_CTLS" },
	{ 0x482, "IA32_VMX_PROCBASED_CTLS" },
	{ 0x483, "IA32_VMX_EXIT_CTLS" },
	{ 0x484, "IA32_VMX_ENTRY_CTLS" },
	{ 0x485, "IA32_VMX_MISC" },
	{ 0x486, "IA32_VMX_CR0_FIXED0" },
	{ 0x487, "IA32_VMX_CR0_FIXED1" },
	{ 0x488, "IA32_VMX_CR4_FIXED0" },
	{ 0x489, "IA32_VMX_CR4_FIXED1" },
	{ 0x48a, "IA32_VMX_VMCS_ENUM" },
	{ 0x48b, "IA32_VMX_PROCBASED_CTLS2" },
	{ 0x48c, "IA32_VMX_EPT_VPID_CAP" },
	{ 0x48d, "IA32_VMX_TRUE_PINBASED_CTLS" },
	{ 0x48e, "IA32_VMX_TRUE_PROCBASED_CTLS" },
	{ 0x48f, "IA32_VMX_TRUE_EXIT_CTLS" },
	{ 0x490, "IA32_VMX_TRUE_ENTRY_CTLS" },
	{ 0x491, "IA32_VMX_VMFUNC" },
};

// VMXON needs CR0.PG (CR0_FIXED0 has PE, NE, PG), CR4.VMXE and a VMXON region that starts
// with the revision ID; a 4 MiB identity map (PSE) of the first 1 GiB is enough here.
static int try_vmxon(u32 revision)
{
	u32 cr0, cr4;
	unsigned char fail_c, fail_z;

	for (u32 i = 0; i < 256; i++)
		page_dir[i] = (i << 22) | 0x83; // present, writable, 4 MiB
	*(u32 *)vmxon_region = revision;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1u << 4) | (1u << 13); // PSE, VMXE
	__asm__ volatile("mov %0, %%cr3" : : "r"(page_dir));
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 |= (1u << 31) | (1u << 5); // PG, NE
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0));

	u64 pa = (u32)vmxon_region;
	__asm__ volatile("vmxon %2; setc %0; setz %1"
			 : "=q"(fail_c), "=q"(fail_z)
			 : "m"(pa)
			 : "cc", "memory");
	if (fail_c || fail_z)
		return 0;
	__asm__ volatile("vmxoff" : : : "cc");
	return 1;
}

void probe_main(void)
{
	u32 r[4], vendor[4];

	outb(COM1 + 1, 0x00); // no interrupts
	outb(COM1 + 3, 0x80);
	outb(COM1 + 0, 0x01); // 115200 baud
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); // 8N1
	outb(COM1 + 2, 0xc7);
	outb(COM1 + 4, 0x03);

	cpuid(0, 0, r);
	vendor[0] = r[1];
	vendor[1] = r[3];
	vendor[2] = r[2];
	vendor[3] = 0;
	puts("\nvmx-probe: vendor ");
	puts((const char *)vendor);
	cpuid(1, 0, r);
	puts(", CPUID 1 ECX ");
	puthex(r[2], 8);
	puts("\n");
	int vmx = (r[2] >> 5) & 1;
	feature("VMX (CPUID 1 ECX[5])", vmx);
	feature("x2APIC (CPUID 1 ECX[21])", (r[2] >> 21) & 1);
	feature("TSC deadline (CPUID 1 ECX[24])", (r[2] >> 24) & 1);
	if (!vmx) {
		puts("vmx-probe: done\n");
		goto echo;
	}

	// Each MSR only where the architecture says it exists: on a CPU without it RDMSR #GPs,
	// and with no IDT here that is a triple fault.
	u64 basic = rdmsr(0x480);
	int true_ctls = (basic >> 55) & 1;
	u32 proc = rdmsr(0x482) >> 32;
	int secondary = (proc >> 31) & 1;
	u32 proc2 = secondary ? (u32)(rdmsr(0x48b) >> 32) : 0;
	int ept_or_vpid = (proc2 >> 1) & 1 || (proc2 >> 5) & 1;
	int vmfunc = (proc2 >> 13) & 1;
	for (unsigned i = 0; i < sizeof(msrs) / sizeof(msrs[0]); i++) {
		u32 msr = msrs[i].msr;
		if ((msr == 0x48b && !secondary) || (msr == 0x48c && !ept_or_vpid) ||
		    (msr >= 0x48d && msr <= 0x490 && !true_ctls) || (msr == 0x491 && !vmfunc))
			continue;
		puts("vmx-probe: msr ");
		puthex(msr, 3);
		puts(" ");
		puthex(rdmsr(msr), 16);
		puts(" ");
		puts(msrs[i].name);
		puts("\n");
	}

	u32 pin = rdmsr(0x481) >> 32;
	u32 exits = rdmsr(0x483) >> 32, entry = rdmsr(0x484) >> 32;
	u64 misc = rdmsr(0x485);
	u64 cap = ept_or_vpid ? rdmsr(0x48c) : 0;

	feature("true controls (BASIC[55])", (basic >> 55) & 1);
	feature("external-interrupt exiting", pin & 1);
	feature("NMI exiting", (pin >> 3) & 1);
	feature("virtual NMIs", (pin >> 5) & 1);
	feature("preemption timer", (pin >> 6) & 1);
	feature("posted interrupts", (pin >> 7) & 1);
	feature("HLT exiting", (proc >> 7) & 1);
	feature("TPR shadow", (proc >> 21) & 1);
	feature("NMI-window exiting", (proc >> 22) & 1);
	feature("I/O bitmaps", (proc >> 25) & 1);
	feature("monitor trap flag", (proc >> 27) & 1);
	feature("MSR bitmaps", (proc >> 28) & 1);
	feature("secondary controls", secondary);
	feature("virtualize APIC accesses", proc2 & 1);
	feature("EPT", (proc2 >> 1) & 1);
	feature("descriptor-table exiting", (proc2 >> 2) & 1);
	feature("RDTSCP", (proc2 >> 3) & 1);
	feature("virtualize x2APIC mode", (proc2 >> 4) & 1);
	feature("VPID", (proc2 >> 5) & 1);
	feature("WBINVD exiting", (proc2 >> 6) & 1);
	feature("unrestricted guest", (proc2 >> 7) & 1);
	feature("APIC-register virtualization", (proc2 >> 8) & 1);
	feature("virtual-interrupt delivery", (proc2 >> 9) & 1);
	feature("PAUSE-loop exiting", (proc2 >> 10) & 1);
	feature("INVPCID", (proc2 >> 12) & 1);
	feature("VM functions", (proc2 >> 13) & 1);
	feature("VMCS shadowing", (proc2 >> 14) & 1);
	feature("PML", (proc2 >> 17) & 1);
	feature("EPT-violation #VE", (proc2 >> 18) & 1);
	feature("XSAVES", (proc2 >> 20) & 1);
	feature("TSC scaling", (proc2 >> 25) & 1);
	feature("exit: host address-space size", (exits >> 9) & 1);
	feature("exit: acknowledge interrupt", (exits >> 15) & 1);
	feature("exit: save/load PAT", ((exits >> 18) & 3) == 3);
	feature("exit: save/load EFER", ((exits >> 20) & 3) == 3);
	feature("exit: save preemption timer", (exits >> 22) & 1);
	feature("entry: IA-32e mode guest", (entry >> 9) & 1);
	feature("entry: load PAT", (entry >> 14) & 1);
	feature("entry: load EFER", (entry >> 15) & 1);
	feature("activity state HLT (MISC[6])", (misc >> 6) & 1);
	feature("EPT 4-level walk", (cap >> 6) & 1);
	feature("EPT write-back", (cap >> 14) & 1);
	feature("EPT 2 MiB pages", (cap >> 16) & 1);
	feature("EPT 1 GiB pages", (cap >> 17) & 1);
	feature("INVEPT", (cap >> 20) & 1);
	feature("EPT accessed/dirty", (cap >> 21) & 1);
	feature("INVEPT single-context", (cap >> 25) & 1);
	feature("INVEPT all-context", (cap >> 26) & 1);
	feature("INVVPID", (cap >> 32) & 1);
	feature("INVVPID single-context", (cap >> 41) & 1);
	feature("INVVPID all-context", (cap >> 42) & 1);

	u64 fc = rdmsr(0x3a);
	if (!(fc & 1)) // unlocked: enable VMX outside SMX and lock, as firmware would
		wrmsr(0x3a, fc | 1 | 4);
	feature("VMXON and VMXOFF", try_vmxon((u32)basic & 0x7fffffff));
	puts("vmx-probe: done\n");

echo:
	puts("vmx-probe: echo: ");
	for (;;) {
		if (inb(COM1 + 5) & 1)
			putc((char)inb(COM1));
	}
}
