/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-physical-CPU data: identity, stack, state; reached through the GS base on each pCPU. */
#ifndef CAIRN_CORE_PCPU_H
#define CAIRN_CORE_PCPU_H

#include "lib/compiler.h"

#define MAX_PCPUS 64u

enum pcpu_state {
	PCPU_ABSENT = 0, /* not listed, or not enabled, in the MADT */
	PCPU_STARTING,	 /* INIT-SIPI-SIPI sent */
	PCPU_ONLINE,	 /* running hypervisor code, virtualization enabled */
	PCPU_FAILED,	 /* did not answer, or could not enable virtualization */
};

struct vcpu;

/* Requests posted to a pCPU's mailbox; an NMI makes it look (see docs/architecture.md). */
#define PCPU_REQ_RUN	    (1u << 0) /* start running the vCPU it was given */
#define PCPU_REQ_PAUSE	    (1u << 1)
#define PCPU_REQ_RESUME	    (1u << 2)
#define PCPU_REQ_STOP	    (1u << 3)
#define PCPU_REQ_RESET	    (1u << 4)
#define PCPU_REQ_INIT	    (1u << 5) /* emulated INIT: the vCPU waits for a STARTUP IPI */
#define PCPU_REQ_SIPI	    (1u << 6) /* emulated STARTUP IPI (vector in vcpu->arch.sipi_vector) */
#define PCPU_REQ_NMI	    (1u << 7) /* an NMI for the guest itself */
#define PCPU_REQ_WAKE	    (1u << 8) /* nothing but a wake-up: look at your flags again */
#define PCPU_REQ_IOREQ_DONE (1u << 9) /* HC_NOTIFY_REQUEST_FINISH: look at the vCPU's I/O slot */
/* The Service VM gives this pCPU back: retire its vCPU if it is offline (core/service_cpu.c). */
#define PCPU_REQ_OFFLINE (1u << 10)
/* Print the vCPU's state from its own pCPU, LAPIC included (the shell's `vcpus`). */
#define PCPU_REQ_DUMP (1u << 11)

struct pcpu {
	struct pcpu *self; /* must stay first: pcpu_current() reads %gs:0 */
	uint32_t id;	   /* index in pcpus[]; 0 is the boot pCPU */
	uint32_t apic_id;
	volatile enum pcpu_state state;
	uint64_t stack_top;
	uint64_t virt_host_area; /* vendor's per-pCPU page (SVM: host save area) */
	struct vcpu *vcpu;	 /* the vCPU bound to this pCPU, NULL when free */
	volatile uint32_t mailbox;
	volatile bool housekeeper; /* idle pCPU that polls the console and watchdogs on a timer */
	bool draining_interrupts;  /* lapic_reclaim() is taking a guest's pending interrupts */
	uint32_t interrupts_drained;
};

extern struct pcpu pcpus[MAX_PCPUS];
extern uint32_t pcpu_count; /* entries of pcpus[] in use (enabled MADT CPUs) */

void pcpu_set_current(struct pcpu *cpu);

static inline struct pcpu *pcpu_current(void)
{
	struct pcpu *cpu;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(cpu));
	return cpu;
}

static inline uint32_t pcpu_current_id(void)
{
	return pcpu_current()->id;
}

uint32_t pcpu_online_count(void);

/* Where a pCPU with nothing to run waits, halted, without taking any other pCPU's time. */
__noreturn void pcpu_idle(void);

/* allocate_pcpu()/free_pcpu() of the static-partitioning design: bind a pCPU to one vCPU. */
void pcpu_ownership_init(void);
int allocate_pcpu(uint32_t id, struct vcpu *vcpu);
void free_pcpu(uint32_t id);

/* Posts requests to cpu's mailbox and signals it with an NMI (no NMI needed for oneself). */
void pcpu_post(struct pcpu *cpu, uint32_t requests);
uint32_t pcpu_take_requests(struct pcpu *cpu);

/*
 * Waits, halted with GIF set, until an NMI (or with allow_irq, an interrupt) arrives or the
 * mailbox is non-empty. Race-free: an NMI that lands between the check and HLT skips the HLT.
 */
void pcpu_wait_signal(volatile uint32_t *mailbox, bool allow_irq);

#endif
