/* SPDX-License-Identifier: ISC */
/* Flow keys are canonical; the table finds, expires and removes flows. */

#include "config.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "flow.h"

static struct pkt_addr
addr4(const char *s)
{
	struct pkt_addr a = { .family = 4 };

	inet_pton(AF_INET, s, a.a);
	return a;
}

static struct pkt_addr
addr6(const char *s)
{
	struct pkt_addr a = { .family = 6 };

	inet_pton(AF_INET6, s, a.a);
	return a;
}

Test(flow_key, both_directions_share_one_key)
{
	struct pkt_addr a = addr4("10.0.0.1"), b = addr4("10.0.0.2");
	struct flow_key k1, k2;
	bool s1, s2;

	flow_key_make(&k1, 6, &a, 40000, &b, 80, &s1);
	flow_key_make(&k2, 6, &b, 80, &a, 40000, &s2);
	cr_assert_eq(memcmp(&k1, &k2, sizeof k1), 0);
	cr_assert_neq(s1, s2);
	cr_assert_eq(flow_key_hash(&k1), flow_key_hash(&k2));
}

Test(flow_key, same_address_orders_by_port)
{
	struct pkt_addr lo = addr4("127.0.0.1");
	struct flow_key k;
	bool sw;

	flow_key_make(&k, 6, &lo, 8080, &lo, 41234, &sw);
	cr_assert_eq(k.port[0], 8080);
	cr_assert_not(sw);
	flow_key_make(&k, 6, &lo, 41234, &lo, 8080, &sw);
	cr_assert_eq(k.port[0], 8080);
	cr_assert(sw);
}

Test(flow_key, protocol_and_family_are_part_of_the_key)
{
	struct pkt_addr a = addr4("10.0.0.1"), b = addr4("10.0.0.2");
	struct pkt_addr a6 = addr6("::1");
	struct flow_key t, u, v;
	bool sw;

	flow_key_make(&t, 6, &a, 53, &b, 53, &sw);
	flow_key_make(&u, 17, &a, 53, &b, 53, &sw);
	cr_assert_neq(memcmp(&t, &u, sizeof t), 0);
	flow_key_make(&v, 6, &a6, 53, &a6, 53, &sw);
	cr_assert_eq(v.family, 6);
	cr_assert_neq(memcmp(&t, &v, sizeof t), 0);
}

Test(flow_table, finds_many_and_survives_removal_of_any)
{
	struct flow_table *t = flow_table_new();
	struct pkt_addr a = addr4("10.0.0.1"), b = addr4("10.0.0.2");
	struct flow_key k;
	struct flow *f;
	bool sw;
	int i;

	for (i = 0; i < 5000; i++) {
		flow_key_make(&k, 6, &a, (uint16_t)(1000 + i), &b, 80, &sw);
		cr_assert_null(flow_lookup(t, &k));
		f = flow_insert(t, &k, 0, i);
		f->data = (void *)(intptr_t)(i + 1);
	}
	cr_assert_eq(flow_count(t), 5000);
	/* Remove every third flow, then all others must still be found. */
	for (i = 0; i < 5000; i += 3) {
		flow_key_make(&k, 6, &a, (uint16_t)(1000 + i), &b, 80, &sw);
		f = flow_lookup(t, &k);
		cr_assert_not_null(f, "flow %d", i);
		flow_remove(t, f);
	}
	for (i = 0; i < 5000; i++) {
		flow_key_make(&k, 6, &a, (uint16_t)(1000 + i), &b, 80, &sw);
		f = flow_lookup(t, &k);
		if (i % 3 == 0)
			cr_assert_null(f, "flow %d should be gone", i);
		else {
			cr_assert_not_null(f, "flow %d lost", i);
			cr_assert_eq((intptr_t)f->data, i + 1);
		}
	}
	flow_table_free(t);
}

Test(flow_table, lists_keep_least_recent_first)
{
	struct flow_table *t = flow_table_new();
	struct pkt_addr a = addr4("10.0.0.1"), b = addr4("10.0.0.2");
	struct flow_key k1, k2, k3;
	struct flow *f1, *f2, *f3;
	bool sw;

	flow_key_make(&k1, 6, &a, 1, &b, 80, &sw);
	flow_key_make(&k2, 6, &a, 2, &b, 80, &sw);
	flow_key_make(&k3, 6, &a, 3, &b, 80, &sw);
	f1 = flow_insert(t, &k1, 0, 10);
	f2 = flow_insert(t, &k2, 0, 20);
	f3 = flow_insert(t, &k3, 1, 30);
	cr_assert_eq(flow_oldest(t, 0), f1);
	flow_touch(t, f1, 0, 40);
	cr_assert_eq(flow_oldest(t, 0), f2);
	flow_touch(t, f2, 1, 50);	/* moves to another list */
	cr_assert_eq(flow_oldest(t, 0), f1);
	cr_assert_eq(flow_oldest(t, 1), f3);
	cr_assert_eq(flow_list_count(t, 1), 2);
	cr_assert_eq(f2->last_ns, 50);
	flow_remove(t, f3);
	cr_assert_eq(flow_oldest(t, 1), f2);
	flow_table_free(t);
}
