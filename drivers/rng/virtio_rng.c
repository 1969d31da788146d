// SPDX-License-Identifier: BSD-2-Clause
/*
 * virtio entropy device (device ID 4) over virtio-mmio, legacy (version 1)
 * and modern (version 2) register layouts, polled, one request in flight.
 *
 * The device's output comes from the host; the guest cannot judge that
 * source, so kaslrboot assumes H = 4 bits per byte (half of full entropy)
 * and health-tests every byte as an 8-bit sample.
 *
 * The queue lives in the loader's .bss (part of the loader's reservation)
 * and the device is reset after use, so the kernel finds it as firmware
 * left it and no DMA can target loader memory after handoff.
 */
#include <stdbool.h>
#include <string.h>

#include <libfdt.h>

#include <kaslrboot/error.h>
#include <kaslrboot/fdt_util.h>
#include <kaslrboot/rng.h>

#ifdef CONFIG_DT_DEVICES_AT_BUILD
#error "virtio-rng: reads its node from the tree at boot; CONFIG_DT_DEVICES_AT_BUILD gives it none (tools/kbdtmap, docs/device-tree.md)"
#endif

#define VIRTIO_MMIO_MAGIC		0x000
#define VIRTIO_MMIO_VERSION		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE	0x028	/* legacy */
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_ALIGN		0x03c	/* legacy */
#define VIRTIO_MMIO_QUEUE_PFN		0x040	/* legacy */
#define VIRTIO_MMIO_QUEUE_READY		0x044	/* modern */
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080	/* modern */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW	0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH	0x0a4

#define VIRTIO_MAGIC_VALUE	0x74726976	/* "virt" */
#define VIRTIO_ID_ENTROPY	4
#define VIRTIO_STATUS_ACK	1
#define VIRTIO_STATUS_DRIVER	2
#define VIRTIO_STATUS_DRIVER_OK	4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_F_VERSION_1_HI	(1u << 0)	/* feature bit 32 */
#define VIRTQ_DESC_F_WRITE	2

#define QSIZE		4
#define PAGE		4096
#define REQ_BYTES	CONFIG_RNG_VIRTIO_REQ_BYTES
/* A request is normally answered at once; bound the wait anyway. */
#define MAX_POLLS	10000000u

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[QSIZE];
	uint16_t used_event;
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[QSIZE];
	uint16_t avail_event;
};

/* Legacy layout: descriptors and avail ring in the first page, used ring
 * at the next page boundary (QueueAlign = PAGE). */
static struct {
	struct virtq_desc desc[QSIZE];
	struct virtq_avail avail;
	uint8_t pad[PAGE - sizeof(struct virtq_desc) * QSIZE - sizeof(struct virtq_avail)];
	struct virtq_used used;
} vq __attribute__((aligned(PAGE)));

static uint8_t reqbuf[REQ_BYTES] __attribute__((aligned(8)));
static uint32_t have, next;	/* bytes of the last answer: reqbuf[next..have) unread */
static uint16_t last_used;

static uint32_t rd(uintptr_t base, unsigned int off)
{
	return *(volatile uint32_t *)(base + off);
}

