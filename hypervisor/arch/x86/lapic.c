/* SPDX-License-Identifier: BSD-3-Clause */
/* Local APIC (xAPIC mode) of the current pCPU: enable, identify, send IPIs. */
#include "lib/errno.h"
#include "x86/cpu.h"
#include "x86/lapic.h"
#include "x86/tsc.h"

#define IPI_DELIVERY_TIMEOUT_US 100000

uint64_t lapic_base;

uint32_t lapic_read(uint32_t reg)
{
	return (uint32_t)mmio_read32(lapic_base + reg);
}

void lapic_write(uint32_t reg, uint32_t value)
{
	mmio_write32(lapic_base + reg, value);
}

void lapic_init_cpu(void)
{
	uint64_t msr = rdmsr(MSR_APIC_BASE);

	if (!(msr & LAPIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, msr | LAPIC_BASE_ENABLE);
	if (!lapic_base)
		lapic_base = msr & LAPIC_BASE_ADDR_MASK;
	lapic_write(LAPIC_REG_SVR,
		    lapic_read(LAPIC_REG_SVR) | LAPIC_SVR_SOFT_ENABLE | LAPIC_SPURIOUS_VECTOR);
	lapic_write(LAPIC_REG_TPR, LAPIC_HYPERVISOR_TPR);
	lapic_mask_every_lvt();
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_REG_ID) >> 24;
}

int lapic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low)
{
	lapic_write(LAPIC_REG_ICR_HI, dest_apic_id << 24);
	lapic_write(LAPIC_REG_ICR_LO, icr_low);

	uint64_t deadline = tsc_deadline_us(IPI_DELIVERY_TIMEOUT_US);
	while (lapic_read(LAPIC_REG_ICR_LO) & ICR_DELIVERY_PENDING) {
		if (tsc_passed(deadline))
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}

#define TIMER_DIVIDE_BY_16 0x3
#define TIMER_MASKED	   LAPIC_LVT_MASKED
#define CALIBRATION_US	   10000

static uint64_t lapic_timer_khz;

void lapic_timer_calibrate(void)
{
	lapic_write(LAPIC_REG_TIMER_DIV, TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_REG_LVT_TIMER, TIMER_MASKED | LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_REG_TIMER_INIT, 0xFFFFFFFF);
	tsc_delay_us(CALIBRATION_US);
	uint32_t elapsed = 0xFFFFFFFF - lapic_read(LAPIC_REG_TIMER_CUR);
	lapic_write(LAPIC_REG_TIMER_INIT, 0);
	lapic_timer_khz = (uint64_t)elapsed * 1000 / CALIBRATION_US;
}

void lapic_timer_oneshot_us(uint64_t us)
{
	uint64_t count = us * lapic_timer_khz / 1000;

	lapic_write(LAPIC_REG_TIMER_DIV, TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_TIMER_VECTOR);
	lapic_write(LAPIC_REG_TIMER_INIT, (uint32_t)MIN(MAX(count, 1), 0xFFFFFFFFull));
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_REG_TIMER_INIT, 0);
	lapic_write(LAPIC_REG_LVT_TIMER, TIMER_MASKED | LAPIC_TIMER_VECTOR);
}
