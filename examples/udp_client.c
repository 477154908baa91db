/* SPDX-License-Identifier: ISC */
/*
 * A UDP client: connect() its socket to 127.0.0.1:8080, send, receive.
 * connect() on UDP sends nothing; it lets the kernel report an ICMP
 * error (nobody listens there) as ECONNREFUSED on the next recv().
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int
main(void)
{
	struct sockaddr_in addr;
	struct timeval tv = { 2, 0 };
	char buf[1024];
	ssize_t n;
	int s;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(8080);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(s, (struct sockaddr *)&addr, sizeof addr);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	send(s, "hello", 5, 0);
	if ((n = recv(s, buf, sizeof buf - 1, 0)) < 0) {
		perror("no answer");	/* ECONNREFUSED: nobody there */
		return 1;
	}
	buf[n] = '\0';
	printf("%s\n", buf);
	close(s);
	return 0;
}
