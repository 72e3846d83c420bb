/* pcpu_wait_signal(): halt until an NMI (or interrupt) or a non-empty mailbox, without lost wake-ups. */

	.text
/* void pcpu_wait_signal(volatile uint32_t *mailbox, bool allow_irq) */
	.globl pcpu_wait_signal, pcpu_wait_hlt, pcpu_wait_resume
pcpu_wait_signal:
	stgi
	testb %sil, %sil
	jz 1f
	sti			/* the STI shadow covers the HLT below: no interrupt slips in between */
1:	cmpl $0, (%rdi)
	jne pcpu_wait_resume
pcpu_wait_hlt:
	hlt			/* an NMI arriving before this HLT moves its return address past it */
pcpu_wait_resume:
	cli
	clgi
	ret
