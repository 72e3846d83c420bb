/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading a guest image file (an ELF, a bzImage, an initrd) whole into memory, with a size limit. */
#ifndef CAIRN_DM_IMAGE_FILE_H
#define CAIRN_DM_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads the regular file at path (1 byte to max_size) into a malloc'd buffer: 0 with *data and
 * *size set (free(*data) after), or -errno with a one-line reason naming the file in err.
 */
int dm_image_file_read(const char *path, size_t max_size, uint8_t **data, size_t *size, char *err,
		       size_t err_size);

#endif
