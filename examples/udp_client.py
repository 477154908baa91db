#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""A UDP client: connect() its socket to 127.0.0.1:8080, send, receive.

connect() on UDP sends nothing; it only fixes where datagrams go and
from whom they are accepted, and lets the kernel report an ICMP error
(nobody listens there) as ECONNREFUSED on the next recv().
"""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)      # socket()
s.connect(("127.0.0.1", 8080))                            # connect()
s.send(b"hello")                                          # send()
s.settimeout(2)
try:
    data = s.recv(1024)                                   # recv()
except ConnectionRefusedError as e:
    print("no answer: %s" % e.strerror, file=sys.stderr, flush=True)
    sys.exit(1)
except socket.timeout:
    print("no answer in 2 s", file=sys.stderr, flush=True)
    sys.exit(1)
print(data.decode(), flush=True)
s.close()
