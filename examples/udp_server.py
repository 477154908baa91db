#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A UDP server: answer one datagram on 127.0.0.1:8080 with hello."""
import socket

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)      # socket()
s.bind(("127.0.0.1", 8080))                               # bind()
print("waiting on 127.0.0.1:8080", flush=True)
data, addr = s.recvfrom(1024)                             # recvfrom()
print("%r from %s:%d" % ((data,) + addr), flush=True)
s.sendto(b"Hello, world!", addr)                          # sendto()
s.close()
