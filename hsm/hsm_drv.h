/* SPDX-License-Identifier: GPL-2.0-only */
/* The HSM's objects (VMs, I/O clients, memory segments) and what its files call across each other. */
#ifndef CAIRN_HSM_DRV_H
#define CAIRN_HSM_DRV_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "cairn/acrn.h"
#include "cairn/acrn_hsm.h"
#include "cairn/cairn_hsm.h"
#include "dispatch.h"

#define HSM_INVALID_VMID      0xFFFFu
#define HSM_MAX_RANGES	      128 /* per VM: range clients' and ioeventfds' ranges together */
#define HSM_MAX_RANGE_CLIENTS 16
#define HSM_MAX_MEMSEGS	      64
#define HSM_IOEVENTFD_SEQ     0 /* the in-kernel ioeventfd client comes before every range client */

struct hsm_vm;

/*
 * An I/O client. The default client (one per VM, ACRN's) is served by the userspace thread
 * blocked in ATTACH, which reads the request page itself. A range client (Cairn's) is served
 * through FETCH / COMPLETE and never sees the page. `pending`: vCPUs whose request was handed
 * to this client and not yet fetched (range) or finished (default); `held`: fetched, not yet
 * completed (range clients only). A waiter holds a reference, so destroying a client that a
 * thread is blocked on is safe: it is marked `destroying`, woken, and freed by the last put.
 */
struct hsm_client {
	struct kref ref;
	struct hsm_vm *vm;
	struct list_head list; /* vm->clients, in creation order */
	wait_queue_head_t wq;
	u32 id;	 /* 0: the default client */
	u32 seq; /* creation number: range lookup order */
	bool is_default;
	bool destroying;
	unsigned long pending;
	unsigned long held;
	u32 type;
	u64 start, end;
	char name[17];
	u64 dispatched, completed;
};

/* One SET_MEMSEG of RAM: its pinned pages, unpinned only after the hypervisor unmapped them. */
struct hsm_memseg {
	struct list_head list;
	u64 user_vm_pa;
	u64 len;
	unsigned long npages;
	struct page **pages;
};

struct hsm_counters {
	u64 dispatched;	 /* requests moved PENDING -> PROCESSING */
	u64 to_default;	 /* ... of them to the default client */
	u64 to_range;	 /* ... to range clients */
	u64 ioeventfd;	 /* ... answered by the ioeventfd client */
	u64 conf_addr;	 /* 0xCF8 accesses and disabled 0xCFC-0xCFF accesses answered here */
	u64 pci_cfg;	 /* 0xCFC-0xCFF accesses turned into PCI-config requests */
	u64 bad;	 /* malformed slots: answered all-ones / dropped */
	u64 scribbled;	 /* PENDING slots a range client still holds: left alone */
	u64 no_client;	 /* PENDING requests with no client to take them (left PENDING) */
	u64 orphaned;	 /* requests of a destroyed client or a clear, answered all-ones */
	u64 completed;	 /* PROCESSING -> COMPLETE */
	u64 stale;	 /* completions for a slot that was not PROCESSING: left alone */
	u64 notify_fail; /* HC_NOTIFY_REQUEST_FINISH that failed */
};

/* The VM of one open /dev/acrn_hsm (created by CREATE_VM; vmid HSM_INVALID_VMID before). */
struct hsm_vm {
	struct mutex life_lock; /* create, destroy, memory, hypercalls naming vmid: outermost */
	struct mutex lock;	/* clients, ranges, slots, counters; taken after hsm_vms_lock */
	struct list_head list;	/* hsm_vms, while live */
	u16 vmid;
	u16 vcpu_num;
	u64 cpu_affinity; /* CREATE_VM's: the pCPUs (Service VM CPU numbers) the VM runs on */
	bool live;	  /* created and not destroyed */
	bool polling;	  /* GUEST_FLAG_IO_COMPLETION_POLLING: no notification hypercall */
	bool exitless;	  /* CAIRN_GUEST_FLAG_IO_EXITLESS: its device model serves the page */
	char name[17];
	struct page *ioreq_page;
	struct acrn_io_request_buffer *ioreq_buf;
	struct acrn_io_request *inflight; /* per vCPU, the request as dispatched (a page) */
	struct hsm_client *holder[ACRN_IO_REQUEST_MAX];
	u32 conf_addr; /* the 0xCF8 latch */
	struct hsm_client *default_client;
	struct list_head clients; /* range clients */
	u32 next_client_id;
	unsigned int nranges;
	struct hsm_range *ranges;
	struct list_head ioeventfds;
	struct mutex irqfds_lock;
	struct list_head irqfds;
	struct workqueue_struct *irqfd_wq;
	struct list_head memsegs;
	unsigned int nmemsegs;
	struct hsm_counters stats;
	struct dentry *debugfs;
};

