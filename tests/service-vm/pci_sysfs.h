/* SPDX-License-Identifier: BSD-3-Clause */
/* Finding a PCI function in the Service VM's sysfs by vendor and device ID (test programs). */
#ifndef CAIRN_SVM_PCI_SYSFS_H
#define CAIRN_SVM_PCI_SYSFS_H

#include <dirent.h>
#include <stddef.h>
#include <stdio.h>

/* The hex value of /sys/bus/pci/devices/<dir>/<name> (vendor, device...), 0 if unreadable. */
static inline unsigned pci_sysfs_hex(const char *dir, const char *name)
{
	char path[512];
	unsigned v = 0;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%x", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/* Writes the sysfs name (e.g. 0000:00:04.0) of the first vendor:device function to bdf; 0 or -1. */
static inline int pci_sysfs_find(unsigned vendor, unsigned device, char *bdf, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.' && pci_sysfs_hex(e->d_name, "vendor") == vendor &&
		    pci_sysfs_hex(e->d_name, "device") == device) {
			snprintf(bdf, len, "%s", e->d_name);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -1;
}

#endif
