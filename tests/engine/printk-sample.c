/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * printk-sample.c: the structures and variables the kernel log readers read, with the kernel's
 * and Xen's names and shapes, for test-printk without the board's vmlinux and xen-syms. Built
 * for AArch64 by tests/engine/meson.build, linked at a kernel address, never run; two shapes:
 *
 *   -DSHAPE_RINGBUFFER  5.10 and later (as in 6.1's kernel/printk/printk_ringbuffer.h): prb
 *                       points to a struct printk_ringbuffer
 *   -DSHAPE_LOG_BUF     3.11 to 5.9: log_buf holds struct printk_log records (with
 *                       CONFIG_PRINTK_CALLER's caller_id)
 *
 * Both carry Xen's console ring variables (xen/drivers/char/console.c), so the same file stands
 * in for xen-syms.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned int uint32_t;

typedef struct
{
  long counter;
} atomic_long_t;

#ifdef SHAPE_RINGBUFFER
struct dev_printk_info
{
  char subsystem[16];
  char device[48];
};

struct printk_info
{
  u64 seq;
  u64 ts_nsec;
  u16 text_len;
  u8 facility;
  u8 flags:5;
  u8 level:3;
  u32 caller_id;
  struct dev_printk_info dev_info;
};

struct prb_data_blk_lpos
{
  unsigned long begin;
  unsigned long next;
};

struct prb_desc
{
  atomic_long_t state_var;
  struct prb_data_blk_lpos text_blk_lpos;
};

struct prb_data_ring
{
  unsigned int size_bits;
  char *data;
  atomic_long_t head_lpos;
  atomic_long_t tail_lpos;
};

struct prb_desc_ring
{
  unsigned int count_bits;
  struct prb_desc *descs;
  struct printk_info *infos;
  atomic_long_t head_id;
  atomic_long_t tail_id;
  atomic_long_t last_finalized_id;
};

struct printk_ringbuffer
{
  struct prb_desc_ring desc_ring;
  struct prb_data_ring text_data_ring;
  atomic_long_t fail;
};

static struct printk_ringbuffer printk_rb_static;
static struct printk_ringbuffer *prb __attribute__ ((used)) = &printk_rb_static;
#endif

#ifdef SHAPE_LOG_BUF
struct printk_log
{
  u64 ts_nsec;
  u16 len;
  u16 text_len;
  u16 dict_len;
  u8 facility;
  u8 flags:5;
  u8 level:3;
  u32 caller_id;
} __attribute__ ((aligned (4)));

static char __log_buf[1 << 12] __attribute__ ((aligned (4)));
static char *log_buf __attribute__ ((used)) = __log_buf;
static u32 log_buf_len __attribute__ ((used)) = sizeof __log_buf;
static u32 log_first_idx __attribute__ ((used));
static u32 log_next_idx __attribute__ ((used));
static u64 log_first_seq __attribute__ ((used));
static u64 log_next_seq __attribute__ ((used));
struct printk_log printk_sample_log;
#endif

/* Xen's console ring. */
static char _conring[1 << 14];
static char *conring __attribute__ ((used)) = _conring;
static uint32_t conring_size __attribute__ ((used)) = sizeof _conring;
static uint32_t conringc __attribute__ ((used)), conringp __attribute__ ((used));

int
main (void)
{
#ifdef SHAPE_RINGBUFFER
  return (int) prb->fail.counter + conring[0];
#else
  return (int) log_first_idx + printk_sample_log.len + conring[0];
#endif
}
