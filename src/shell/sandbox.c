/* SPDX-License-Identifier: ISC */
/* Private network namespaces and the privilege drop for the demo. */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "i18n.h"
#include "sandbox.h"

static int	sandbox_drop_common(int, bool, char *, size_t);

static int
sandbox_write(const char *path, const char *s)
{
	int fd, rc = 0;
	size_t n = strlen(s);

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	if (write(fd, s, n) != (ssize_t)n)
		rc = -1;
	close(fd);
	return rc;
}

static int
sandbox_lo_up(void)
{
	struct ifreq ifr;
	int fd, rc;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return rc;
}

enum sandbox_kind
sandbox_enter(char *why, size_t len)
{
	char map[64], names[192];
	uid_t uid = getuid();
	gid_t gid = getgid();
	int saved;

	why[0] = '\0';
	if (geteuid() == 0) {
		/* Root: a network namespace; real-time priority still works
		 * here, which the simultaneous close needs. */
		if (unshare(CLONE_NEWNET) == 0 && sandbox_lo_up() == 0)
			return SANDBOX_NETNS;
		snprintf(why, len, _("network namespace: %s"),
		    strerror(errno));
	}
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) {
		sandbox_write("/proc/self/setgroups", "deny");
		snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
		if (sandbox_write("/proc/self/uid_map", map) == 0) {
			snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
			sandbox_write("/proc/self/gid_map", map);
			if (sandbox_lo_up() == 0)
				return SANDBOX_USERNS;
		}
		snprintf(why, len, _("user namespace: cannot set it up "
		    "(%s)"), strerror(errno));
	} else if (why[0] == '\0') {
		saved = errno;
		sandbox_userns_blockers(names, sizeof names);
		/* TRANSLATORS: the reason (strerror), then the sysctl names
		   that forbid unprivileged user namespaces here. */
		snprintf(why, len, _("user namespace: %s (see sysctl %s)"),
		    strerror(saved), names[0] != '\0' ? names :
		    "user.max_user_namespaces, kernel.unprivileged_userns_clone, "
		    "kernel.apparmor_restrict_unprivileged_userns");
	}
	return SANDBOX_HOST;
}

/* A sysctl's value as a number (-1: absent or unreadable). */
static long
sandbox_sysctl_get(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/*
 * The three switches that forbid a user namespace without root: the
 * count limit (every kernel), Debian's older switch, and Ubuntu's
 * AppArmor restriction (23.10 and later).
 */
static const struct {
	const char	*name;
	const char	*path;
	long		 blocks;	/* the value that forbids */
	const char	*fix;
} sandbox_userns_switch[] = {
	{ "user.max_user_namespaces", "/proc/sys/user/max_user_namespaces",
	    0, "user.max_user_namespaces=15000" },
	{ "kernel.unprivileged_userns_clone",
	    "/proc/sys/kernel/unprivileged_userns_clone", 0,
	    "kernel.unprivileged_userns_clone=1" },
	{ "kernel.apparmor_restrict_unprivileged_userns",
	    "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", 1,
	    "kernel.apparmor_restrict_unprivileged_userns=0" },
};
#define SANDBOX_NSWITCH \
	(sizeof sandbox_userns_switch / sizeof sandbox_userns_switch[0])

void
sandbox_userns_blockers(char *buf, size_t len)
{
	size_t i, n;

	buf[0] = '\0';
	for (i = 0; i < SANDBOX_NSWITCH; i++) {
		if (sandbox_sysctl_get(sandbox_userns_switch[i].path) !=
		    sandbox_userns_switch[i].blocks)
			continue;
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s = %ld", n > 0 ? ", " : "",
		    sandbox_userns_switch[i].name,
		    sandbox_userns_switch[i].blocks);
	}
}

const char *
sandbox_userns_fix(size_t i, bool *blocking)
{
	if (i >= SANDBOX_NSWITCH)
		return NULL;
	*blocking = sandbox_sysctl_get(sandbox_userns_switch[i].path) ==
	    sandbox_userns_switch[i].blocks;
	return sandbox_userns_switch[i].fix;
}

const char *
sandbox_describe(enum sandbox_kind k)
{
	switch (k) {
	case SANDBOX_NETNS:
		/* TRANSLATORS: where the demo captures: "capturing on lo
		   in %s". */
		return _("a private network namespace (root)");
	case SANDBOX_USERNS:
		return _("a private user and network namespace (no root "
		    "needed)");
	case SANDBOX_HOST:
		return _("the host's loopback, filtered to the demo's ports");
	}
	return "?";
}

int
sandbox_sysctl(const char *name, const char *value)
{
	char path[256];
	size_t i;

	snprintf(path, sizeof path, "/proc/sys/%s", name);
	for (i = strlen("/proc/sys/"); path[i] != '\0'; i++) {
		if (path[i] == '.')
			path[i] = '/';
	}
	return sandbox_write(path, value);
}

