/* SPDX-License-Identifier: BSD-3-Clause */
/* Byte-by-byte judgement of writes to reset, power, A20 and SMI registers (no I/O here). */
#include "lib/errno.h"
#include "x86/guest/reset_policy.h"

#define RST_CNT_RESET_CPU   0x04 /* 0xCF9 bit 2 */
#define FAST_A20_RESET	    0x01 /* port 0x92 bit 0 */
#define A20_ON		    0x02 /* port 0x92 bit 1, KBC output port bit 1 */
#define KBC_OUT_RESET_HIGH  0x01 /* KBC output port bit 0: low resets the CPU */
#define KBC_PULSE_FIRST	    0xF0 /* 0xF0-0xFF pulse output lines 3:0 where the command bit is 0 */
#define KBC_WRITE_MODE	    0x60 /* commands that take the next data byte */
#define KBC_WRITE_OUTPUT    0xD1
#define KBC_WRITE_KBD_OBUF  0xD2
#define KBC_WRITE_AUX_OBUF  0xD3
#define KBC_WRITE_AUX	    0xD4
#define KBC_DISABLE_A20	    0xDD
#define KBC_ENABLE_A20	    0xDF
#define PM1_SLP_EN_HIGH	    0x20 /* bit 13 of PM1_CNT: bit 5 of its second byte */
#define SLEEP_CONTROL_SLPEN 0x20
#define SMI_EN_APMC	    0x20 /* SMI_EN bit 5 (byte 0) */
#define SMI_EN_TCO_HIGH	    0x20 /* SMI_EN bit 13 (byte 1) */
#define GCS_NO_REBOOT	    0x20 /* GCS bit 5 (byte 0): the TCO watchdog does not reboot */
#define CPUHP_FLAGS	    4	 /* CPU hotplug: flags byte; bits 1/2 clear events, bit 3 ejects */
#define CPUHP_CLEAR_EVENTS  0x06
#define CPUHP_EJECT	    0x08

int reset_policy_add(struct reset_policy *p, enum guarded_kind kind, uint16_t port, uint8_t len,
		     uint8_t value, uint8_t value2)
{
	if (!len || (uint32_t)port + len > 0x10000)
		return -EINVAL;
	if (p->nregs == RESET_POLICY_MAX_REGS)
		return -ENOSPC;
	p->regs[p->nregs++] = (struct guarded_reg){ kind, port, len, value, value2 };
	return 0;
}

static bool reg_holds(const struct guarded_reg *r, uint32_t port)
{
	return port >= r->port && port < (uint32_t)r->port + r->len;
}

bool reset_policy_covers(const struct reset_policy *p, uint16_t port, uint8_t size)
{
	for (size_t i = 0; i < p->nregs; i++)
		for (uint32_t b = 0; b < size; b++)
			if (reg_holds(&p->regs[i], (uint32_t)port + b))
				return true;
	return false;
}

