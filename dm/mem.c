/* SPDX-License-Identifier: BSD-3-Clause */
/* User VM RAM: 2 MiB huge pages from a hugetlb memfd, mapped at GPA 0, and gpa_to_hva(). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dm/config.h"
#include "dm/mem.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21u << 26) /* log2(2 MiB) << MFD_HUGE_SHIFT */
#endif

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages/hugepages-2048kB/"

static int read_count(const char *name, uint64_t *value)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), HUGEPAGES_DIR "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return sscanf(buf, "%" SCNu64, value) == 1 ? 0 : -EIO;
}

static int write_count(const char *name, uint64_t value)
{
	char path[128], buf[32];
	int fd, len, err = 0;

	snprintf(path, sizeof(path), HUGEPAGES_DIR "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", value);
	ssize_t n = write(fd, buf, (size_t)len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

/* Makes sure `pages` free huge pages exist; records how many it added. */
static int reserve_pages(struct dm_mem *mem, uint64_t pages)
{
	uint64_t free_pages, total, now;
	int err;

	if (read_count("free_hugepages", &free_pages) || read_count("nr_hugepages", &total))
		return -ENOSYS; /* no 2 MiB hugetlb pages in this kernel */
	if (free_pages >= pages)
		return 0;
	err = write_count("nr_hugepages", total + (pages - free_pages));
	if (err)
		return err;
	if (read_count("nr_hugepages", &now))
		return -EIO;
	mem->pages_added = now > total ? now - total : 0;
	return now >= total + (pages - free_pages) ? 0 : -ENOMEM;
}

static void release_pages(struct dm_mem *mem)
{
	uint64_t total;

	if (mem->pages_added && !read_count("nr_hugepages", &total))
		write_count("nr_hugepages",
			    total > mem->pages_added ? total - mem->pages_added : 0);
	mem->pages_added = 0;
}

int dm_mem_alloc(struct dm_mem *mem, uint64_t size)
{
	void *p;
	int err;

	*mem = (struct dm_mem){ .fd = -1 };
	if (!size || size % DM_MEM_ALIGN)
		return -EINVAL;
	err = reserve_pages(mem, size / DM_MEM_ALIGN);
	if (err)
		goto fail;
	mem->fd = memfd_create("cairn-dm-ram", MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2MB);
	if (mem->fd < 0 || ftruncate(mem->fd, (off_t)size) < 0) {
		err = -errno;
		goto fail;
	}
	/* MAP_SHARED reserves the pages now (mmap fails rather than a later SIGBUS). */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, mem->fd, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	mem->hva = p;
	mem->size = size;
	memset(mem->hva, 0, size); /* hugetlb pages come zeroed; the loader relies on it */
	return 0;
fail:
	dm_mem_free(mem);
	return err;
}

void dm_mem_free(struct dm_mem *mem)
{
	if (mem->hva)
		munmap(mem->hva, mem->size);
	if (mem->fd >= 0)
		close(mem->fd);
	release_pages(mem);
	*mem = (struct dm_mem){ .fd = -1 };
}

int dm_mem_map(const struct dm_mem *mem, struct dm_vm *vm)
{
	return dm_vm_set_ram(vm, 0, mem->hva, mem->size);
}

void *dm_gpa_to_hva(const struct dm_mem *mem, uint64_t gpa, uint64_t len)
{
	if (gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return mem->hva + gpa;
}
