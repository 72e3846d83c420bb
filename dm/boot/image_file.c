/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading a guest image file (an ELF, a bzImage, an initrd) whole into memory, with a size limit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm/image_file.h"

static int fail(int fd, int rc, char *err, size_t err_size, const char *path, const char *why)
{
	snprintf(err, err_size, "cannot read %s: %s", path, why ? why : strerror(-rc));
	if (fd >= 0)
		close(fd);
	return rc;
}

int dm_image_file_read(const char *path, size_t max_size, uint8_t **data, size_t *size, char *err,
		       size_t err_size)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return fail(fd, -errno, err, err_size, path, NULL);
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > max_size) {
		snprintf(err, err_size, "%s: not a regular file of 1 byte to %zu MiB", path,
			 max_size >> 20);
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf)
		return fail(fd, -ENOMEM, err, err_size, path, "out of memory");
	while (done < (size_t)st.st_size) {
		ssize_t got = read(fd, buf + done, (size_t)st.st_size - done);

		if (got <= 0) {
			free(buf);
			return fail(fd, got < 0 ? -errno : -EIO, err, err_size, path,
				    got < 0 ? NULL : "the file shrank while it was read");
		}
		done += (size_t)got;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;
}
