/* SPDX-License-Identifier: BSD-3-Clause */
/* core/virt.h for both vendors: picks the SVM or VMX backend once from CPUID and forwards to it. */
#include "lib/errno.h"
#include "lib/format.h"
#include "x86/cpu.h"
#include "x86/virt_backend.h"

#define CPUID_1_ECX_VMX	   (1u << 5)
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_ECX_SVM  (1u << 2)

/* Chosen by the first call (the boot banner), before any other pCPU starts; never changed. */
static const struct virt_backend *backend;
static char vendor[13];

static int none_check_support(char *reason, size_t len)
{
	format_snprintf(
		reason, len,
		"this CPU (vendor \"%s\") has neither Intel VMX (CPUID 1 ECX[5]) nor AMD SVM "
		"(CPUID 8000_0001h ECX[2])",
		vendor);
	return -ENODEV;
}

/* Only the name and the support check are ever called: start-up halts when the check fails. */
static const struct virt_backend none_backend = {
	.name = "no VMX or SVM",
	.check_support = none_check_support,
};

static bool vendor_is(const char *name)
{
	for (int i = 0; i < 12; i++)
		if (vendor[i] != name[i])
			return false;
	return true;
}

static bool has_svm(void)
{
	return cpuid(0x80000000, 0).eax >= CPUID_EXT_FEATURES &&
	       (cpuid(CPUID_EXT_FEATURES, 0).ecx & CPUID_EXT_ECX_SVM);
}

static const struct virt_backend *choose(void)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t words[3] = { r.ebx, r.edx, r.ecx };

	for (int i = 0; i < 12; i++)
		vendor[i] = (char)(words[i / 4] >> (8 * (i % 4)));
	vendor[12] = 0;
	/* The vendor decides, so that its own backend says what is missing (in its words). */
	if (vendor_is("GenuineIntel"))
		return &vmx_backend;
	if (vendor_is("AuthenticAMD") || vendor_is("HygonGenuine"))
		return &svm_backend;
	if (cpuid(1, 0).ecx & CPUID_1_ECX_VMX)
		return &vmx_backend;
	if (has_svm())
		return &svm_backend;
	return &none_backend;
}

uint8_t virt_backend_has_gif;

static const struct virt_backend *chosen(void)
{
	if (!backend) {
		backend = choose();
		virt_backend_has_gif = backend->has_gif;
	}
	return backend;
}

const char *virt_vendor_name(void)
{
	return chosen()->name;
}

int virt_check_support(char *reason, size_t len)
{
	return chosen()->check_support(reason, len);
}

int virt_cpu_enable(struct pcpu *cpu)
{
	return backend->cpu_enable(cpu);
}

void virt_backend_host_nmi(void)
{
	if (backend && backend->host_nmi)
		backend->host_nmi();
}

int virt_vm_init(struct vm *vm)
{
	return backend->vm_init(vm);
}

void virt_vm_destroy(struct vm *vm)
{
	backend->vm_destroy(vm);
}

int virt_vm_map(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size, uint32_t rights)
{
	return backend->vm_map(vm, gpa, hpa, size, rights);
}

int virt_vm_unmap(struct vm *vm, uint64_t gpa, uint64_t size)
{
	return backend->vm_unmap(vm, gpa, size);
}

int virt_vm_translate(struct vm *vm, uint64_t gpa, uint64_t *hpa, uint32_t *rights)
{
	return backend->vm_translate(vm, gpa, hpa, rights);
}

void virt_vm_trap_io(struct vm *vm, uint16_t port, uint32_t count, bool trap)
{
	backend->vm_trap_io(vm, port, count, trap);
}

int virt_vcpu_init(struct vcpu *vcpu)
{
	return backend->vcpu_init(vcpu);
}

void virt_vcpu_destroy(struct vcpu *vcpu)
{
	backend->vcpu_destroy(vcpu);
}

int virt_vcpu_set_state(struct vcpu *vcpu, const struct vcpu_arch_state *state)
{
	return backend->vcpu_set_state(vcpu, state);
}

void virt_vcpu_run(struct vcpu *vcpu, struct vm_exit *exit)
{
	backend->vcpu_run(vcpu, exit);
}

uint64_t virt_vcpu_rip(struct vcpu *vcpu)
{
	return backend->vcpu_rip(vcpu);
}

void virt_vcpu_set_rip(struct vcpu *vcpu, uint64_t rip)
{
	backend->vcpu_set_rip(vcpu, rip);
}

uint64_t virt_vcpu_rflags(struct vcpu *vcpu)
{
	return backend->vcpu_rflags(vcpu);
}

unsigned virt_vcpu_cpl(struct vcpu *vcpu)
{
	return backend->vcpu_cpl(vcpu);
}

void virt_vcpu_mode(struct vcpu *vcpu, struct vcpu_mode *mode)
{
	backend->vcpu_mode(vcpu, mode);
}

void virt_vcpu_inject_exception(struct vcpu *vcpu, uint8_t vector, uint32_t error_code)
{
	backend->vcpu_inject_exception(vcpu, vector, error_code);
}

void virt_vcpu_inject_nmi(struct vcpu *vcpu)
{
	backend->vcpu_inject_nmi(vcpu);
}

uint64_t virt_vcpu_efer(struct vcpu *vcpu)
{
	return backend->vcpu_efer(vcpu);
}

int virt_vcpu_set_efer(struct vcpu *vcpu, uint64_t efer)
{
	return backend->vcpu_set_efer(vcpu, efer);
}

void virt_take_pending_nmi(void)
{
	backend->take_pending_nmi();
}
