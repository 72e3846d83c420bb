/* SPDX-License-Identifier: BSD-3-Clause */
/* cairnctl: lists the User VMs cairn-dm runs and pauses, resumes, resets or stops one (acrnctl's verbs). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "dm/ctl.h"

#define SUFFIX ".sock"

static void usage(FILE *out)
{
	fprintf(out, "usage: cairnctl list\n"
		     "       cairnctl status|pause|resume|continue|reset|stop <vm name>\n"
		     "Talks to each running cairn-dm through " DM_CTL_DIR "/<vm name>.sock.\n");
}

/* Sends one command to the VM's cairn-dm; the reply line (no newline) goes to reply. 0, or
 * -ENOENT (no such VM), -ECONNREFUSED (its cairn-dm is gone), -errno. */
static int ask(const char *vm, const char *command, char *reply, size_t size)
{
	const struct timeval timeout = { .tv_sec = 30 }; /* a reset reloads the image */
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = 0;
	int fd, err = 0;

	if ((size_t)snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s%s", DM_CTL_DIR, vm,
			     SUFFIX) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    dprintf(fd, "%s\n", command) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	while (len + 1 < size) {
		ssize_t n = read(fd, reply + len, size - 1 - len);

		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
		if (memchr(reply, '\n', len))
			break;
	}
	close(fd);
	reply[len] = '\0';
	reply[strcspn(reply, "\n")] = '\0';
	return err ? err : (len ? 0 : -EPIPE);
}

/* One line per VM: its cairn-dm's status. Sockets of exited cairn-dms are skipped. */
static int list(void)
{
	char reply[DM_CTL_LINE_MAX];
	DIR *dir = opendir(DM_CTL_DIR);
	struct dirent *entry;
	int count = 0;

	printf("%-16s %-8s %-5s %-12s %-8s %s\n", "VM", "STATE", "VMID", "PCPUS", "MEM(MiB)",
	       "PID");
	while (dir && (entry = readdir(dir))) {
		char name[DM_CTL_LINE_MAX], state[16], cpus[128];
		unsigned int vmid, mem;
		int pid;
		size_t len = strlen(entry->d_name);

		if (len <= strlen(SUFFIX) || strcmp(entry->d_name + len - strlen(SUFFIX), SUFFIX))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(len - strlen(SUFFIX)), entry->d_name);
		if (ask(name, "status", reply, sizeof(reply)) ||
		    sscanf(reply, "ok %*s %15s vmid %u pcpus %127s mem %u pid %d", state, &vmid,
			   cpus, &mem, &pid) != 5)
			continue;
		printf("%-16s %-8s %-5u %-12s %-8u %d\n", name, state, vmid, cpus, mem, pid);
		count++;
	}
	if (dir)
		closedir(dir);
	if (!count)
		printf("(no User VMs)\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const verbs[] = { "status",	 "pause", "resume",
					     "continue", "reset", "stop" };
	char reply[DM_CTL_LINE_MAX];
	const char *command = NULL;
	int err;

	if (argc == 2 && !strcmp(argv[1], "list"))
		return list();
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; argc == 3 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i]))
			command = strcmp(verbs[i], "continue") ? verbs[i] : "resume";
	if (!command || !argv[2][0] || strchr(argv[2], '/')) {
		usage(stderr);
		return 2;
	}
	err = ask(argv[2], command, reply, sizeof(reply));
	if (err) {
		fprintf(stderr, "cairnctl: %s: %s\n", argv[2],
			err == -ENOENT || err == -ECONNREFUSED ? "no such VM" : strerror(-err));
		return 1;
	}
	if (strncmp(reply, "ok", 2)) {
		fprintf(stderr, "cairnctl: %s: %s\n", argv[2], reply);
		return 1;
	}
	printf("%s: %s\n", argv[2], reply[2] == ' ' ? reply + 3 : reply);
	return 0;
}
