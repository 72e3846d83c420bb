/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * INVD, WBINVD and WBNOINVD in a guest. INVD would drop every dirty line of the pCPU's caches,
 * the hypervisor's included: it is always intercepted and handled as WBINVD, never a discard.
 * WBINVD/WBNOINVD flush caches the pCPU shares with other cores (a stall partitions would feel):
 * done for the Service VM, whose devices may need it, and a no-op for partitions, which own no
 * device and whose memory is coherent. See docs/isolation.md.
 */
#include "core/guest_mem.h"
#include "core/virt.h"
#include "core/vm.h"
#include "x86/guest/exit_handlers.h"

#define MAX_INSN_LEN 15

static bool is_legacy_prefix(uint8_t b)
{
	return b == 0x26 || b == 0x2E || b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65 ||
	       b == 0x66 || b == 0x67 || b == 0xF0 || b == 0xF2 || b == 0xF3;
}

/*
 * Length of the INVD (0F 08) or WBINVD/WBNOINVD ([F3] 0F 09) at RIP, prefixes included; 0 if
 * neither. Either exit may be either instruction: QEMU 7.2 reports INVD with WBINVD's exit code.
 */
static unsigned cache_insn_length(struct vcpu *vcpu)
{
	struct vcpu_mode pg;
	uint8_t b[MAX_INSN_LEN];
	unsigned i = 0;

	virt_vcpu_mode(vcpu, &pg);
	if (guest_virt_read(vcpu, pg.cs_base + virt_vcpu_rip(vcpu), b, sizeof(b)) &&
	    guest_virt_read(vcpu, pg.cs_base + virt_vcpu_rip(vcpu), b, 3))
		return 0; /* neither 15 bytes nor the 3 the common forms need are readable */
	while (i < MAX_INSN_LEN - 2 && is_legacy_prefix(b[i]))
		i++;
	if (pg.long_mode_code && i < MAX_INSN_LEN - 2 && (b[i] & 0xF0) == 0x40)
		i++; /* REX */
	if (b[i] == 0x0F && (b[i + 1] == 0x08 || b[i + 1] == 0x09))
		return i + 2;
	return 0;
}

int guest_cache_flush_exit(struct vcpu *vcpu, const struct vm_exit *exit)
{
	unsigned len = cache_insn_length(vcpu);

	if (!len)
		return vcpu_fault(vcpu, "%s exit at RIP 0x%lx that does not decode",
				  exit->cache.discard ? "INVD" : "WBINVD", virt_vcpu_rip(vcpu));
	if (vcpu->vm->config->kind == VM_KIND_SERVICE)
		__asm__ volatile("wbinvd" ::: "memory");
	virt_vcpu_set_rip(vcpu, virt_vcpu_rip(vcpu) + len);
	return 0;
}
