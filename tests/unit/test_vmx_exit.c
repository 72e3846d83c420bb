/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the VMX exit decoder (arch/x86/vmx/vmx_exit.c) on recorded exit records. */
#include <string.h>

#include "harness.h"
#include "vmx_exit.h"

/* Values as the SDM lays them out, written out here rather than taken from vmx.h. */
#define ENTRY_FAILURE (1u << 31)
#define INFO_VALID    (1u << 31)
#define INFO_ERRCODE  (1u << 11)
#define TYPE_NMI      (2u << 8)
#define TYPE_HW_EXC   (3u << 8)
#define TYPE_SW_EXC   (6u << 8)
#define GUEST_RIP     0xFFFFFFFF81234560ULL

/* Decodes r into an exit first filled with garbage, so a field left unset shows. */
static struct vm_exit decode(const struct vmx_exit_record *r, uint64_t rcx)
{
	struct vcpu_regs regs;
	struct vm_exit exit;

	memset(&regs, 0x5A, sizeof(regs));
	regs.rcx = rcx;
	memset(&exit, 0xA5, sizeof(exit));
	vmx_decode_exit(r, &regs, &exit);
	return exit;
}

/* A record for an exit with this basic reason, its other fields as a real exit might leave them. */
static struct vmx_exit_record record(uint32_t exit_reason)
{
	return (struct vmx_exit_record){
		.exit_reason = exit_reason,
		.guest_rip = GUEST_RIP,
		.instruction_len = 2,
		.intr_error_code = 0xDEADBEEF, /* stale: only meaningful with intr_info bit 11 */
		.guest_physical = 0xBAD000,
	};
}

TEST(out_dx_al_to_com1)
{
	struct vmx_exit_record r = record(30);

	r.qualification = 0x03F8ULL << 16; /* byte, out, DX operand */
	r.instruction_len = 1;		   /* EE */
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_IO);
	EXPECT_EQ(e.vendor_code, 30);
	EXPECT_EQ(e.io.port, 0x3F8);
	EXPECT_EQ(e.io.size, 1);
	EXPECT_FALSE(e.io.in);
	EXPECT_FALSE(e.io.string);
	EXPECT_FALSE(e.io.rep);
	EXPECT_EQ(e.io.next_rip, GUEST_RIP + 1);
}

TEST(rep_insw_from_dx)
{
	struct vmx_exit_record r = record(30);

	r.qualification = (0x01F0ULL << 16) | 1 | (1 << 3) | (1 << 4) | (1 << 5);
	r.instruction_len = 3; /* F3 66 6D */
	struct vm_exit e = decode(&r, 0x200);
	EXPECT_EQ(e.reason, EXIT_IO);
	EXPECT_EQ(e.io.port, 0x1F0);
	EXPECT_EQ(e.io.size, 2);
	EXPECT_TRUE(e.io.in);
	EXPECT_TRUE(e.io.string);
	EXPECT_TRUE(e.io.rep);
	EXPECT_EQ(e.io.next_rip, GUEST_RIP + 3);
}

TEST(in_eax_from_immediate_port)
{
	struct vmx_exit_record r = record(30);

	r.qualification = (0x71ULL << 16) | 3 | (1 << 3) | (1 << 6); /* E5 71: dword, in, imm8 */
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_IO);
	EXPECT_EQ(e.io.port, 0x71);
	EXPECT_EQ(e.io.size, 4);
	EXPECT_TRUE(e.io.in);
	EXPECT_FALSE(e.io.string);
	EXPECT_EQ(e.io.next_rip, GUEST_RIP + 2);
}

TEST(rdmsr_apic_base_takes_the_index_from_ecx)
{
	struct vm_exit e =
		decode(&(struct vmx_exit_record){ .exit_reason = 31 }, 0xFFFFFFFF0000001BULL);

	EXPECT_EQ(e.reason, EXIT_MSR_READ);
	EXPECT_EQ(e.msr.index, 0x1B);
	EXPECT_EQ(e.vendor_code, 31);
}

TEST(wrmsr_efer)
{
	struct vm_exit e = decode(&(struct vmx_exit_record){ .exit_reason = 32 }, 0xC0000080);

	EXPECT_EQ(e.reason, EXIT_MSR_WRITE);
	EXPECT_EQ(e.msr.index, 0xC0000080);
}

