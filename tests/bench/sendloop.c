/* SPDX-License-Identifier: ISC */
/*
 * make bench: a program that makes N send() calls (default 100000) of 16
 * bytes on a UDP socket connected to itself on 127.0.0.1, to time
 * synfin run's tracing against the program alone.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	char buf[16];
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000, i;
	int s, fails = 0;

	memset(buf, 'x', sizeof buf);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &len) != 0 ||
	    connect(s, (struct sockaddr *)&a, len) != 0) {
		perror("sendloop");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (send(s, buf, sizeof buf, 0) != (ssize_t)sizeof buf)
			fails++;
	}
	close(s);
	printf("%ld send() calls, %d failed\n", n, fails);
	return fails != 0;
}