/* How its requests complete, for logs and debugfs. */
static inline const char *hsm_vm_completion(const struct hsm_vm *vm)
{
	return vm->exitless ? "exit-less" : vm->polling ? "polling" : "notification";
}

extern struct miscdevice hsm_miscdev;
extern struct mutex hsm_vms_lock;
extern struct list_head hsm_vms;

/* vm.c */
void hsm_vm_init(struct hsm_vm *vm);
int hsm_vm_create(struct hsm_vm *vm, struct acrn_vm_creation *param);
int hsm_vm_destroy(struct hsm_vm *vm);

/* mm.c */
int hsm_memseg_map(struct hsm_vm *vm, const struct acrn_vm_memmap *map);
int hsm_memseg_unmap(struct hsm_vm *vm, const struct acrn_vm_memmap *map);
void hsm_mm_unmap_all(struct hsm_vm *vm,
		      bool unpin); /* after HC_DESTROY_VM; unpin only if it worked */

/* ioreq.c: the request page, clients, dispatch and completion */
int hsm_ioreq_init(void);
void hsm_ioreq_exit(void);
void hsm_ioreq_kick(void); /* an upcall: schedule a dispatch of every VM */
u64 hsm_upcalls(void);
int hsm_ioreq_page_pin(struct hsm_vm *vm, u64 user_addr);
int hsm_ioreq_page_register(struct hsm_vm *vm);
void hsm_ioreq_page_release(struct hsm_vm *vm);
void hsm_ioreq_dispatch_locked(struct hsm_vm *vm);
void hsm_ioreq_destroy_clients_locked(struct hsm_vm *vm);
void hsm_ioreq_forget_locked(struct hsm_vm *vm); /* after HC_RESET_VM: nothing in flight */
int hsm_default_client_create(struct hsm_vm *vm);
int hsm_default_client_destroy(struct hsm_vm *vm);
int hsm_default_client_attach(struct hsm_vm *vm);
int hsm_default_client_finish(struct hsm_vm *vm, u32 vcpu);
void hsm_ioreq_clear(struct hsm_vm *vm);
int hsm_range_client_create(struct hsm_vm *vm, struct cairn_ioreq_range_client *arg);
int hsm_range_client_fetch(struct hsm_vm *vm, struct cairn_ioreq_fetch *arg);
int hsm_range_client_complete(struct hsm_vm *vm, const struct cairn_ioreq_complete *arg);
int hsm_range_client_destroy(struct hsm_vm *vm, u32 id);

/* ioeventfd.c: the in-kernel client that signals eventfds for writes */
int hsm_ioeventfd_config(struct hsm_vm *vm, const struct acrn_ioeventfd *arg);
void hsm_ioeventfd_serve_locked(struct hsm_vm *vm, const struct acrn_io_request *req);
void hsm_ioeventfd_init(struct hsm_vm *vm);
void hsm_ioeventfd_release_locked(struct hsm_vm *vm);
bool hsm_ioeventfd_owns(const struct hsm_vm *vm, const void *owner);

/* irqfd.c: eventfds that inject an MSI when signalled */
int hsm_irqfd_init(struct hsm_vm *vm);
int hsm_irqfd_config(struct hsm_vm *vm, const struct acrn_irqfd *arg);
void hsm_irqfd_release(struct hsm_vm *vm);

/* service_dev.c: the Cairn service device's MSI is the upcall */
int hsm_service_dev_register(void);
void hsm_service_dev_unregister(void);
bool hsm_service_dev_bound(void);

/* debugfs.c */
void hsm_debugfs_init(void);
void hsm_debugfs_exit(void);
void hsm_debugfs_add_vm(struct hsm_vm *vm);
void hsm_debugfs_remove_vm(struct hsm_vm *vm);

#endif
