/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the byte-by-byte reset/power/SMI write policy (hypervisor/arch/x86/guest/reset_policy.c). */
#include <stdint.h>
#include <string.h>

#include "lib/errno.h"
#include "x86/guest/reset_policy.h"
#include "harness.h"

#define PM1A 0x604

static struct reset_policy policy;

/* The registers port_guard_attach() guards on QEMU's q35 (PMBASE 0x600). */
static void q35(void)
{
	memset(&policy, 0, sizeof(policy));
	ASSERT_EQ(reset_policy_add(&policy, GUARD_RESET_CONTROL, PORT_RESET_CONTROL, 1, 0, 0), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_FAST_A20, PORT_FAST_A20, 1, 0, 0), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_KBC_DATA, PORT_KBC_DATA, 1, 0, 0), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_KBC_COMMAND, PORT_KBC_COMMAND, 1, 0, 0), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_PM1_CONTROL, PM1A, 2, 0, 0), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_ACPI_RESET, PORT_RESET_CONTROL, 1, 0x0F, 0), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_APM_COMMAND, 0xB2, 1, 2, 3), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_SMI_ENABLE, 0x630, 4, 0, 0), 0);
	ASSERT_EQ(reset_policy_add(&policy, GUARD_TCO_DATA_IN, 0x662, 1, 0, 0), 0);
}

static enum reset_verdict verdict(uint16_t port, uint8_t size, uint32_t value)
{
	return reset_policy_write(&policy, port, size, value).verdict;
}

static uint32_t passed(uint16_t port, uint8_t size, uint32_t value)
{
	struct reset_decision d = reset_policy_write(&policy, port, size, value);
	EXPECT_EQ(d.verdict, RESET_PASS);
	return d.value;
}

TEST(add_checks_length_and_room)
{
	memset(&policy, 0, sizeof(policy));
	EXPECT_EQ(reset_policy_add(&policy, GUARD_PM1_CONTROL, 0xFFFF, 2, 0, 0), -EINVAL);
	EXPECT_EQ(reset_policy_add(&policy, GUARD_PM1_CONTROL, 0x604, 0, 0, 0), -EINVAL);
	for (int i = 0; i < RESET_POLICY_MAX_REGS; i++)
		EXPECT_EQ(reset_policy_add(&policy, GUARD_TCO_DATA_IN, (uint16_t)i, 1, 0, 0), 0);
	EXPECT_EQ(reset_policy_add(&policy, GUARD_TCO_DATA_IN, 0x100, 1, 0, 0), -ENOSPC);
}

TEST(reset_control_at_every_width_and_offset)
{
	q35();
	EXPECT_EQ(verdict(0xCF9, 1, 0x06), RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0xCF9, 1, 0x0F), RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0xCF9, 2, 0x0004), RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0xCF9, 2, 0x0400), RESET_REFUSE_RESET); /* QEMU: every byte to RST_CNT */
	EXPECT_EQ(verdict(0xCF9, 4, 0x0E), RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0xCF8, 2, 0x0600), RESET_REFUSE_RESET); /* byte 1 lands on 0xCF9 */
	EXPECT_EQ(verdict(0xCF6, 4, 0x06000000), RESET_REFUSE_RESET);
	/* A dword at 0xCF8 is CONFIG_ADDRESS: never RST_CNT, whatever its second byte. */
	EXPECT_EQ(passed(0xCF8, 4, 0x80000600), 0x80000600);
	EXPECT_EQ(passed(0xCF9, 1, 0x0A), 0x0A); /* SYS_RST and FULL_RST alone */
	EXPECT_EQ(passed(0xCFA, 2, 0xFFFF), 0xFFFF);
}

TEST(port92_resets_and_keeps_a20_on)
{
	q35();
	EXPECT_EQ(verdict(0x92, 1, 0x01), RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0x92, 2, 0x0100), RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0x91, 2, 0x0100), RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0x90, 4, 0x00030000), RESET_REFUSE_RESET);
	EXPECT_EQ(passed(0x90, 4, 0x03000000), 0x03020000); /* byte 3 is port 0x93 */
	EXPECT_EQ(passed(0x92, 1, 0x00), 0x02);
	EXPECT_EQ(passed(0x91, 2, 0x00FF), 0x02FF);
}

TEST(keyboard_controller_pulses_and_output_port)
{
	q35();
	for (uint32_t c = 0xF0; c <= 0xFF; c++)
		EXPECT_EQ(verdict(0x64, 1, c), c & 1 ? RESET_PASS : RESET_REFUSE_RESET);
	EXPECT_EQ(verdict(0x64, 2, 0xFE00), RESET_REFUSE_RESET); /* QEMU: both bytes are commands */
	EXPECT_EQ(verdict(0x61, 4, 0xFE000000), RESET_REFUSE_RESET);
	EXPECT_EQ(passed(0x64, 1, 0xDD), 0xDF); /* "disable A20" becomes "enable A20" */
	EXPECT_EQ(passed(0x64, 1, 0xAE), 0xAE);
	EXPECT_EQ(passed(0x60, 1, 0x00), 0x00); /* plain keyboard data */
	/* 0xD1: the next data byte is the output port; bit 0 low resets, bit 1 (A20) stays on. */
	passed(0x64, 1, 0xD1);
	EXPECT_EQ(verdict(0x60, 1, 0x02), RESET_REFUSE_RESET);
	q35();
	passed(0x64, 1, 0xD1);
	EXPECT_EQ(passed(0x60, 1, 0x01), 0x03);
	EXPECT_EQ(passed(0x60, 1, 0x00), 0x00); /* consumed: keyboard data again */
	/* Commands that take no data keep 0xD1 pending; another data command replaces it. */
	passed(0x64, 1, 0xD1);
	passed(0x64, 1, 0xAE);
	EXPECT_EQ(verdict(0x60, 2, 0x0202), RESET_REFUSE_RESET);
	q35();
	passed(0x64, 1, 0xD1);
	passed(0x64, 1, 0xD4);
	EXPECT_EQ(passed(0x60, 1, 0x00), 0x00);
	/* A word at 0x60 is two data bytes: the second one is data again. */
	q35();
	passed(0x64, 1, 0xD1);
	EXPECT_EQ(passed(0x60, 2, 0x0001), 0x0003);
	EXPECT_FALSE(policy.kbc_output_port_next);
}

