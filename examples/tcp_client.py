#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A TCP client: connect to 127.0.0.1:8080, print what the server says.

It reads until the server closes (recv() returns 0 bytes at its FIN),
then closes too: the server closes first and keeps TIME_WAIT.
"""
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)     # socket()
s.connect(("127.0.0.1", 8080))                            # connect(): SYN
data = b""
while True:
    chunk = s.recv(1024)                                  # recv()
    if not chunk:                                         # the server's FIN
        break
    data += chunk
print(data.decode(), flush=True)
s.close()                                                 # close(): FIN
