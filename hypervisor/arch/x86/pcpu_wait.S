/* SPDX-License-Identifier: BSD-3-Clause */
/* pcpu_wait_signal(): halt until an NMI (or interrupt) or a non-empty mailbox, without lost wake-ups. */

	.text
/*
 * void pcpu_wait_signal(volatile uint32_t *mailbox, bool allow_irq)
 *
 * Interrupts are enabled only by the STI right before HLT: its shadow covers the HLT, so an
 * interrupt that is already pending wakes the HLT instead of being taken before it. An NMI is
 * taken as soon as STGI opens GIF: one landing anywhere in [pcpu_wait_window, pcpu_wait_resume)
 * -- after the mailbox check and before the HLT completes -- has its return address moved to
 * pcpu_wait_resume by trap_dispatch, so it cannot be followed by a HLT that nothing ends.
 * STGI and CLGI are SVM's (the hypervisor runs with GIF = 0 there): under VMX, which has no GIF
 * and takes NMIs in the hypervisor whenever they come, virt_backend_has_gif is 0 and they are
 * skipped.
 */
	.globl pcpu_wait_signal, pcpu_wait_window, pcpu_wait_resume
pcpu_wait_signal:
	cmpb $0, virt_backend_has_gif(%rip)
	je 2f
	stgi
2:	cmpl $0, (%rdi)
pcpu_wait_window:
	jne pcpu_wait_resume
	testb %sil, %sil
	jz 1f
	sti
1:	hlt
pcpu_wait_resume:
	cli
	cmpb $0, virt_backend_has_gif(%rip)
	je 3f
	clgi
3:	ret

/*
 * void pcpu_take_pending_interrupts(void): lets the interrupts the LAPIC holds (above the TPR)
 * be taken through the hypervisor's IDT, then closes IF and GIF again.
 */
	.globl pcpu_take_pending_interrupts
pcpu_take_pending_interrupts:
	cmpb $0, virt_backend_has_gif(%rip)
	je 1f
	stgi
1:	sti
	nop			/* the STI shadow ends here: pending interrupts are taken now */
	nop
	cli
	cmpb $0, virt_backend_has_gif(%rip)
	je 2f
	clgi
2:	ret
