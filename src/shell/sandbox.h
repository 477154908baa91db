/* SPDX-License-Identifier: ISC */
/*
 * Where the demo runs, and the privileges it keeps: a private network
 * namespace with its own loopback (as root, or inside a new user
 * namespace without root), or else the host's loopback; and the drop of
 * every capability and of root once the capture is open.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sandbox_kind {
	SANDBOX_NETNS,		/* root: a private network namespace */
	SANDBOX_USERNS,		/* no root: user + network namespace */
	SANDBOX_HOST,		/* the host's lo, filtered to our ports */
};

/*
 * Enter the best isolation the system allows.  Never fails: the last
 * resort is the host.  `why` says what was tried when isolation failed.
 */
enum sandbox_kind sandbox_enter(char *why, size_t len);
const char	*sandbox_describe(enum sandbox_kind);

/*
 * Which sysctls forbid a user namespace without root here, as "name =
 * value, ..." ("" when none of the known ones does).
 */
void		 sandbox_userns_blockers(char *buf, size_t len);
/*
 * The i-th known fix ("user.max_user_namespaces=15000" ...), NULL past
 * the last; *blocking says whether that switch forbids them now.
 */
const char	*sandbox_userns_fix(size_t i, bool *blocking);

/* Inside a private namespace: write a sysctl under /proc/sys. */
int		 sandbox_sysctl(const char *name, const char *value);

/*
 * Whom to become: the invoking user under sudo (SUDO_UID/SUDO_GID),
 * else nobody when root, else ourselves.
 */
void		 sandbox_target(uid_t *uid, gid_t *gid);

/*
 * Started with sudo: the invoking user (SUDO_UID, SUDO_GID; a uid of 0
 * does not count).  Either pointer may be NULL.
 */
bool		 sandbox_sudo(uid_t *uid, gid_t *gid);

/* Close every descriptor above 2 but those in keep[n]. */
void		 sandbox_close_fds(const int *keep, size_t n);

/*
 * Drop root and every capability for good (PR_SET_NO_NEW_PRIVS too).
 * Returns -1 with a message when something could not be dropped.
 */
int		 sandbox_drop(char *err, size_t len);

/*
 * The same, keeping one capability (CAP_* number; 0: none).  The demo's
 * peers keep CAP_NET_ADMIN for a lesson that attaches a socket filter,
 * which this kernel allows only with it.
 */
int		 sandbox_drop_except(int keep, char *err, size_t len);

/*
 * The same as the invoking user (under sudo), with their supplementary
 * groups: for the writer process, which makes files as them.
 */
int		 sandbox_drop_to_user(char *err, size_t len);

/* CapEff of this process, from /proc/self/status (-1: unknown). */
long long	 sandbox_capeff(void);

#endif
