/* SPDX-License-Identifier: BSD-3-Clause */
/* Intel VMX architectural constants: exit reasons, execution controls, capability MSRs, EPT bits. */
#ifndef CAIRN_VMX_VMX_H
#define CAIRN_VMX_VMX_H

/* Capability and control MSRs (SDM vol. 3, appendix A) */
#define MSR_IA32_FEATURE_CONTROL	  0x03Au
#define FEATURE_CONTROL_LOCKED		  (1u << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1u << 2)
#define MSR_IA32_VMX_BASIC		  0x480u
#define MSR_IA32_VMX_PINBASED_CTLS	  0x481u
#define MSR_IA32_VMX_PROCBASED_CTLS	  0x482u
#define MSR_IA32_VMX_EXIT_CTLS		  0x483u
#define MSR_IA32_VMX_ENTRY_CTLS		  0x484u
#define MSR_IA32_VMX_MISC		  0x485u
#define MSR_IA32_VMX_CR0_FIXED0		  0x486u
#define MSR_IA32_VMX_CR0_FIXED1		  0x487u
#define MSR_IA32_VMX_CR4_FIXED0		  0x488u
#define MSR_IA32_VMX_CR4_FIXED1		  0x489u
#define MSR_IA32_VMX_PROCBASED_CTLS2	  0x48Bu
#define MSR_IA32_VMX_EPT_VPID_CAP	  0x48Cu
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	  0x48Du
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS  0x48Eu
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	  0x48Fu
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	  0x490u

/* IA32_VMX_EPT_VPID_CAP bits */
#define EPT_CAP_WALK_LENGTH_4		(1ull << 6)
#define EPT_CAP_MT_UC			(1ull << 8)
#define EPT_CAP_MT_WB			(1ull << 14)
#define EPT_CAP_2M_PAGES		(1ull << 16)
#define EPT_CAP_1G_PAGES		(1ull << 17)
#define EPT_CAP_INVEPT			(1ull << 20)
#define EPT_CAP_INVEPT_SINGLE_CONTEXT	(1ull << 25)
#define EPT_CAP_INVEPT_ALL_CONTEXT	(1ull << 26)
#define VPID_CAP_INVVPID		(1ull << 32)
#define VPID_CAP_INVVPID_SINGLE_CONTEXT (1ull << 41)
#define VPID_CAP_INVVPID_ALL_CONTEXT	(1ull << 42)

/* INVEPT and INVVPID types */
#define INVEPT_SINGLE_CONTEXT  1u
#define INVEPT_ALL_CONTEXT     2u
#define INVVPID_SINGLE_CONTEXT 1u
#define INVVPID_ALL_CONTEXT    2u

/* Pin-based VM-execution controls */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1u << 0)
#define PIN_NMI_EXITING		       (1u << 3)
#define PIN_VIRTUAL_NMIS	       (1u << 5)
#define PIN_PREEMPTION_TIMER	       (1u << 6)

/* Primary processor-based VM-execution controls */
#define PROC_INTERRUPT_WINDOW_EXITING (1u << 2)
#define PROC_USE_TSC_OFFSETTING	      (1u << 3)
#define PROC_HLT_EXITING	      (1u << 7)
#define PROC_INVLPG_EXITING	      (1u << 9)
#define PROC_MWAIT_EXITING	      (1u << 10)
#define PROC_RDPMC_EXITING	      (1u << 11)
#define PROC_RDTSC_EXITING	      (1u << 12)
#define PROC_CR3_LOAD_EXITING	      (1u << 15)
#define PROC_CR3_STORE_EXITING	      (1u << 16)
#define PROC_CR8_LOAD_EXITING	      (1u << 19)
#define PROC_CR8_STORE_EXITING	      (1u << 20)
#define PROC_USE_TPR_SHADOW	      (1u << 21)
#define PROC_NMI_WINDOW_EXITING	      (1u << 22)
#define PROC_MOV_DR_EXITING	      (1u << 23)
#define PROC_UNCONDITIONAL_IO_EXITING (1u << 24)
#define PROC_USE_IO_BITMAPS	      (1u << 25)
#define PROC_MONITOR_TRAP_FLAG	      (1u << 27)
#define PROC_USE_MSR_BITMAPS	      (1u << 28)
#define PROC_MONITOR_EXITING	      (1u << 29)
#define PROC_PAUSE_EXITING	      (1u << 30)
#define PROC_ACTIVATE_SECONDARY	      (1u << 31)

