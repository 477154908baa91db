/* SPDX-License-Identifier: ISC */
/*
 * A TCP client: connect to 127.0.0.1:8080, print what the server says.
 * It reads until the server closes (recv() returns 0 at its FIN), then
 * closes too: the server closes first and keeps TIME_WAIT.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(void)
{
	struct sockaddr_in addr;
	char buf[1024];
	size_t got = 0;
	ssize_t n;
	int s;

	s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(8080);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) {
		perror("connect");	/* "Connection refused": no server */
		return 1;
	}
	while ((n = recv(s, buf + got, sizeof buf - 1 - got, 0)) > 0)
		got += (size_t)n;	/* 0: the server's FIN */
	if (n < 0) {
		perror("recv");
		return 1;
	}
	buf[got] = '\0';
	printf("%s\n", buf);
	close(s);		/* FIN */
	return 0;
}
