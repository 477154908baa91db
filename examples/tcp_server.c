/* SPDX-License-Identifier: ISC */
/*
 * A TCP server: accept one client on 127.0.0.1:8080, say hello, close.
 *     cc -o tcp_server tcp_server.c
 *     synfin run --server ./tcp_server -- ./tcp_client
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
	struct sockaddr_in addr, peer;
	socklen_t len = sizeof peer;
	const char msg[] = "Hello, world!";
	int srv, conn;

	srv = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons(8080);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(srv, (struct sockaddr *)&addr, sizeof addr) != 0) {
		perror("bind");
		return 1;
	}
	listen(srv, 1);
	printf("listening on 127.0.0.1:8080\n");
	fflush(stdout);
	if ((conn = accept(srv, (struct sockaddr *)&peer, &len)) < 0) {
		perror("accept");
		return 1;
	}
	printf("a client from %s:%d\n", inet_ntoa(peer.sin_addr),
	    ntohs(peer.sin_port));
	fflush(stdout);
	send(conn, msg, strlen(msg), 0);
	close(conn);		/* FIN */
	close(srv);
	return 0;
}
