/* SPDX-License-Identifier: BSD-3-Clause */
/* The VMX backend's table of core/virt.h functions (chosen by arch/x86/virt_backend.c). */
#include "lib/errno.h"
#include "lib/format.h"
#include "x86/virt_backend.h"

static int vmx_check_support(char *reason, size_t len)
{
	format_snprintf(reason, len, "this is an Intel CPU; the VMX backend is not written yet");
	return -ENODEV;
}

const struct virt_backend vmx_backend = {
	.name = "Intel VMX",
	.check_support = vmx_check_support,
};