/* Secondary processor-based VM-execution controls */
#define PROC2_VIRTUALIZE_APIC_ACCESSES (1u << 0)
#define PROC2_ENABLE_EPT	       (1u << 1)
#define PROC2_DESCRIPTOR_TABLE_EXITING (1u << 2)
#define PROC2_ENABLE_RDTSCP	       (1u << 3)
#define PROC2_VIRTUALIZE_X2APIC	       (1u << 4)
#define PROC2_ENABLE_VPID	       (1u << 5)
#define PROC2_WBINVD_EXITING	       (1u << 6)
#define PROC2_UNRESTRICTED_GUEST       (1u << 7)
#define PROC2_ENABLE_INVPCID	       (1u << 12)
#define PROC2_ENABLE_XSAVES	       (1u << 20)
#define PROC2_MODE_BASED_EPT_EXEC      (1u << 22)

/* VM-exit controls */
#define EXIT_CTL_SAVE_DEBUG_CONTROLS   (1u << 2)
#define EXIT_CTL_HOST_ADDR_SPACE_SIZE  (1u << 9) /* the host runs in 64-bit mode */
#define EXIT_CTL_LOAD_PERF_GLOBAL_CTRL (1u << 12)
#define EXIT_CTL_ACK_INTERRUPT_ON_EXIT (1u << 15)
#define EXIT_CTL_SAVE_IA32_PAT	       (1u << 18)
#define EXIT_CTL_LOAD_IA32_PAT	       (1u << 19)
#define EXIT_CTL_SAVE_IA32_EFER	       (1u << 20)
#define EXIT_CTL_LOAD_IA32_EFER	       (1u << 21)
#define EXIT_CTL_SAVE_PREEMPTION_TIMER (1u << 22)

/* VM-entry controls */
#define ENTRY_CTL_LOAD_DEBUG_CONTROLS	(1u << 2)
#define ENTRY_CTL_IA32E_MODE_GUEST	(1u << 9)
#define ENTRY_CTL_LOAD_PERF_GLOBAL_CTRL (1u << 13)
#define ENTRY_CTL_LOAD_IA32_PAT		(1u << 14)
#define ENTRY_CTL_LOAD_IA32_EFER	(1u << 15)

/* Basic exit reasons (SDM vol. 3, appendix C): bits 15:0 of the exit reason field */
#define VMX_EXIT_EXCEPTION_NMI	     0u
#define VMX_EXIT_EXTERNAL_INTERRUPT  1u
#define VMX_EXIT_TRIPLE_FAULT	     2u
#define VMX_EXIT_INIT		     3u
#define VMX_EXIT_SIPI		     4u
#define VMX_EXIT_IO_SMI		     5u
#define VMX_EXIT_OTHER_SMI	     6u
#define VMX_EXIT_INTERRUPT_WINDOW    7u
#define VMX_EXIT_NMI_WINDOW	     8u
#define VMX_EXIT_TASK_SWITCH	     9u
#define VMX_EXIT_CPUID		     10u
#define VMX_EXIT_GETSEC		     11u
#define VMX_EXIT_HLT		     12u
#define VMX_EXIT_INVD		     13u
#define VMX_EXIT_INVLPG		     14u
#define VMX_EXIT_RDPMC		     15u
#define VMX_EXIT_RDTSC		     16u
#define VMX_EXIT_RSM		     17u
#define VMX_EXIT_VMCALL		     18u
#define VMX_EXIT_VMCLEAR	     19u
#define VMX_EXIT_VMLAUNCH	     20u
#define VMX_EXIT_VMPTRLD	     21u
#define VMX_EXIT_VMPTRST	     22u
#define VMX_EXIT_VMREAD		     23u
#define VMX_EXIT_VMRESUME	     24u
#define VMX_EXIT_VMWRITE	     25u
#define VMX_EXIT_VMXOFF		     26u
#define VMX_EXIT_VMXON		     27u
#define VMX_EXIT_CR_ACCESS	     28u
#define VMX_EXIT_MOV_DR		     29u
#define VMX_EXIT_IO		     30u
#define VMX_EXIT_RDMSR		     31u
#define VMX_EXIT_WRMSR		     32u
#define VMX_EXIT_INVALID_GUEST_STATE 33u /* VM-entry failure */
#define VMX_EXIT_MSR_LOADING	     34u /* VM-entry failure */
#define VMX_EXIT_MWAIT		     36u
#define VMX_EXIT_MONITOR_TRAP_FLAG   37u
#define VMX_EXIT_MONITOR	     39u
#define VMX_EXIT_PAUSE		     40u
#define VMX_EXIT_MACHINE_CHECK	     41u /* VM-entry failure */
#define VMX_EXIT_TPR_BELOW_THRESHOLD 43u
#define VMX_EXIT_APIC_ACCESS	     44u
#define VMX_EXIT_VIRTUALIZED_EOI     45u
#define VMX_EXIT_GDTR_IDTR_ACCESS    46u
#define VMX_EXIT_LDTR_TR_ACCESS	     47u
#define VMX_EXIT_EPT_VIOLATION	     48u
#define VMX_EXIT_EPT_MISCONFIG	     49u
#define VMX_EXIT_INVEPT		     50u
#define VMX_EXIT_RDTSCP		     51u
#define VMX_EXIT_PREEMPTION_TIMER    52u
#define VMX_EXIT_INVVPID	     53u
#define VMX_EXIT_WBINVD		     54u /* WBINVD or WBNOINVD */
#define VMX_EXIT_XSETBV		     55u
#define VMX_EXIT_APIC_WRITE	     56u
#define VMX_EXIT_RDRAND		     57u
#define VMX_EXIT_INVPCID	     58u
#define VMX_EXIT_VMFUNC		     59u
#define VMX_EXIT_RDSEED		     61u
#define VMX_EXIT_XSAVES		     63u
#define VMX_EXIT_XRSTORS	     64u

