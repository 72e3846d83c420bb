/* SPDX-License-Identifier: BSD-3-Clause */
/* A vCPU's state as its own pCPU sees it (the shell's `vcpus`): registers, and its LAPIC, which only that pCPU can read. */
#include "core/console.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/apic.h"
#include "x86/guest/vcpu_dump.h"
#include "x86/lapic.h"

/* The highest vector set in an 8 x 32-bit bank (ISR, IRR), or -1. */
static int highest_vector(uint32_t bank)
{
	for (int reg = 7; reg >= 0; reg--) {
		uint32_t bits = lapic_read(bank + 0x10u * (uint32_t)reg);
		if (bits)
			return reg * 32 + 31 - __builtin_clz(bits);
	}
	return -1;
}

void vcpu_dump_here(struct vcpu *vcpu)
{
	struct vcpu_mode mode;

	virt_vcpu_mode(vcpu, &mode);
	printf("cairn: vm %s vcpu %u: on pCPU %u: rip 0x%lx rflags 0x%lx cr0 0x%lx efer 0x%lx; "
	       "lapic tpr 0x%x isr %d irr %d svr 0x%x lvt-timer 0x%x init %u cur %u div 0x%x "
	       "esr 0x%x\n",
	       vcpu->vm->name, vcpu->id, vcpu->pcpu->id, virt_vcpu_rip(vcpu),
	       virt_vcpu_rflags(vcpu), mode.cr0, mode.efer, lapic_read(LAPIC_REG_TPR),
	       highest_vector(LAPIC_REG_ISR0), highest_vector(LAPIC_REG_IRR0),
	       lapic_read(LAPIC_REG_SVR), lapic_read(LAPIC_REG_LVT_TIMER),
	       lapic_read(LAPIC_REG_TIMER_INIT), lapic_read(LAPIC_REG_TIMER_CUR),
	       lapic_read(LAPIC_REG_TIMER_DIV), lapic_read(LAPIC_REG_ESR));
}
