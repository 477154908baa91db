#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A TCP server: accept one client on 127.0.0.1:8080, say hello, close.

Try it under synfin:
    synfin run --server 'python3 examples/tcp_server.py' -- python3 examples/tcp_client.py
"""
import socket

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)   # socket()
srv.bind(("127.0.0.1", 8080))                             # bind()
srv.listen(1)                                             # listen()
print("listening on 127.0.0.1:8080", flush=True)
conn, addr = srv.accept()                                 # accept()
print("a client from %s:%d" % addr, flush=True)
conn.sendall(b"Hello, world!")                            # send()
conn.close()                                              # close(): FIN
srv.close()
