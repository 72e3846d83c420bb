// SPDX-License-Identifier: GPL-2.0-only
/* The Cairn service device: a PCI driver whose MSI is the hypervisor's upcall (a request was posted). */
#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/pci.h>

#include "cairn/service_dev.h"
#include "hsm_drv.h"

/*
 * Debian's kernel has no ACRN upcall vector (CONFIG_ACRN_GUEST is off), so the hypervisor shows
 * the Service VM one emulated PCI function (abi/cairn/service_dev.h) and sends its MSI when a
 * User VM posts a request. Its handler only schedules the dispatch work (ioreq.c).
 */
static atomic_t bound = ATOMIC_INIT(0);

static irqreturn_t upcall(int irq, void *data)
{
	hsm_ioreq_kick();
	return IRQ_HANDLED;
}

static int probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int ret = pci_enable_device(pdev);

	if (ret)
		return ret;
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	if (ret < 0) {
		dev_err(&pdev->dev, "cairn_hsm: no MSI for the service device (%d)\n", ret);
		goto disable;
	}
	ret = request_irq(pci_irq_vector(pdev, 0), upcall, 0, "cairn_hsm", pdev);
	if (ret) {
		dev_err(&pdev->dev, "cairn_hsm: request_irq: %d\n", ret);
		goto vectors;
	}
	atomic_inc(&bound);
	dev_info(&pdev->dev, "cairn_hsm: upcalls on irq %d\n", pci_irq_vector(pdev, 0));
	hsm_ioreq_kick(); /* anything posted before the MSI was enabled */
	return 0;

vectors:
	pci_free_irq_vectors(pdev);
disable:
	pci_disable_device(pdev);
	return ret;
}

static void remove(struct pci_dev *pdev)
{
	free_irq(pci_irq_vector(pdev, 0), pdev);
	pci_free_irq_vectors(pdev);
	pci_disable_device(pdev);
	atomic_dec(&bound);
}

static const struct pci_device_id ids[] = {
	{ PCI_DEVICE(CAIRN_SERVICE_DEV_VENDOR, CAIRN_SERVICE_DEV_DEVICE) },
	{},
};
MODULE_DEVICE_TABLE(pci, ids);

static struct pci_driver driver = {
	.name = "cairn_hsm",
	.id_table = ids,
	.probe = probe,
	.remove = remove,
};

int hsm_service_dev_register(void)
{
	return pci_register_driver(&driver);
}

void hsm_service_dev_unregister(void)
{
	pci_unregister_driver(&driver);
}

bool hsm_service_dev_bound(void)
{
	return atomic_read(&bound) > 0;
}
