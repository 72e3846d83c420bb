/* Local APIC (xAPIC mode) of the current pCPU: enable, identify, send IPIs. */
#ifndef CAIRN_X86_LAPIC_H
#define CAIRN_X86_LAPIC_H

#include "lib/compiler.h"

#define LAPIC_REG_ID	 0x020
#define LAPIC_REG_VER	 0x030
#define LAPIC_REG_TPR	 0x080
#define LAPIC_REG_EOI	 0x0B0
#define LAPIC_REG_SVR	 0x0F0
#define LAPIC_REG_ESR	 0x280
#define LAPIC_REG_ICR_LO 0x300
#define LAPIC_REG_ICR_HI 0x310

#define LAPIC_REG_LVT_TIMER  0x320
#define LAPIC_REG_TIMER_INIT 0x380
#define LAPIC_REG_TIMER_CUR  0x390
#define LAPIC_REG_TIMER_DIV  0x3E0

#define LAPIC_TIMER_VECTOR    0xEF /* the housekeeping pCPU's wake-up tick */
#define LAPIC_SPURIOUS_VECTOR 0xFF

#define ICR_DM_FIXED	     0x000
#define ICR_DM_NMI	     0x400
#define ICR_DM_INIT	     0x500
#define ICR_DM_STARTUP	     0x600
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT     (1u << 14)
#define ICR_TRIGGER_LEVEL    (1u << 15)

/* Physical base of the xAPIC page, read from IA32_APIC_BASE on the boot pCPU. */
extern uint64_t lapic_base;

/* Global- and software-enables this pCPU's LAPIC (never disables it: on AMD that clears LVTs). */
void lapic_init_cpu(void);
uint32_t lapic_id(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);

/* Sends an IPI in physical destination mode; -ETIMEDOUT if the APIC never reports it delivered. */
int lapic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low);

/* Measures the LAPIC timer rate against the TSC (call after TSC calibration, on the boot pCPU). */
void lapic_timer_calibrate(void);
/* One-shot timer interrupt (LAPIC_TIMER_VECTOR) on this pCPU after `us` microseconds. */
void lapic_timer_oneshot_us(uint64_t us);
void lapic_timer_stop(void);

#endif