TEST(ept_violation_write_to_a_present_read_only_page)
{
	struct vmx_exit_record r = record(48);

	/* Write access; the entries allowed read only; linear address valid, a translated access. */
	r.qualification = (1 << 1) | (1 << 3) | (1 << 7) | (1 << 8);
	r.guest_physical = 0xFED00040;
	r.guest_linear = 0xFFFFFFFFFF5FF040ULL;
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_MEM_FAULT);
	EXPECT_EQ(e.vendor_code, 48);
	EXPECT_EQ(e.mem.gpa, 0xFED00040);
	EXPECT_TRUE(e.mem.write);
	EXPECT_FALSE(e.mem.fetch);
	EXPECT_TRUE(e.mem.present);
}

TEST(ept_violation_fetch_from_an_unmapped_page)
{
	struct vmx_exit_record r = record(48);

	r.qualification = (1 << 2) | (1 << 7) | (1 << 8); /* fetch; the entry allowed nothing */
	r.guest_physical = 0x7FFFF123;
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_MEM_FAULT);
	EXPECT_EQ(e.mem.gpa, 0x7FFFF123);
	EXPECT_FALSE(e.mem.write);
	EXPECT_TRUE(e.mem.fetch);
	EXPECT_FALSE(e.mem.present);
}

TEST(ept_violation_during_an_event_delivery_says_which_event)
{
	struct vmx_exit_record r = record(48);

	/* INT3's push onto a stack in write-trapped memory: IDT-vectoring info valid, vector 3. */
	r.qualification = (1 << 1) | (1 << 3) | (1 << 7) | (1 << 8);
	r.guest_physical = 0xFEE003F8;
	r.idt_vectoring_info = INFO_VALID | TYPE_SW_EXC | 3;
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_MEM_FAULT);
	EXPECT_TRUE(e.delivering);
	EXPECT_EQ(e.delivering_vector, 3);
	r.idt_vectoring_info = TYPE_HW_EXC | 14; /* no valid bit: stale, no delivery */
	e = decode(&r, 0);
	EXPECT_FALSE(e.delivering);
	r.idt_vectoring_info = 0;
	e = decode(&r, 0);
	EXPECT_FALSE(e.delivering);
	EXPECT_EQ(e.delivering_vector, 0);
}

TEST(ept_violation_present_means_any_permission_bit)
{
	static const uint64_t allowed[] = { 1 << 3, 1 << 4, 1 << 5, 7 << 3 };
	struct vmx_exit_record r = record(48);

	for (size_t i = 0; i < ARRAY_SIZE(allowed); i++) {
		r.qualification = 1 | allowed[i]; /* a read */
		struct vm_exit e = decode(&r, 0);
		EXPECT_TRUE(e.mem.present);
		EXPECT_FALSE(e.mem.write);
		EXPECT_FALSE(e.mem.fetch);
	}
	r.qualification = 1 | (1 << 7) | (1 << 8) | (0x3ULL << 9); /* no permission bit */
	EXPECT_FALSE(decode(&r, 0).mem.present);
}

TEST(ud_exception_has_no_error_code)
{
	struct vmx_exit_record r = record(0);

	r.intr_info = INFO_VALID | TYPE_HW_EXC | 6;
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_EXCEPTION);
	EXPECT_EQ(e.vendor_code, 0);
	EXPECT_EQ(e.exception.vector, 6);
	EXPECT_EQ(e.exception.error_code, 0);
}

TEST(gp_exception_with_error_code)
{
	struct vmx_exit_record r = record(0);

	r.intr_info = INFO_VALID | INFO_ERRCODE | TYPE_HW_EXC | 13;
	r.intr_error_code = 0x18;
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_EXCEPTION);
	EXPECT_EQ(e.exception.vector, 13);
	EXPECT_EQ(e.exception.error_code, 0x18);
}

TEST(nmi_with_or_without_iret_unblocking)
{
	struct vmx_exit_record r = record(0);

	r.intr_info = INFO_VALID | TYPE_NMI | 2;
	EXPECT_EQ(decode(&r, 0).reason, EXIT_NMI);
	r.intr_info |= 1u << 12;
	EXPECT_EQ(decode(&r, 0).reason, EXIT_NMI);
}

TEST(software_exceptions_and_invalid_info_are_other)
{
	struct vmx_exit_record r = record(0);

	r.intr_info = INFO_VALID | TYPE_SW_EXC | 3; /* INT3 */
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_OTHER);
	EXPECT_EQ(e.vendor_code, 0);
	r.intr_info = TYPE_HW_EXC | 6; /* valid bit clear */
	EXPECT_EQ(decode(&r, 0).reason, EXIT_OTHER);
}

