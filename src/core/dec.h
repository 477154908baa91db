/* SPDX-License-Identifier: ISC */
/*
 * Internal interface between the per-layer decoders (dec_*.c); only
 * dec.c's dec_frame() is public (pkt.h).
 *
 * Each decoder reads its layer from the cursor it is given, fills its
 * part of struct pkt and hands the rest to the next layer.  The first
 * problem wins: dec_fail() records a status and reason only while the
 * packet is still DEC_OK, so a later layer never hides an earlier one.
 *
 * Transport decoders get two lengths: the cursor covers the bytes that
 * were captured (at most what IP claims), `len` is what IP claims.  A
 * header that runs past the cursor is therefore either a snaplen cut
 * (the cursor is shorter than `len`: DEC_TRUNC) or a header longer than
 * its IP payload (DEC_INVALID).
 */
#ifndef DEC_H
#define DEC_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "rd.h"

/* Record a problem unless one is already recorded; returns p->status. */
enum dec_status	dec_fail(struct pkt *, enum dec_status, const char *);
/* A header cut short: why depends on whether the capture cut it. */
enum dec_status	dec_trunc(struct pkt *);
/* Bytes of the frame that were on the wire but not captured. */
size_t		dec_missing(const struct pkt *);
/* Of `len` claimed bytes at cursor r, how many were on the wire. */
uint32_t	dec_wire_len(const struct pkt *, const struct rd *, uint32_t);

/* Link layer: dispatch on p->linktype (table in dec_link.c). */
bool		dec_link_supported(int);
enum dec_status	dec_link(struct pkt *, struct rd *);
/* After any link header: an ethertype, VLAN tags and MPLS included. */
enum dec_status	dec_ethertype(struct pkt *, struct rd *, uint16_t);

/* Network layer. */
enum dec_status	dec_ip(struct pkt *, struct rd *);	/* by version */
enum dec_status	dec_ip4(struct pkt *, struct rd *);
enum dec_status	dec_ip6(struct pkt *, struct rd *);

/* Transport layer; `len` is the IP payload length the headers claim. */
enum dec_status	dec_tcp(struct pkt *, struct rd *, uint32_t);
enum dec_status	dec_udp(struct pkt *, struct rd *, uint32_t);
enum dec_status	dec_icmp4(struct pkt *, struct rd *, uint32_t);
enum dec_status	dec_icmp6(struct pkt *, struct rd *, uint32_t);

/* IPv6 extension headers dec_ip6() and the ICMP quote parser skip. */
bool		dec_ip6_is_ext(uint8_t);

#endif
