/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the interrupt route check in hypervisor/arch/x86/guest/irq_route.c. */
#include <string.h>

#include "core/pcpu.h"
#include "core/vm.h"
#include "x86/guest/irq_route.h"
#include "harness.h"

/* The machine: pCPUs 0-4 with APIC IDs 0-4; the VM owns pCPUs 0-2 (like configs/service.scn). */
struct pcpu pcpus[MAX_PCPUS];
uint32_t pcpu_count;
static struct vm vm;

static void machine(void)
{
	memset(&vm, 0, sizeof(vm));
	vm.name = "service";
	pcpu_count = 5;
	for (uint32_t i = 0; i < pcpu_count; i++) {
		pcpus[i] = (struct pcpu){ .id = i, .apic_id = i };
		irq_route_set_logical_id(i, 0, 0xFFFFFFFFu);
	}
	vm.nvcpus = 3;
	for (uint32_t i = 0; i < vm.nvcpus; i++) {
		vm.vcpus[i] = (struct vcpu){ .vm = &vm, .id = i, .pcpu = &pcpus[i] };
		pcpus[i].vcpu = &vm.vcpus[i];
	}
}

static const char *check(uint32_t dest, bool logical, uint8_t mode, uint8_t vector, uint32_t allow)
{
	struct irq_route r = { dest, logical, mode, vector };
	return irq_route_refusal(&vm, &r, allow);
}

TEST(fixed_and_lowest_to_own_cpus_pass)
{
	machine();
	EXPECT_NULL(check(0, false, APIC_DM_FIXED, 0x31, 0));
	EXPECT_NULL(check(2, false, APIC_DM_LOWEST, 0xEF, 0));
	EXPECT_NULL(check(1, false, APIC_DM_FIXED, 32, 0));
}

TEST(partition_and_idle_cpus_refused)
{
	machine();
	EXPECT_STREQ(check(3, false, APIC_DM_FIXED, 0x31, 0), "destination outside the VM");
	EXPECT_STREQ(check(4, false, APIC_DM_FIXED, 0x31, 0), "destination outside the VM");
	EXPECT_STREQ(check(7, false, APIC_DM_FIXED, 0x31, 0),
		     "destination reaches no CPU of the VM");
	EXPECT_STREQ(check(0xFF, false, APIC_DM_FIXED, 0x31, 0), "broadcast destination");
}

TEST(exception_vectors_refused)
{
	machine();
	EXPECT_STREQ(check(0, false, APIC_DM_FIXED, 19, 0), "vector below 32");
	EXPECT_STREQ(check(0, false, APIC_DM_LOWEST, 0, 0), "vector below 32");
	EXPECT_STREQ(check(0, false, APIC_DM_FIXED, 31, 0), "vector below 32");
}

TEST(special_delivery_modes)
{
	machine();
	EXPECT_STREQ(check(0, false, APIC_DM_INIT, 0, IRQ_ALLOW_NMI), "INIT delivery");
	EXPECT_STREQ(check(0, false, APIC_DM_SMI, 0, IRQ_ALLOW_NMI), "SMI delivery");
	EXPECT_STREQ(check(0, false, APIC_DM_EXTINT, 0, IRQ_ALLOW_NMI), "ExtINT delivery");
	EXPECT_STREQ(check(0, false, 3, 0x31, IRQ_ALLOW_NMI), "reserved delivery mode");
	EXPECT_STREQ(check(0, false, 6, 0x31, IRQ_ALLOW_NMI), "reserved delivery mode");
	EXPECT_STREQ(check(0, false, APIC_DM_NMI, 0, 0), "NMI delivery");
	EXPECT_NULL(check(0, false, APIC_DM_NMI, 0, IRQ_ALLOW_NMI));
	EXPECT_STREQ(check(3, false, APIC_DM_NMI, 0, IRQ_ALLOW_NMI), "destination outside the VM");
}

TEST(logical_flat_through_tracked_ldrs)
{
	machine();
	/* Linux's flat model: CPU n has bit n. The other pCPUs keep LDR 0. */
	for (uint32_t i = 0; i < 3; i++)
		irq_route_set_logical_id(i, (1u << i) << 24, 0xFFFFFFFFu);
	EXPECT_NULL(check(0x01, true, APIC_DM_FIXED, 0x31, 0));
	EXPECT_NULL(check(0x07, true, APIC_DM_LOWEST, 0x31, 0));
	EXPECT_STREQ(check(0x08, true, APIC_DM_FIXED, 0x31, 0),
		     "destination reaches no CPU of the VM");
	/* Should a foreign pCPU ever hold a logical ID, a destination reaching it is refused. */
	irq_route_set_logical_id(3, 0x08u << 24, 0xFFFFFFFFu);
	EXPECT_STREQ(check(0x0F, true, APIC_DM_FIXED, 0x31, 0), "destination outside the VM");
	EXPECT_NULL(check(0x03, true, APIC_DM_FIXED, 0x31, 0));
	EXPECT_STREQ(check(0xFF, true, APIC_DM_FIXED, 0x31, 0), "broadcast destination");
}

TEST(logical_cluster_model)
{
	machine();
	/* Cluster 1, members 0 and 1 for pCPUs 0 and 1; pCPU 3 in cluster 2, member 0. */
	irq_route_set_logical_id(0, 0x11u << 24, 0x0FFFFFFFu);
	irq_route_set_logical_id(1, 0x12u << 24, 0x0FFFFFFFu);
	irq_route_set_logical_id(3, 0x21u << 24, 0x0FFFFFFFu);
	EXPECT_NULL(check(0x13, true, APIC_DM_FIXED, 0x31, 0));
	EXPECT_STREQ(check(0x21, true, APIC_DM_FIXED, 0x31, 0), "destination outside the VM");
	EXPECT_STREQ(check(0x31, true, APIC_DM_FIXED, 0x31, 0),
		     "destination reaches no CPU of the VM");
}

TEST(refusals_counted)
{
	machine();
	for (int i = 0; i < 7; i++)
		irq_route_note_refused(&vm, "test route", "because", "written masked");
	EXPECT_EQ(vm.arch.routes_refused, 7);
}

TEST(a_pcpu_given_back_is_outside_the_vm)
{
	machine();
	pcpus[2].vcpu = NULL; /* vCPU 2 retired: HC_SERVICE_VM_OFFLINE_CPU */
	EXPECT_STREQ(check(2, false, APIC_DM_FIXED, 0x31, 0), "destination outside the VM");
	EXPECT_NULL(check(1, false, APIC_DM_FIXED, 0x31, 0));
}
