/* SPDX-License-Identifier: BSD-3-Clause */
/* A small AML writer for the DSDT cairn-dm builds: names, integers, scopes, devices, resources. */
#ifndef CAIRN_DM_AML_H
#define CAIRN_DM_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An AML byte stream being written into buf; overflow is sticky and leaves len unchanged. */
struct aml {
	uint8_t *buf;
	size_t len, cap;
	bool overflow;
};

/* Where an open scope, device, buffer or package began (for aml_close()). */
typedef size_t aml_mark;

void aml_init(struct aml *a, uint8_t *buf, size_t cap);
void aml_bytes(struct aml *a, const void *bytes, size_t n);
/* "\\_SB_", "PCI0", "_HID": a name string of 4-character segments ('_'-padded), root-prefixed. */
void aml_name_string(struct aml *a, const char *name);
/* Integers in their shortest encoding (ZeroOp, OneOp, byte, word, dword or qword constant). */
void aml_integer(struct aml *a, uint64_t value);
/* A string constant ("QEMU0001"). */
void aml_string(struct aml *a, const char *text);
/* An EISA ID ("PNP0A03") as the compressed DWORD _HID takes. */
void aml_eisa_id(struct aml *a, const char *id);
/* Name (NAME, ...): the caller writes the object next. */
void aml_name(struct aml *a, const char *name);

aml_mark aml_scope(struct aml *a, const char *name);
aml_mark aml_device(struct aml *a, const char *name);
/* Package (n) { ...n objects... } */
aml_mark aml_package(struct aml *a, uint8_t elements);
/* Ends what the mark opened: writes its PkgLength (and a buffer's size). */
void aml_close(struct aml *a, aml_mark mark);

/* A resource template: Buffer () { descriptors..., end tag }. */
aml_mark aml_resources(struct aml *a);
void aml_resources_end(struct aml *a, aml_mark mark);
void aml_res_io(struct aml *a, uint16_t base, uint8_t length);
void aml_res_irq(struct aml *a, uint8_t irq);
/* Address-space windows a root bridge produces (MinFixed, MaxFixed, PosDecode). */
void aml_res_bus_numbers(struct aml *a, uint16_t first, uint16_t last);
void aml_res_io_window(struct aml *a, uint16_t first, uint16_t last);
void aml_res_mem32_window(struct aml *a, uint32_t first, uint32_t last);

#endif
