/* The vendor interface for hardware virtualization (AMD SVM today, Intel VMX later): what core code may call. */
#ifndef CAIRN_CORE_VIRT_H
#define CAIRN_CORE_VIRT_H

#include "core/pcpu.h"

/* "AMD SVM", for messages. */
const char *virt_vendor_name(void);

/*
 * Checks that this CPU can run Cairn's guests (extension present, not disabled by firmware, nested
 * paging). Returns 0, or -ENODEV with a one-line reason written to `reason`.
 */
int virt_check_support(char *reason, size_t len);

/* Turns virtualization on for the calling pCPU (SVM: EFER.SVME and the host save area). */
int virt_cpu_enable(struct pcpu *cpu);

#endif