static void wr(uintptr_t base, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static void mb(void)
{
	__sync_synchronize();
}

/* One request for a whole buffer: the device writes up to REQ_BYTES. */
static int request(struct kb_rng *rng, struct kb_diag *d)
{
	uintptr_t base = rng->base;
	unsigned int polls = 0;
	uint32_t len;

	vq.desc[0].addr = (uintptr_t)reqbuf;
	vq.desc[0].len = REQ_BYTES;
	vq.desc[0].flags = VIRTQ_DESC_F_WRITE;
	vq.desc[0].next = 0;
	vq.avail.ring[vq.avail.idx % QSIZE] = 0;
	mb();
	vq.avail.idx++;
	mb();
	wr(base, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	while (*(volatile uint16_t *)&vq.used.idx == last_used) {
		if (++polls >= MAX_POLLS)
			return kb_diag_set(d, KB_EIO,
					   "virtio-rng: %s: no answer from the device",
					   rng->where);
	}
	mb();
	last_used++;
	len = vq.used.ring[(uint16_t)(last_used - 1) % QSIZE].len;
	/* The device says how much it wrote; never trust more than asked. */
	if (len == 0)
		return kb_diag_set(d, KB_EIO, "virtio-rng: %s: device returned no data",
				   rng->where);
	if (len > REQ_BYTES)
		return kb_diag_set(d, KB_EIO,
				   "virtio-rng: %s: device claims %u bytes for a %u-byte request",
				   rng->where, (unsigned int)len, (unsigned int)REQ_BYTES);
	have = len;
	next = 0;
	return 0;
}

static int virtio_rng_read(struct kb_rng *rng, uint64_t *out, unsigned int n,
			   struct kb_diag *d)
{
	unsigned int i;
	int err;

	if (next == have) {
		err = request(rng, d);
		if (err)
			return err;
	}
	/* Hand out what is buffered, wiping each byte as it leaves. */
	for (i = 0; i < n && next < have; i++, next++) {
		out[i] = reqbuf[next];
		reqbuf[next] = 0;
	}
	return (int)i;
}

static void virtio_rng_release(struct kb_rng *rng)
{
	/* Reset: the device forgets the queue living in loader memory. */
	wr(rng->base, VIRTIO_MMIO_STATUS, 0);
	mb();
	memset(&vq, 0, sizeof(vq));
	memset(reqbuf, 0, sizeof(reqbuf));
	have = next = 0;
}

static int virtio_rng_setup(struct kb_rng *rng, uint32_t version,
			    struct kb_diag *d)
{
	uintptr_t base = rng->base;
	uint32_t qmax;

	wr(base, VIRTIO_MMIO_STATUS, 0);
	mb();
	wr(base, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACK);
	wr(base, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER);
	if (version == 2) {
		wr(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
		if (!(rd(base, VIRTIO_MMIO_DEVICE_FEATURES) & VIRTIO_F_VERSION_1_HI))
			return kb_diag_set(d, KB_EIO,
					   "virtio-rng: %s: modern device without VIRTIO_F_VERSION_1",
					   rng->where);
		wr(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
		wr(base, VIRTIO_MMIO_DRIVER_FEATURES, VIRTIO_F_VERSION_1_HI);
		wr(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
		wr(base, VIRTIO_MMIO_DRIVER_FEATURES, 0);
		wr(base, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
		if (!(rd(base, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
			return kb_diag_set(d, KB_EIO, "virtio-rng: %s: features not accepted",
					   rng->where);
	} else {
		wr(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
		wr(base, VIRTIO_MMIO_DRIVER_FEATURES, 0);
		wr(base, VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE);
	}

	memset(&vq, 0, sizeof(vq));
	last_used = 0;
	have = next = 0;
	wr(base, VIRTIO_MMIO_QUEUE_SEL, 0);
	qmax = rd(base, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (qmax < QSIZE)
		return kb_diag_set(d, KB_EIO, "virtio-rng: %s: queue 0 holds %u entries (< %u)",
				   rng->where, (unsigned int)qmax, QSIZE);
	wr(base, VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	if (version == 2) {
		uint64_t desc = (uintptr_t)vq.desc, avail = (uintptr_t)&vq.avail,
			 used = (uintptr_t)&vq.used;

		wr(base, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
		wr(base, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
		wr(base, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
		wr(base, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
		wr(base, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
		wr(base, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
		wr(base, VIRTIO_MMIO_QUEUE_READY, 1);
	} else {
		wr(base, VIRTIO_MMIO_QUEUE_ALIGN, PAGE);
		wr(base, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)((uintptr_t)&vq / PAGE));
	}
	mb();
	wr(base, VIRTIO_MMIO_STATUS, rd(base, VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

static int virtio_rng_probe(const void *fdt, const struct kb_boot_info *bi,
			    struct kb_rng *rng, struct kb_diag *d)
{
	struct kb_fdt_walk w = { .node = -1 };
	uint64_t addr, size;
	uint32_t version;
	int node, err;

	(void)bi;
	/* One pass over the tree, however many transports there are (QEMU
	 * arm virt has 32, and the rng is usually in the last one). */
	while ((err = kb_fdt_next_compatible(fdt, &w, "virtio,mmio", d)) == KB_OK) {
		node = w.node;
		if (!kb_fdt_node_enabled(fdt, node))
			continue;
		err = kb_fdt_reg_cpu_walk(fdt, &w, 0, &addr, &size, d);
		if (err)
			return err;
		/* The registers up to QUEUE_USED_HIGH must be inside reg. */
		if (size < VIRTIO_MMIO_QUEUE_USED_HIGH + 4 || addr > UINTPTR_MAX)
			return kb_diag_set(d, KB_EINVAL, "virtio-rng: virtio,mmio reg too small");
		rng->base = (uintptr_t)addr;
		if (rd(rng->base, VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC_VALUE ||
		    rd(rng->base, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_ENTROPY)
			continue;
		version = rd(rng->base, VIRTIO_MMIO_VERSION);
		kb_fdt_path(fdt, node, rng->where, sizeof(rng->where));
		if (version != 1 && version != 2)
			return kb_diag_set(d, KB_EIO, "virtio-rng: %s: unknown virtio-mmio version %u",
					   rng->where, (unsigned int)version);
		err = virtio_rng_setup(rng, version, d);
		if (err) {
			wr(rng->base, VIRTIO_MMIO_STATUS, 0);
			return err;
		}
		rng->name = version == 1 ? "virtio-rng (legacy)" : "virtio-rng";
		rng->priv = version;
		rng->health = KB_HEALTH_PARAMS(4000);
		rng->sample_bytes = 1;
		rng->read = virtio_rng_read;
		rng->release = virtio_rng_release;
		return 0;
	}
	if (err != KB_ENOENT)
		return err;
	kb_diag_clear(d);
	return KB_ENODEV;
}

KB_RNG_DRIVER(50, virtio_rng_driver) = {
	.name = "virtio-rng",
	.probe = virtio_rng_probe,
};