/* The verdict of one byte reaching byte `offset` of register r; *byte may be changed. */
static enum reset_verdict judge_byte(struct reset_policy *p, const struct guarded_reg *r,
				     uint32_t offset, uint8_t *byte, const char **why)
{
	uint8_t b = *byte;

	switch (r->kind) {
	case GUARD_RESET_CONTROL:
		*why = "asked for a machine reset (reset control 0xCF9, RST_CPU)";
		return b & RST_CNT_RESET_CPU ? RESET_REFUSE_RESET : RESET_PASS;
	case GUARD_FAST_A20:
		*why = "asked for a machine reset (port 0x92 fast reset)";
		*byte = b | A20_ON; /* A20 stays on: it would mask the hypervisor's addresses too */
		return b & FAST_A20_RESET ? RESET_REFUSE_RESET : RESET_PASS;
	case GUARD_KBC_COMMAND:
		*why = "asked for a machine reset (keyboard controller pulses the reset line)";
		if (b >= KBC_PULSE_FIRST && !(b & 1))
			return RESET_REFUSE_RESET;
		if (b == KBC_DISABLE_A20)
			*byte = KBC_ENABLE_A20;
		else if (b == KBC_WRITE_OUTPUT)
			p->kbc_output_port_next = true;
		else if (b == KBC_WRITE_MODE || b == KBC_WRITE_KBD_OBUF ||
			 b == KBC_WRITE_AUX_OBUF || b == KBC_WRITE_AUX)
			p->kbc_output_port_next = false;
		return RESET_PASS;
	case GUARD_KBC_DATA:
		*why = "asked for a machine reset (keyboard controller output port, reset line "
		       "low)";
		if (!p->kbc_output_port_next)
			return RESET_PASS;
		p->kbc_output_port_next = false;
		*byte = b | A20_ON;
		return b & KBC_OUT_RESET_HIGH ? RESET_PASS : RESET_REFUSE_RESET;
	case GUARD_PM1_CONTROL:
		*why = "asked to sleep or power off the machine (PM1 control SLP_EN)";
		return offset == 1 && (b & PM1_SLP_EN_HIGH) ? RESET_REFUSE_SLEEP : RESET_PASS;
	case GUARD_SLEEP_CONTROL:
		*why = "asked to sleep or power off the machine (sleep control SLP_EN)";
		return b & SLEEP_CONTROL_SLPEN ? RESET_REFUSE_SLEEP : RESET_PASS;
	case GUARD_ACPI_RESET:
		*why = "asked for a machine reset (the FADT's reset register)";
		return b == r->value ? RESET_REFUSE_RESET : RESET_PASS;
	case GUARD_APM_COMMAND:
		*why = "APM command write would raise an SMI: dropped";
		return b == r->value || b == r->value2 ? RESET_PASS : RESET_DROP;
	case GUARD_SMI_ENABLE:
		if (offset == 0)
			*byte = b & ~SMI_EN_APMC;
		else if (offset == 1)
			*byte = b & ~SMI_EN_TCO_HIGH;
		return RESET_PASS;
	case GUARD_TCO_DATA_IN:
		*why = "TCO_DAT_IN write would raise an SMI: dropped";
		return RESET_DROP;
	case GUARD_NO_REBOOT:
		if (offset == 0)
			*byte = b | GCS_NO_REBOOT;
		return RESET_PASS;
	case GUARD_CPU_HOTPLUG:
		/* QEMU ejects the selected CPU only when neither event bit is set alongside. */
		*why = "CPU eject would take a CPU out of the machine: dropped";
		return offset == CPUHP_FLAGS && (b & CPUHP_EJECT) && !(b & CPUHP_CLEAR_EVENTS)
			       ? RESET_DROP
			       : RESET_PASS;
	case GUARD_FW_CFG_DMA:
		*why = "fw_cfg DMA would reach any memory: dropped";
		return RESET_DROP;
	case GUARD_KIND_COUNT:
		break;
	}
	return RESET_PASS;
}

/* A dword at 0xCF8 is PCI CONFIG_ADDRESS: the chipset never routes any of it to RST_CNT. */
static bool is_config_address(const struct guarded_reg *r, uint16_t port, uint8_t size)
{
	return r->kind == GUARD_RESET_CONTROL && port == PORT_PCI_CONF_ADDR && size == 4;
}

static int severity(enum reset_verdict v)
{
	return v == RESET_PASS ? 0 : v == RESET_DROP ? 1 : 2;
}

struct reset_decision reset_policy_write(struct reset_policy *p, uint16_t port, uint8_t size,
					 uint32_t value)
{
	struct reset_decision d = { RESET_PASS, value, NULL, 0, GUARD_RESET_CONTROL };

	if (size != 1 && size != 2 && size != 4)
		size = 4;
	for (uint32_t i = 0; i < size; i++) {
		uint8_t byte = (uint8_t)(value >> (8 * i));
		for (size_t k = 0; k < p->nregs; k++) {
			const struct guarded_reg *r = &p->regs[k];
			const char *why = NULL;
			enum reset_verdict v = RESET_PASS;
			bool lands = reg_holds(r, (uint32_t)port + i) &&
				     !is_config_address(r, port, size);
			bool first_port = i > 0 && r->len == 1 && r->port == port;
			if (lands)
				v = judge_byte(p, r, (uint32_t)port + i - r->port, &byte, &why);
			if (first_port && severity(v) < 2) {
				enum reset_verdict w = judge_byte(p, r, 0, &byte, &why);
				v = severity(w) > severity(v) ? w : v;
			}
			if (severity(v) > severity(d.verdict)) {
				d.verdict = v;
				d.why = why;
				d.port = r->port;
				d.kind = r->kind;
			}
		}
		d.value = (d.value & ~(0xFFu << (8 * i))) | ((uint32_t)byte << (8 * i));
	}
	return d;
}
