/* SPDX-License-Identifier: ISC */
/* A UDP server: answer one datagram on 127.0.0.1:8080 with hello. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(void)
{
	struct sockaddr_in addr, peer;
	socklen_t len = sizeof peer;
	const char msg[] = "Hello, world!";
	char buf[1024];
	ssize_t n;
	int s;

	s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(8080);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&addr, sizeof addr) != 0) {
		perror("bind");
		return 1;
	}
	printf("waiting on 127.0.0.1:8080\n");
	fflush(stdout);
	n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
	if (n < 0) {
		perror("recvfrom");
		return 1;
	}
	printf("%zd bytes from %s:%d\n", n, inet_ntoa(peer.sin_addr),
	    ntohs(peer.sin_port));
	fflush(stdout);
	sendto(s, msg, strlen(msg), 0, (struct sockaddr *)&peer, len);
	close(s);
	return 0;
}
