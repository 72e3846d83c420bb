/* Ports through which a Service VM could reset or power off the whole machine: trapped, contained. */
#include "acpi/acpi.h"
#include "core/console.h"
#include "core/vm_lifecycle.h"
#include "lib/format.h"
#include "lib/string.h"
#include "x86/cpu.h"
#include "x86/platform.h"
#include "x86/port_guard.h"

#define PORT_RESET_CONTROL 0xCF9
#define PORT_KBC_COMMAND   0x64
#define RESET_CPU	   0x04 /* 0xCF9 bit 2 starts a reset */
#define KBC_PULSE_RESET	   0xFE
#define FADT_PM1A_CNT	   64
#define PM1_SLP_EN	   (1u << 13)

static uint16_t pm1a_control_port(void)
{
	const struct acpi_sdt_header *fadt = acpi_find_table(platform.rsdp, "FACP");
	uint32_t port = 0;

	if (fadt && fadt->length >= FADT_PM1A_CNT + 4)
		memcpy(&port, (const uint8_t *)fadt + FADT_PM1A_CNT, 4);
	return port <= 0xFFFF ? (uint16_t)port : 0;
}

static void contain(struct vm *vm, const char *what, uint16_t port, uint32_t value)
{
	char why[96];

	format_snprintf(why, sizeof(why), "%s (port 0x%x <- 0x%x)", what, port, value);
	vm_fault_external(vm, why);
}

static void guard_read(struct vm *vm, void *opaque, uint16_t port, uint8_t size, uint32_t *value)
{
	*value = port_read(port, size);
}

static void guard_write(struct vm *vm, void *opaque, uint16_t port, uint8_t size, uint32_t value)
{
	uint16_t pm1a = (uint16_t)(uintptr_t)opaque;

	if (port == PORT_RESET_CONTROL && (value & RESET_CPU))
		contain(vm, "asked for a machine reset", port, value);
	else if (port == PORT_KBC_COMMAND && (value & 0xFF) == KBC_PULSE_RESET)
		contain(vm, "asked for a machine reset", port, value);
	else if (pm1a && port == pm1a && (value & PM1_SLP_EN))
		vm_stop(vm, "it powered the machine off");
	else
		port_write(port, size, value);
}

int port_guard_attach(struct vm *vm)
{
	uint16_t pm1a = pm1a_control_port();
	const uint16_t ports[] = { PORT_RESET_CONTROL, PORT_KBC_COMMAND, pm1a };
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ports) && !err; i++) {
		if (!ports[i])
			continue;
		struct io_handler h = {
			.port = ports[i],
			.count = ports[i] == pm1a ? 2 : 1,
			.read = guard_read,
			.write = guard_write,
			.opaque = (void *)(uintptr_t)pm1a,
		};
		err = vm_add_io_handler(vm, &h);
	}
	return err;
}