#define VMX_EXIT_REASON_BASIC	      0xFFFFu
#define VMX_EXIT_REASON_ENTRY_FAILURE (1u << 31)

/* VM-exit interruption information and IDT-vectoring information (SDM vol. 3, 25.9.2) */
#define INTR_INFO_VECTOR_MASK		  0xFFu
#define INTR_INFO_TYPE_SHIFT		  8
#define INTR_INFO_TYPE_MASK		  (7u << INTR_INFO_TYPE_SHIFT)
#define INTR_TYPE_EXTERNAL_INTERRUPT	  0u
#define INTR_TYPE_NMI			  2u
#define INTR_TYPE_HARDWARE_EXCEPTION	  3u
#define INTR_TYPE_SOFTWARE_INTERRUPT	  4u
#define INTR_TYPE_PRIV_SOFTWARE_EXCEPTION 5u /* INT1 */
#define INTR_TYPE_SOFTWARE_EXCEPTION	  6u /* INT3, INTO */
#define INTR_INFO_ERROR_CODE_VALID	  (1u << 11)
#define INTR_INFO_NMI_UNBLOCKED_BY_IRET	  (1u << 12)
#define INTR_INFO_VALID			  (1u << 31)

/* Exit qualification of an I/O instruction (SDM vol. 3, table 28-5) */
#define IO_QUAL_SIZE_MASK  0x7u /* size - 1 */
#define IO_QUAL_IN	   (1u << 3)
#define IO_QUAL_STRING	   (1u << 4)
#define IO_QUAL_REP	   (1u << 5)
#define IO_QUAL_IMMEDIATE  (1u << 6)
#define IO_QUAL_PORT_SHIFT 16

/* Exit qualification of an EPT violation (SDM vol. 3, table 28-7) */
#define EPT_QUAL_READ		   (1u << 0)
#define EPT_QUAL_WRITE		   (1u << 1)
#define EPT_QUAL_FETCH		   (1u << 2)
#define EPT_QUAL_READABLE	   (1u << 3) /* what the entries allowed: none set = not present */
#define EPT_QUAL_WRITABLE	   (1u << 4)
#define EPT_QUAL_EXECUTABLE	   (1u << 5)
#define EPT_QUAL_LINEAR_VALID	   (1u << 7)
#define EPT_QUAL_TRANSLATED_ACCESS (1u << 8)

/* EPT paging-structure entries (SDM vol. 3, 29.3.2) */
#define EPT_READ       (1ull << 0)
#define EPT_WRITE      (1ull << 1)
#define EPT_EXEC       (1ull << 2)
#define EPT_MT_SHIFT   3
#define EPT_MT_MASK    (7ull << EPT_MT_SHIFT)
#define EPT_MT_UC      0ull
#define EPT_MT_WB      6ull
#define EPT_IGNORE_PAT (1ull << 6)
#define EPT_LARGE      (1ull << 7)
#define EPT_ACCESSED   (1ull << 8)
#define EPT_DIRTY      (1ull << 9)

/* EPTP (SDM vol. 3, 25.6.11) */
#define EPTP_MT_WB	    6ull
#define EPTP_WALK_LENGTH_4  (3ull << 3) /* page-walk length - 1 */
#define EPTP_ACCESSED_DIRTY (1ull << 6)

#endif