bool
sandbox_sudo(uid_t *uidp, gid_t *gidp)
{
	const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
	unsigned long u, g;
	char *end;

	if (su == NULL || sg == NULL || *su < '0' || *su > '9' ||
	    *sg < '0' || *sg > '9')
		return false;
	errno = 0;
	u = strtoul(su, &end, 10);
	if (errno != 0 || *end != '\0' || u == 0 || u >= (uid_t)-1)
		return false;
	g = strtoul(sg, &end, 10);
	if (errno != 0 || *end != '\0' || g >= (gid_t)-1)
		return false;
	if (uidp != NULL)
		*uidp = (uid_t)u;
	if (gidp != NULL)
		*gidp = (gid_t)g;
	return true;
}

void
sandbox_target(uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	*uid = getuid();
	*gid = getgid();
	if (*uid != 0)
		return;
	if (sandbox_sudo(uid, gid))
		return;
	if ((pw = getpwnam("nobody")) != NULL) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else {
		*uid = 65534;
		*gid = 65534;
	}
}

/*
 * Empty the bounding set too (but `keep`) while CAP_SETPCAP still works,
 * before the uid changes: nothing this process execs could regain a
 * capability.  Without CAP_SETPCAP (a setcap'd binary) each drop fails
 * with EPERM and the bounding set stays; no_new_privs covers that case.
 */
static void
sandbox_bounding_drop(int keep)
{
	int c;

	for (c = 0; c < 64; c++) {
		if (keep > 0 && c == keep)
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno == EINVAL)
			break;		/* past the kernel's last capability */
	}
}

int
sandbox_drop(char *err, size_t len)
{
	return sandbox_drop_common(0, false, err, len);
}

int
sandbox_drop_except(int keep, char *err, size_t len)
{
	return sandbox_drop_common(keep, false, err, len);
}

int
sandbox_drop_to_user(char *err, size_t len)
{
	return sandbox_drop_common(0, true, err, len);
}

/*
 * groups: the target's own supplementary groups (initgroups), for a
 * process that acts as the invoking user (the writer: a directory they
 * may write through a group); else none.
 */
static int
sandbox_drop_common(int keep, bool groups, char *err, size_t len)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	struct passwd *pw;
	uid_t uid;
	gid_t gid;

	sandbox_target(&uid, &gid);
	if (keep >= 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
		snprintf(err, len, "keepcaps: %s", strerror(errno));
		return -1;
	}
	sandbox_bounding_drop(keep);
	if (getuid() == 0 && uid != 0) {
		/* In a user namespace only uid 0 is mapped: stay it there,
		 * without capabilities; elsewhere become the target user. */
		pw = groups ? getpwuid(uid) : NULL;
		if (pw != NULL && pw->pw_uid == uid &&
		    initgroups(pw->pw_name, gid) == 0)
			;	/* the user's own groups */
		else if (setgroups(0, NULL) != 0 && errno != EPERM) {
			snprintf(err, len, "setgroups: %s", strerror(errno));
			return -1;
		}
		if (setresgid(gid, gid, gid) != 0 ||
		    setresuid(uid, uid, uid) != 0) {
			if (errno != EINVAL) {
				snprintf(err, len, _("cannot become uid %u: "
				    "%s"), (unsigned)uid, strerror(errno));
				return -1;
			}
		}
	}
	memset(data, 0, sizeof data);
	if (keep > 0 && keep < 32) {
		data[0].effective = data[0].permitted = 1U << keep;
	}
	if (syscall(SYS_capset, &hdr, data) != 0) {
		snprintf(err, len, "capset: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		snprintf(err, len, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void
sandbox_close_fds(const int *keep, size_t n)
{
	int fds[256], nfd = 0, fd, i;
	size_t k;
	struct dirent *de;
	DIR *d;
	char *end;

	/* Collect first: closing while reading the directory would skip. */
	do {
		nfd = 0;
		if ((d = opendir("/proc/self/fd")) == NULL)
			return;
		while ((de = readdir(d)) != NULL && nfd < 256) {
			fd = (int)strtol(de->d_name, &end, 10);
			if (*end != '\0' || de->d_name[0] == '.' || fd < 3 ||
			    fd == dirfd(d))
				continue;
			for (k = 0; k < n && keep[k] != fd; k++)
				;
			if (k == n)
				fds[nfd++] = fd;
		}
		closedir(d);
		for (i = 0; i < nfd; i++)
			close(fds[i]);
	} while (nfd == 256);
}

long long
sandbox_capeff(void)
{
	char line[256];
	long long v = -1;
	FILE *fp;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, "CapEff:", 7) == 0) {
			v = strtoll(line + 7, NULL, 16);
			break;
		}
	}
	fclose(fp);
	return v;
}