TEST(pm1_control_slp_en_at_any_width)
{
	q35();
	EXPECT_EQ(verdict(PM1A + 1, 1, 0x20), RESET_REFUSE_SLEEP);
	EXPECT_EQ(verdict(PM1A, 2, 0x2001), RESET_REFUSE_SLEEP);
	EXPECT_EQ(verdict(PM1A, 2, 0x3401), RESET_REFUSE_SLEEP); /* S3 */
	EXPECT_EQ(verdict(PM1A, 4, 0x2001), RESET_REFUSE_SLEEP);
	EXPECT_EQ(verdict(PM1A - 2, 4, 0x20010000), RESET_REFUSE_SLEEP);
	EXPECT_EQ(verdict(PM1A - 3, 4, 0x01000000), RESET_PASS); /* SCI_EN only */
	EXPECT_EQ(verdict(PM1A + 1, 2, 0x0020), RESET_REFUSE_SLEEP);
	EXPECT_EQ(passed(PM1A, 2, 0x1C01), 0x1C01); /* SLP_TYP without SLP_EN */
	EXPECT_EQ(passed(PM1A, 1, 0x20), 0x20);	    /* bit 5 of the low byte is not SLP_EN */
}

TEST(smi_sources)
{
	q35();
	EXPECT_EQ(passed(0xB2, 1, 2), 2); /* ACPI enable */
	EXPECT_EQ(passed(0xB2, 1, 3), 3); /* ACPI disable */
	EXPECT_EQ(verdict(0xB2, 1, 0x42), RESET_DROP);
	EXPECT_EQ(verdict(0xB2, 2, 0x4202), RESET_DROP); /* the second byte is a command too */
	EXPECT_EQ(verdict(0x662, 1, 0), RESET_DROP);
	EXPECT_EQ(verdict(0x661, 2, 0x0100), RESET_DROP);
	EXPECT_EQ(passed(0x630, 4, 0xFFFFFFFF), 0xFFFFDFDF);
	EXPECT_EQ(passed(0x631, 1, 0x20), 0x00);
}

TEST(gcs_keeps_no_reboot)
{
	memset(&policy, 0, sizeof(policy));
	ASSERT_EQ(reset_policy_add(&policy, GUARD_NO_REBOOT, 0x410, 4, 0, 0), 0);
	EXPECT_EQ(passed(0x410, 4, 0), 0x20);
	EXPECT_EQ(passed(0x410, 1, 0), 0x20);
	EXPECT_EQ(passed(0x40E, 4, 0x00000000), 0x00200000);
	EXPECT_EQ(passed(0x411, 1, 0), 0);
}

TEST(cpu_eject_is_dropped)
{
	memset(&policy, 0, sizeof(policy));
	ASSERT_EQ(reset_policy_add(&policy, GUARD_CPU_HOTPLUG, 0xCD8, 12, 0, 0), 0);
	EXPECT_EQ(passed(0xCD8, 4, 3), 3); /* the selector */
	EXPECT_EQ(verdict(0xCDC, 1, 0x08), RESET_DROP);
	EXPECT_EQ(verdict(0xCDC, 4, 0x08), RESET_DROP);
	EXPECT_EQ(verdict(0xCD9, 4, 0x08000000), RESET_DROP);
	EXPECT_EQ(passed(0xCDC, 1, 0x02), 0x02); /* clear the insert event */
	EXPECT_EQ(passed(0xCDC, 1, 0x0A), 0x0A); /* QEMU clears the event and ejects nothing */
	EXPECT_EQ(passed(0xCDD, 1, 0x08), 0x08); /* the command byte */
}

TEST(fw_cfg_dma_is_dropped)
{
	memset(&policy, 0, sizeof(policy));
	ASSERT_EQ(reset_policy_add(&policy, GUARD_FW_CFG_DMA, 0x514, 8, 0, 0), 0);
	EXPECT_EQ(verdict(0x514, 4, 0), RESET_DROP);
	EXPECT_EQ(verdict(0x518, 4, 0x1000), RESET_DROP);
	EXPECT_EQ(verdict(0x511, 4, 0), RESET_DROP); /* its last byte is the address's first */
	EXPECT_EQ(passed(0x510, 2, 0x19), 0x19);     /* the selector: fw_cfg reads still work */
}

TEST(decision_names_the_register)
{
	q35();
	struct reset_decision d = reset_policy_write(&policy, 0xCF8, 2, 0x0400);
	EXPECT_EQ(d.verdict, RESET_REFUSE_RESET);
	EXPECT_EQ(d.port, 0xCF9);
	EXPECT_NOT_NULL(d.why);
	EXPECT_TRUE(reset_policy_covers(&policy, 0xCF8, 4));
	EXPECT_FALSE(reset_policy_covers(&policy, 0xCFC, 4));
}