TEST(triple_fault_init_cpuid_hlt_vmcall)
{
	static const struct {
		uint32_t code;
		enum exit_reason reason;
	} cases[] = {
		{ 2, EXIT_TRIPLE_FAULT }, { 3, EXIT_INIT },	  { 10, EXIT_CPUID },
		{ 12, EXIT_HLT },	  { 18, EXIT_HYPERCALL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vm_exit e =
			decode(&(struct vmx_exit_record){ .exit_reason = cases[i].code }, 0);
		EXPECT_EQ(e.reason, cases[i].reason);
		EXPECT_EQ(e.vendor_code, cases[i].code);
		/* The union is cleared: nothing of the garbage decode() started with stays. */
		EXPECT_EQ(e.io.next_rip, 0);
		EXPECT_EQ(e.mem.gpa, 0);
	}
}

TEST(vmx_instructions_are_virt_insn_with_their_names)
{
	static const struct {
		uint32_t code;
		const char *name;
	} cases[] = {
		{ 11, "GETSEC" },  { 19, "VMCLEAR" }, { 20, "VMLAUNCH" }, { 21, "VMPTRLD" },
		{ 22, "VMPTRST" }, { 23, "VMREAD" },  { 24, "VMRESUME" }, { 25, "VMWRITE" },
		{ 26, "VMXOFF" },  { 27, "VMXON" },   { 50, "INVEPT" },	  { 53, "INVVPID" },
		{ 59, "VMFUNC" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vm_exit e =
			decode(&(struct vmx_exit_record){ .exit_reason = cases[i].code }, 0);
		EXPECT_EQ(e.reason, EXIT_VIRT_INSN);
		EXPECT_EQ(e.vendor_code, cases[i].code);
		if (EXPECT_NOT_NULL(e.virt_insn.name))
			EXPECT_STREQ(e.virt_insn.name, cases[i].name);
	}
}

TEST(invd_discards_wbinvd_does_not)
{
	struct vm_exit e = decode(&(struct vmx_exit_record){ .exit_reason = 13 }, 0);

	EXPECT_EQ(e.reason, EXIT_CACHE_FLUSH);
	EXPECT_TRUE(e.cache.discard);
	e = decode(&(struct vmx_exit_record){ .exit_reason = 54 }, 0);
	EXPECT_EQ(e.reason, EXIT_CACHE_FLUSH);
	EXPECT_FALSE(e.cache.discard);
}

TEST(entry_failures_keep_the_whole_exit_reason)
{
	static const uint32_t codes[] = { 33 | ENTRY_FAILURE, 34 | ENTRY_FAILURE,
					  41 | ENTRY_FAILURE };

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		struct vm_exit e = decode(&(struct vmx_exit_record){ .exit_reason = codes[i] }, 0);
		EXPECT_EQ(e.reason, EXIT_ENTRY_FAILED);
		EXPECT_EQ(e.vendor_code, codes[i]);
	}
	/* Bit 31 decides, whatever the basic reason says. */
	EXPECT_EQ(decode(&(struct vmx_exit_record){ .exit_reason = 30 | ENTRY_FAILURE }, 0).reason,
		  EXIT_ENTRY_FAILED);
}

TEST(vmfail_valid_reports_the_instruction_error)
{
	/* VMRESUME refused: error 7, invalid control field(s); the exit reason field is stale. */
	struct vmx_exit_record r = record(30);

	r.vm_instruction_error = 7;
	struct vm_exit e = decode(&r, 0);
	EXPECT_EQ(e.reason, EXIT_ENTRY_FAILED);
	EXPECT_EQ(e.vendor_code, (1ULL << 32) | 7);
}

TEST(exits_without_a_neutral_reason_are_other)
{
	/* External interrupt, SIPI, windows, task switch, CR/DR access, XSETBV, misconfig, 255. */
	static const uint32_t codes[] = { 1, 4, 7, 8, 9, 28, 29, 40, 49, 52, 55, 255 };

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
		struct vm_exit e = decode(&(struct vmx_exit_record){ .exit_reason = codes[i] }, 0);
		EXPECT_EQ(e.reason, EXIT_OTHER);
		EXPECT_EQ(e.vendor_code, codes[i]);
	}
}

TEST(flag_bits_above_the_basic_reason_do_not_change_it)
{
	/* Bit 27: the exit came from enclave mode. The basic reason is still CPUID. */
	struct vm_exit e = decode(&(struct vmx_exit_record){ .exit_reason = 10 | (1u << 27) }, 0);

	EXPECT_EQ(e.reason, EXIT_CPUID);
	EXPECT_EQ(e.vendor_code, 10 | (1u << 27));
}
