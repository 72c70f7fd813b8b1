/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-printk.c: the kernel log readers (engine/awareness/hs-linux-printk.c, hs-xen-console.c)
 * on rings built here in a fake memory, with the offsets of printk-sample.c's structures (the
 * kernel's shapes). The lockless ring is filled by a small copy of the kernel's writer
 * (prb_reserve() and friends: descriptor ids and data positions that wrap, data blocks that
 * wrap to the ring's start, the tail pushed as the ring fills), then damaged by hand.
 *
 * HS_PRINTK_SAMPLE_RINGBUFFER and HS_PRINTK_SAMPLE_LOG_BUF name the two builds of the sample;
 * with --vmlinux (the board's tests), only the layouts of the board's vmlinux and xen-syms are
 * looked up.
 */
#define G_LOG_DOMAIN "test-printk"

#include "config.h"

#include "hs-fake-memory.h"
#include "hs-interp.h"
#include "hs-linux-printk.h"
#include "hs-test-util.h"
#include "hs-xen-console.h"

#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#define U64(x) G_GUINT64_CONSTANT (x)

#define RB_VA    U64 (0xffff000010000000)  /* the printk_ringbuffer prb points to */
#define DESCS_VA U64 (0xffff000010010000)
#define INFOS_VA U64 (0xffff000010100000)
#define DATA_VA  U64 (0xffff000011000000)
#define XEN_RING U64 (0xffff000012000000)
#define UNMAPPED U64 (0xffff000013000000)

#define ID_MASK (~(U64 (3) << 62))
enum { RESERVED, COMMITTED, FINALIZED, REUSABLE };

static HsSymbolFile *sample;        /* the ring buffer shape */
static HsSymbolFile *sample_old;    /* the log_buf shape */

/* ---- offsets from the sample's DWARF --------------------------------------------------------- */

static HsMember
member (HsSymbolFile *file,
        const char   *type,
        const char   *path)
{
  g_autoptr(GError) error = NULL;
  HsMember m = { 0 };

  hs_symbol_file_member_full (file, type, path, &m, &error);
  g_assert_no_error (error);
  g_clear_pointer (&m.type_name, g_free);
  return m;
}

static guint64
type_size (HsSymbolFile *file,
           const char   *type)
{
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  hs_symbol_file_get_type_size (file, type, &size, &error);
  g_assert_no_error (error);
  return size;
}

static guint64
symbol (HsSymbolFile *file,
        const char   *name)
{
  HsSymbol sym;

  g_assert_true (hs_symbol_file_lookup (file, name, &sym));
  return sym.address;
}

/* Writes @value into the member of the structure at @base, a bit-field included. */
static void
put_member (HsFakeMemory *m,
            HsSymbolFile *file,
            guint64       base,
            const char   *type,
            const char   *path,
            guint64       value)
{
  HsMember f = member (file, type, path);

  if (f.bit_size != 0)
    {
      guint8 *page;
      guint8 byte;

      g_assert_cmpuint (f.bit_offset + f.bit_size, <=, 8);
      page = hs_fake_memory_page (m, base + f.offset, TRUE);
      byte = page[(base + f.offset) & 0xfff];
      byte &= ~(((1u << f.bit_size) - 1) << f.bit_offset);
      byte |= (value & ((1u << f.bit_size) - 1)) << f.bit_offset;
      page[(base + f.offset) & 0xfff] = byte;
      return;
    }
  hs_fake_memory_put (m, base + f.offset, value, f.size);
}

/* ---- a lockless ring, written as the kernel writes it ---------------------------------------- */

typedef struct
{
  HsFakeMemory *m;
  guint count_bits, size_bits;
  guint64 count, size;
  guint64 head, tail;          /* descriptor ids */
  guint64 head_lpos, tail_lpos;
  guint64 desc_size, info_size;
  GArray *blocks;              /* of Block: the live data blocks, oldest first */
  guint64 ts;
} Ring;

typedef struct
{
  guint64 id, begin, next;
} Block;

static void
ring_put_header (Ring *r)
{
  const char *rb = "struct printk_ringbuffer";

  put_member (r->m, sample, RB_VA, rb, "desc_ring.count_bits", r->count_bits);
  put_member (r->m, sample, RB_VA, rb, "desc_ring.descs", DESCS_VA);
  put_member (r->m, sample, RB_VA, rb, "desc_ring.infos", INFOS_VA);
  put_member (r->m, sample, RB_VA, rb, "desc_ring.head_id", r->head);
  put_member (r->m, sample, RB_VA, rb, "desc_ring.tail_id", r->tail);
  put_member (r->m, sample, RB_VA, rb, "text_data_ring.size_bits", r->size_bits);
  put_member (r->m, sample, RB_VA, rb, "text_data_ring.data", DATA_VA);
  put_member (r->m, sample, RB_VA, rb, "text_data_ring.head_lpos", r->head_lpos);
  put_member (r->m, sample, RB_VA, rb, "text_data_ring.tail_lpos", r->tail_lpos);
}

static guint64
desc_va (Ring    *r,
         guint64  id)
{
  return DESCS_VA + (id & (r->count - 1)) * r->desc_size;
}

static guint64
info_va (Ring    *r,
         guint64  id)
{
  return INFOS_VA + (id & (r->count - 1)) * r->info_size;
}

static void
set_state (Ring    *r,
           guint64  id,
           guint    state)
{
  put_member (r->m, sample, desc_va (r, id), "struct prb_desc", "state_var",
              (U64 (1) * state) << 62 | id);
}

/* DEFINE_PRINTKRB(): empty, the last descriptor reusable as the initial head and tail. */
static Ring *
ring_new (HsFakeMemory *m,
          guint         count_bits,
          guint         size_bits)
{
  Ring *r = g_new0 (Ring, 1);
  guint64 desc0;

  r->m = m;
  r->count_bits = count_bits;
  r->size_bits = size_bits;
  r->count = U64 (1) << count_bits;
  r->size = U64 (1) << size_bits;
  r->desc_size = type_size (sample, "struct prb_desc");
  r->info_size = type_size (sample, "struct printk_info");
  r->blocks = g_array_new (FALSE, FALSE, sizeof (Block));
  /* Every descriptor, info and byte of data exists (zeroed) as in the kernel's arrays. */
  for (guint64 i = 0; i < r->count; i++)
    {
      hs_fake_memory_put (m, DESCS_VA + i * r->desc_size, 0, 1);
      hs_fake_memory_put (m, INFOS_VA + (i + 1) * r->info_size - 1, 0, 1);
    }
  for (guint64 i = 0; i < r->size; i += 4096)
    hs_fake_memory_page (m, DATA_VA + i, TRUE);
  desc0 = (-(r->count + 1)) & ID_MASK;
  r->head = r->tail = desc0;
  r->head_lpos = r->tail_lpos = -r->size;
  set_state (r, desc0, REUSABLE);
  put_member (m, sample, desc_va (r, desc0), "struct prb_desc", "text_blk_lpos.begin", 1);
  put_member (m, sample, desc_va (r, desc0), "struct prb_desc", "text_blk_lpos.next", 1);
  put_member (m, sample, info_va (r, 0), "struct printk_info", "seq", -r->count);
  put_member (m, sample, info_va (r, desc0), "struct printk_info", "seq", 0);
  hs_fake_memory_put (m, symbol (sample, "prb"), RB_VA, 8);
  ring_put_header (r);
  return r;
}

static void
ring_free (Ring *r)
{
  g_array_unref (r->blocks);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Ring, ring_free)

static guint64
get_seq (Ring    *r,
         guint64  id)
{
  HsMember f = member (sample, "struct printk_info", "seq");
  guint64 seq = 0;

  g_assert_true (hs_fake_memory_read (info_va (r, id) + f.offset, &seq, 8, r->m, NULL));
  return GUINT64_FROM_LE (seq);
}

/* data_push_tail(): the oldest blocks make room, their records become reusable. */
static void
push_data_tail (Ring    *r,
                guint64  lpos)
{
  while (r->blocks->len > 0 && lpos - r->tail_lpos > r->size)
    {
      Block b = g_array_index (r->blocks, Block, 0);

      set_state (r, b.id, REUSABLE);
      r->tail_lpos = b.next;
      g_array_remove_index (r->blocks, 0);
    }
}

/* prb_reserve() + writing + prb_commit()/prb_final_commit() (or nothing, for RESERVED): one
 * record of @text at level @level. Returns its id. */
static guint64
ring_add (Ring       *r,
          const char *text,
          guint       level,
          guint       state)
{
  const char *desc = "struct prb_desc", *info = "struct printk_info";
  guint64 id = (r->head + 1) & ID_MASK;
  guint64 len = strlen (text);
  guint64 blk = (len + 8 + 7) & ~U64 (7);
  guint64 begin = r->head_lpos, next = begin + blk, seq;

  /* desc_reserve(): the descriptor one wrap back must be the tail, and goes. */
  if (((id - r->count) & ID_MASK) == r->tail)
    {
      for (guint i = 0; i < r->blocks->len; i++)
        if (g_array_index (r->blocks, Block, i).id == r->tail)
          {
            /* Its data goes first (data_push_tail() up to its next). */
            push_data_tail (r, g_array_index (r->blocks, Block, i).next + r->size);
            break;
          }
      r->tail = (r->tail + 1) & ID_MASK;
    }
  /* get_next_lpos(): a block that would wrap is stored at the start of the ring. */
  if (begin >> r->size_bits != next >> r->size_bits)
    next = (next & ~(r->size - 1)) + blk;
  push_data_tail (r, next);
  /* The tail descriptor may have been made reusable with its data: the kernel moves the tail
   * past reusable descriptors when it needs them, which this writer leaves to the reader. */
  seq = get_seq (r, id);
  if (seq == 0 && (id & (r->count - 1)) != 0)
    seq = id & (r->count - 1);
  else
    seq += r->count;
  put_member (r->m, sample, info_va (r, id), info, "seq", seq);
  put_member (r->m, sample, info_va (r, id), info, "ts_nsec", r->ts += 1234567);
  put_member (r->m, sample, info_va (r, id), info, "text_len", len);
  put_member (r->m, sample, info_va (r, id), info, "facility", 0);
  put_member (r->m, sample, info_va (r, id), info, "level", level);
  put_member (r->m, sample, info_va (r, id), info, "flags", 2);
  put_member (r->m, sample, info_va (r, id), info, "caller_id", 1000 + (guint) seq);
  if (begin >> r->size_bits != next >> r->size_bits)
    {
      hs_fake_memory_put (r->m, DATA_VA + (begin & (r->size - 1)), id, 8);
      hs_fake_memory_put (r->m, DATA_VA, id, 8);
      hs_fake_memory_write (r->m, DATA_VA + 8, text, len);
    }
  else
    {
      hs_fake_memory_put (r->m, DATA_VA + (begin & (r->size - 1)), id, 8);
      hs_fake_memory_write (r->m, DATA_VA + (begin & (r->size - 1)) + 8, text, len);
    }
  put_member (r->m, sample, desc_va (r, id), desc, "text_blk_lpos.begin", begin);
  put_member (r->m, sample, desc_va (r, id), desc, "text_blk_lpos.next", next);
  set_state (r, id, state);
  g_array_append_val (r->blocks, ((Block) { id, begin, next }));
  r->head = id;
  r->head_lpos = next;
  ring_put_header (r);
  return id;
}

static HsLinuxPrintkLayout *
layout_of (HsSymbolFile *file)
{
  g_autoptr(GError) error = NULL;
  HsLinuxPrintkLayout *l = hs_linux_printk_layout_new (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (l);
  return l;
}

/* Reads the log, in batches with @readv; the warning goes to @warning, or must be NULL when
 * @warning is NULL. */
static GArray *
read_log_v (HsSymbolFile  *file,
            HsFakeMemory  *m,
            char         **warning,
            gboolean       readv)
{
  g_autoptr(HsLinuxPrintkLayout) l = layout_of (file);
  g_autoptr(GError) error = NULL;
  g_autofree char *w = NULL;
  HsLinuxReader reader = { hs_fake_memory_read, readv ? hs_fake_memory_readv : NULL, m };
  GArray *lines = hs_log_lines_new ();

  hs_linux_printk_read (l, file, 0, &reader, lines, &w, &error);
  g_assert_no_error (error);
  if (warning != NULL)
    *warning = g_steal_pointer (&w);
  else if (w != NULL)
    g_error ("unexpected warning: %s", w);
  return lines;
}

static GArray *
read_log (HsSymbolFile  *file,
          HsFakeMemory  *m,
          char         **warning)
{
  return read_log_v (file, m, warning, FALSE);
}

static GError *
read_log_error (HsSymbolFile *file,
                HsFakeMemory *m)
{
  g_autoptr(HsLinuxPrintkLayout) l = layout_of (file);
  g_autoptr(GArray) lines = hs_log_lines_new ();
  HsLinuxReader reader = { hs_fake_memory_read, NULL, m };
  GError *error = NULL;

  g_assert_false (hs_linux_printk_read (l, file, 0, &reader, lines, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  return error;
}

static const HsLogLine *
line (GArray *lines,
      guint   i)
{
  g_assert_cmpuint (i, <, lines->len);
  return &g_array_index (lines, HsLogLine, i);
}

/* ---- the lockless ring ----------------------------------------------------------------------- */

static void
test_layout (void)
{
  g_autoptr(HsLinuxPrintkLayout) l = layout_of (sample);
  g_autoptr(HsLinuxPrintkLayout) old = layout_of (sample_old);

  g_assert_cmpint (hs_linux_printk_layout_get_kind (l), ==, HS_LINUX_PRINTK_RINGBUFFER);
  g_assert_cmpint (hs_linux_printk_layout_get_kind (old), ==, HS_LINUX_PRINTK_LOG_BUF);
}

static void
test_empty (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 9);
  g_autoptr(GArray) lines = read_log (sample, m, NULL);

  g_assert_cmpuint (lines->len, ==, 0);
}

static void
test_normal (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 10);
  g_autoptr(GArray) lines = NULL;

  ring_add (r, "Booting Linux on physical CPU 0x0000000000 [0x410fd034]", 6, FINALIZED);
  ring_add (r, "Linux version 6.1.0-57-cloud-arm64", 5, FINALIZED);
  ring_add (r, "first line\nsecond line\n", 4, FINALIZED);
  ring_add (r, "", 7, FINALIZED);
  ring_add (r, "tab\there, escape \x1b[31m, bad \xff, C1 \xc2\x85, \xc3\xa9t\xc3\xa9", 3,
            FINALIZED);
  lines = read_log_v (sample, m, NULL, TRUE);

  g_assert_cmpuint (lines->len, ==, 6);
  g_assert_cmpstr (line (lines, 0)->text, ==,
                   "Booting Linux on physical CPU 0x0000000000 [0x410fd034]");
  g_assert_cmpuint (line (lines, 0)->seq, ==, 0);
  g_assert_cmpuint (line (lines, 0)->ts_nsec, ==, 1234567);
  g_assert_cmpint (line (lines, 0)->level, ==, 6);
  g_assert_cmpuint (line (lines, 0)->flags, ==, HS_LOG_FLAG_NEWLINE);
  g_assert_cmpuint (line (lines, 0)->caller_id, ==, 1000);
  g_assert_false (line (lines, 0)->unfinished);
  g_assert_cmpint (line (lines, 1)->level, ==, 5);
  /* One record, two lines: the same seq and time, parts 0 and 1, no empty third line. */
  g_assert_cmpstr (line (lines, 2)->text, ==, "first line");
  g_assert_cmpstr (line (lines, 3)->text, ==, "second line");
  g_assert_cmpuint (line (lines, 2)->seq, ==, 2);
  g_assert_cmpuint (line (lines, 3)->seq, ==, 2);
  g_assert_cmpuint (line (lines, 3)->part, ==, 1);
  g_assert_cmpuint (line (lines, 3)->ts_nsec, ==, line (lines, 2)->ts_nsec);
  g_assert_cmpstr (line (lines, 4)->text, ==, "");
  g_assert_cmpuint (line (lines, 4)->seq, ==, 3);
  g_assert_cmpstr (line (lines, 5)->text, ==,
                   "tab\there, escape \\x1b[31m, bad \\xff, C1 \\xc2\\x85, \xc3\xa9t\xc3\xa9");
  g_assert_true (g_utf8_validate (line (lines, 5)->text, -1, NULL));
}

/* More records than descriptors and more text than the data ring: both have wrapped several
 * times, and the ids have wrapped past 2^62 (they start just below it). What is left is the
 * newest records, whole, in order. */
static void
test_wrapped (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 8);
  g_autoptr(GArray) lines = NULL;
  guint64 first_id = (r->head + 1) & ID_MASK;
  guint64 first;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u%s", i, i % 7 == 0 ? " is longer" : "");

      ring_add (r, text, 6, FINALIZED);
    }
  /* The ids went past the top of their 62 bits. */
  g_assert_cmpuint (r->head, <, first_id);
  lines = read_log (sample, m, NULL);
  g_assert_cmpuint (lines->len, >, 3);
  g_assert_cmpuint (lines->len, <=, 16);
  first = line (lines, 0)->seq;
  for (guint i = 0; i < lines->len; i++)
    {
      g_autofree char *expect = g_strdup_printf ("message %u%s", (guint) (first + i),
                                                 (first + i) % 7 == 0 ? " is longer" : "");

      g_assert_cmpuint (line (lines, i)->seq, ==, first + i);
      g_assert_cmpstr (line (lines, i)->text, ==, expect);
    }
  g_assert_cmpuint (line (lines, lines->len - 1)->seq, ==, 99);
  /* Every record whose text is still in the ring is shown. */
  g_assert_cmpuint (first, ==, get_seq (r, g_array_index (r->blocks, Block, 0).id));
}

/* The four descriptor states: reserved (being written) is not shown and is said so; committed
 * (a continuation may still come) is shown as unfinished; reusable is not shown. */
static void
test_states (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 10);
  g_autoptr(GArray) lines = NULL;
  g_autofree char *warning = NULL;
  guint64 gone;

  ring_add (r, "finalized one", 6, FINALIZED);
  gone = ring_add (r, "reusable", 6, FINALIZED);
  ring_add (r, "finalized two", 6, FINALIZED);
  ring_add (r, "committed", 6, COMMITTED);
  ring_add (r, "half writ", 6, RESERVED);
  set_state (r, gone, REUSABLE);
  lines = read_log (sample, m, &warning);

  g_test_message ("%s", warning);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (line (lines, 0)->text, ==, "finalized one");
  g_assert_cmpstr (line (lines, 1)->text, ==, "finalized two");
  g_assert_cmpstr (line (lines, 2)->text, ==, "committed");
  g_assert_false (line (lines, 1)->unfinished);
  g_assert_true (line (lines, 2)->unfinished);
  g_assert_nonnull (strstr (warning, "1 record being written when the guest stopped is not "
                                     "shown"));
}

static void
test_hostile_records (void)
{
  const char *desc = "struct prb_desc", *info = "struct printk_info";
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 10);
  g_autoptr(GArray) lines = NULL;
  g_autofree char *warning = NULL;
  guint64 ids[8];

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *text = g_strdup_printf ("record %u", i);

      ids[i] = ring_add (r, text, 6, FINALIZED);
    }
  /* A text longer than the ring, one longer than its block. */
  put_member (m, sample, info_va (r, ids[1]), info, "text_len", 60000);
  put_member (m, sample, info_va (r, ids[2]), info, "text_len", 40);
  /* Positions outside the ring's tail..head, and one not aligned. */
  put_member (m, sample, desc_va (r, ids[3]), desc, "text_blk_lpos.begin", r->head_lpos + 64);
  put_member (m, sample, desc_va (r, ids[3]), desc, "text_blk_lpos.next", r->head_lpos + 128);
  put_member (m, sample, desc_va (r, ids[4]), desc, "text_blk_lpos.begin",
              g_array_index (r->blocks, Block, 4).begin + 4);
  /* A descriptor holding another id; a data block holding another id. */
  put_member (m, sample, desc_va (r, ids[5]), desc, "state_var", U64 (2) << 62 | 12345);
  hs_fake_memory_put (m, DATA_VA + (g_array_index (r->blocks, Block, 6).begin & (r->size - 1)), 999, 8);
  /* A sequence number that does not belong to its descriptor. */
  put_member (m, sample, info_va (r, ids[7]), info, "seq", 3);
  put_member (m, sample, RB_VA, "struct printk_ringbuffer", "fail", 2);
  lines = read_log (sample, m, &warning);

  g_test_message ("%s", warning);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (line (lines, 0)->text, ==, "record 0");
  g_assert_nonnull (strstr (warning, "4 records whose text was overwritten or cannot be read "
                                     "are left out"));
  g_assert_nonnull (strstr (warning, "3 records with impossible values"));
  g_assert_nonnull (strstr (warning, "could not store 2 messages"));
}

/* Blocks that overlap (each one's id inside the text of the one before): the text of all
 * records together is not believed past the ring's size. */
static void
test_hostile_overlap (void)
{
  const char *desc = "struct prb_desc", *rb = "struct printk_ringbuffer";
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 10);
  g_autoptr(GArray) lines = NULL;
  g_autofree char *warning = NULL;
  guint64 ids[16], tail_lpos = r->tail_lpos, end = tail_lpos + 1016;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = ring_add (r, "x", 6, FINALIZED);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      put_member (m, sample, desc_va (r, ids[i]), desc, "text_blk_lpos.begin", tail_lpos + 8 * i);
      put_member (m, sample, desc_va (r, ids[i]), desc, "text_blk_lpos.next", end);
      put_member (m, sample, info_va (r, ids[i]), "struct printk_info", "text_len",
                  1016 - 8 * i - 8);
      hs_fake_memory_put (m, DATA_VA + 8 * i, ids[i], 8);
    }
  put_member (m, sample, RB_VA, rb, "text_data_ring.tail_lpos", tail_lpos);
  put_member (m, sample, RB_VA, rb, "text_data_ring.head_lpos", end);
  lines = read_log (sample, m, &warning);
  g_test_message ("%s", warning);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_nonnull (strstr (warning, "adds up to more than the ring holds: the last 15"));
}

static void
test_hostile_header (void)
{
  const char *rb = "struct printk_ringbuffer";
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 10);
  g_autoptr(GArray) lines = NULL;
  g_autofree char *warning = NULL;
  GError *error;

  for (guint i = 0; i < 5; i++)
    ring_add (r, "hello", 6, FINALIZED);

  /* An absurd descriptor count, data size or pointer is an error, never an allocation. */
  put_member (m, sample, RB_VA, rb, "desc_ring.count_bits", 63);
  error = read_log_error (sample, m);
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  g_assert_nonnull (strstr (error->message, "count_bits is 63"));
  g_error_free (error);
  put_member (m, sample, RB_VA, rb, "desc_ring.count_bits", 4);
  put_member (m, sample, RB_VA, rb, "text_data_ring.size_bits", 40);
  error = read_log_error (sample, m);
  g_assert_nonnull (strstr (error->message, "size_bits is 40"));
  g_error_free (error);
  put_member (m, sample, RB_VA, rb, "text_data_ring.size_bits", 10);
  put_member (m, sample, RB_VA, rb, "desc_ring.descs", 0x1000);
  error = read_log_error (sample, m);
  g_assert_nonnull (strstr (error->message, "descs is 0x1000, not a kernel pointer"));
  g_error_free (error);
  put_member (m, sample, RB_VA, rb, "desc_ring.descs", DESCS_VA);

  /* prb itself pointing at user space, or at nothing. */
  hs_fake_memory_put (m, symbol (sample, "prb"), 0x400000, 8);
  error = read_log_error (sample, m);
  g_assert_nonnull (strstr (error->message, "prb points outside the guest's kernel memory"));
  g_error_free (error);
  hs_fake_memory_put (m, symbol (sample, "prb"), UNMAPPED, 8);
  error = read_log_error (sample, m);
  g_assert_nonnull (strstr (error->message, "prb points outside the guest's kernel memory"));
  g_error_free (error);
  hs_fake_memory_put (m, symbol (sample, "prb"), RB_VA, 8);

  /* Head and tail further apart than the ring: only the newest count descriptors are read, and
   * the data positions likewise. */
  put_member (m, sample, RB_VA, rb, "desc_ring.tail_id", (r->head - 1000) & ID_MASK);
  put_member (m, sample, RB_VA, rb, "text_data_ring.tail_lpos", r->head_lpos - 100000);
  lines = read_log (sample, m, &warning);
  g_test_message ("%s", warning);
  g_assert_cmpuint (lines->len, ==, 5);
  g_assert_nonnull (strstr (warning, "further apart than its 16 descriptors"));
  g_assert_nonnull (strstr (warning, "further apart than its 1024 bytes"));
}

/* Descriptors and text that cannot be read: what can be is shown. */
static void
test_holes (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 8, 14);
  g_autoptr(GArray) lines = NULL;
  g_autofree char *warning = NULL;
  gint64 vpn;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *text = g_strdup_printf ("%03u %s", i, "padding padding padding padding "
                                               "padding padding padding padding padding");

      ring_add (r, text, 6, FINALIZED);
    }
  /* The third page of the data ring goes (the newest records are on the second). */
  vpn = (gint64) ((DATA_VA + 8192) >> 12);
  g_hash_table_remove (m->pages, &vpn);
  lines = read_log_v (sample, m, &warning, TRUE);
  g_test_message ("%u lines; %s", lines->len, warning);
  g_assert_nonnull (warning);
  g_assert_cmpuint (lines->len, >, 100);
  g_assert_cmpuint (lines->len, <, 200);
  g_assert_cmpstr (line (lines, lines->len - 1)->text, ==, "199 padding padding padding padding "
                   "padding padding padding padding padding");
}

static void
test_cancelled (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(Ring) r = ring_new (m, 4, 10);
  g_autoptr(HsLinuxPrintkLayout) l = layout_of (sample);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) lines = hs_log_lines_new ();
  g_autoptr(GError) error = NULL;
  HsLinuxReader reader = { hs_fake_memory_read, NULL, m, .cancellable = cancellable };

  ring_add (r, "hello", 6, FINALIZED);
  g_cancellable_cancel (cancellable);
  g_assert_false (hs_linux_printk_read (l, sample, 0, &reader, lines, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- log_buf (3.11-5.9) ---------------------------------------------------------------------- */

typedef struct
{
  HsFakeMemory *m;
  guint64 buf;
  guint64 len;
  guint64 hdr;
  guint64 idx;
  guint64 seq;
} OldLog;

static void
old_put_indexes (OldLog  *o,
                 guint64  first_idx,
                 guint64  first_seq)
{
  hs_fake_memory_put (o->m, symbol (sample_old, "log_first_idx"), first_idx, 4);
  hs_fake_memory_put (o->m, symbol (sample_old, "log_next_idx"), o->idx, 4);
  hs_fake_memory_put (o->m, symbol (sample_old, "log_first_seq"), first_seq, 8);
  hs_fake_memory_put (o->m, symbol (sample_old, "log_next_seq"), o->seq, 8);
}

static void
old_add (OldLog     *o,
         const char *text,
         guint       level)
{
  const char *log = "struct printk_log";
  guint64 len = (o->hdr + strlen (text) + 3) & ~U64 (3);

  if (o->idx + len + o->hdr > o->len)
    {
      /* log_store(): a zero length at the end says "continue at the start" (it always leaves
       * room for that header). */
      put_member (o->m, sample_old, o->buf + o->idx, log, "len", 0);
      o->idx = 0;
    }
  put_member (o->m, sample_old, o->buf + o->idx, log, "ts_nsec", 1000000 * (o->seq + 1));
  put_member (o->m, sample_old, o->buf + o->idx, log, "len", len);
  put_member (o->m, sample_old, o->buf + o->idx, log, "text_len", strlen (text));
  put_member (o->m, sample_old, o->buf + o->idx, log, "level", level);
  put_member (o->m, sample_old, o->buf + o->idx, log, "facility", 0);
  put_member (o->m, sample_old, o->buf + o->idx, log, "caller_id", 77);
  hs_fake_memory_write (o->m, o->buf + o->idx + o->hdr, text, strlen (text));
  o->idx += len;
  o->seq++;
}

static void
old_init (OldLog       *o,
          HsFakeMemory *m)
{
  o->m = m;
  o->buf = symbol (sample_old, "__log_buf");
  o->len = 4096;
  o->hdr = type_size (sample_old, "struct printk_log");
  hs_fake_memory_put (m, symbol (sample_old, "log_buf"), o->buf, 8);
  hs_fake_memory_put (m, symbol (sample_old, "log_buf_len"), o->len, 4);
  for (guint64 i = 0; i < o->len; i += 4096)
    hs_fake_memory_page (m, o->buf + i, TRUE);
}

static void
test_log_buf (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) lines = NULL;
  OldLog o = { 0 };
  guint64 first_idx, first_seq;

  old_init (&o, m);
  /* Enough to wrap: the oldest records give way (log_first_idx moves past them). */
  for (guint i = 0; i < 150; i++)
    {
      g_autofree char *text = g_strdup_printf ("old kernel line %u", i);

      old_add (&o, text, i % 8);
    }
  /* The last 20 records, which all lie before the write position in this wrap. */
  first_seq = 130;
  first_idx = o.idx - 20 * ((o.hdr + strlen ("old kernel line 130") + 3) & ~U64 (3));
  old_put_indexes (&o, first_idx, first_seq);
  lines = read_log (sample_old, m, NULL);
  g_assert_cmpuint (lines->len, ==, 20);
  g_assert_cmpstr (line (lines, 0)->text, ==, "old kernel line 130");
  g_assert_cmpuint (line (lines, 0)->seq, ==, 130);
  g_assert_cmpint (line (lines, 0)->level, ==, 130 % 8);
  g_assert_cmpuint (line (lines, 0)->ts_nsec, ==, 131000000);
  g_assert_cmpuint (line (lines, 0)->caller_id, ==, 77);
  g_assert_cmpstr (line (lines, 19)->text, ==, "old kernel line 149");
}

/* A record list that wraps: the zero-length marker sends the walk to the start. */
static void
test_log_buf_wrap (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) lines = NULL;
  g_autofree char *warning = NULL;
  OldLog o = { 0 };
  guint64 per, first_idx;
  guint n_fit;

  old_init (&o, m);
  per = (o.hdr + strlen ("old kernel line 100") + 3) & ~U64 (3);
  n_fit = (guint) ((4096 - o.hdr) / per);
  o.seq = 100;
  for (guint i = 100; i < 100 + n_fit + 3; i++)
    {
      g_autofree char *text = g_strdup_printf ("old kernel line %u", i);

      old_add (&o, text, 6);
    }
  /* The three newest overwrote the three oldest; the fourth oldest is first. */
  first_idx = 4 * per;
  old_put_indexes (&o, first_idx, 104);
  lines = read_log (sample_old, m, NULL);
  g_assert_cmpuint (lines->len, ==, n_fit - 1);
  g_assert_cmpstr (line (lines, 0)->text, ==, "old kernel line 104");
  {
    g_autofree char *last = g_strdup_printf ("old kernel line %u", 100 + n_fit + 2);

    g_assert_cmpstr (line (lines, lines->len - 1)->text, ==, last);
  }
  g_clear_pointer (&lines, g_array_unref);
  /* Hostile: a zero-length record at the start too (a loop), and a length past the end. */
  put_member (m, sample_old, o.buf, "struct printk_log", "len", 0);
  lines = read_log (sample_old, m, &warning);
  g_test_message ("%s", warning);
  g_assert_nonnull (strstr (warning, "loop"));
  g_clear_pointer (&warning, g_free);
  g_clear_pointer (&lines, g_array_unref);
  put_member (m, sample_old, o.buf + first_idx, "struct printk_log", "len", 5000);
  lines = read_log (sample_old, m, &warning);
  g_assert_cmpuint (lines->len, ==, 0);
  g_assert_nonnull (strstr (warning, "impossible length"));
}

static void
test_log_buf_hostile (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  OldLog o = { 0 };
  GError *error;

  old_init (&o, m);
  old_add (&o, "hello", 6);
  old_put_indexes (&o, 0, 0);
  hs_fake_memory_put (m, symbol (sample_old, "log_buf_len"), 1u << 31, 4);
  error = read_log_error (sample_old, m);
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  g_error_free (error);
  hs_fake_memory_put (m, symbol (sample_old, "log_buf_len"), 4096, 4);
  hs_fake_memory_put (m, symbol (sample_old, "log_buf"), 0x1234, 8);
  error = read_log_error (sample_old, m);
  g_assert_nonnull (strstr (error->message, "log_buf points outside"));
  g_error_free (error);
}

/* ---- Xen's console ring ---------------------------------------------------------------------- */

static void
xen_ring (HsFakeMemory *m,
          guint32       size,
          guint32       consumer,
          guint32       producer,
          const char   *written)      /* the bytes at positions producer - strlen .. producer */
{
  gsize len = strlen (written);

  hs_fake_memory_put (m, symbol (sample, "conring"), XEN_RING, 8);
  hs_fake_memory_put (m, symbol (sample, "conring_size"), size, 4);
  hs_fake_memory_put (m, symbol (sample, "conringc"), consumer, 4);
  hs_fake_memory_put (m, symbol (sample, "conringp"), producer, 4);
  for (guint32 i = 0; i < size; i += 4096)
    hs_fake_memory_page (m, XEN_RING + i, TRUE);
  for (gsize i = 0; i < len; i++)
    hs_fake_memory_put (m, XEN_RING + ((producer - len + i) & (size - 1)), (guint8) written[i], 1);
}

static GArray *
read_xen (HsFakeMemory     *m,
          HsXenConsoleInfo *info)
{
  g_autoptr(GError) error = NULL;
  GArray *lines = hs_log_lines_new ();

  g_assert_true (hs_xen_console_read (sample, 0, hs_fake_memory_read, m, lines, info, &error));
  g_assert_no_error (error);
  return lines;
}

static void
test_xen (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) lines = NULL;
  HsXenConsoleInfo info;
  const char *text = "(XEN) Xen version 4.17.5 (Debian)\n(XEN) DOM2: [    0.000000] Booting "
                     "Linux\r\r\n(XEN) DOM1: HYPERSCOPE-READY linux1\n(XEN) partial";

  xen_ring (m, 4096, 0, (guint32) strlen (text), text);
  lines = read_xen (m, &info);
  g_assert_cmpuint (info.start, ==, 0);
  g_assert_false (info.wrapped);
  g_assert_cmpuint (info.size, ==, 4096);
  g_assert_cmpuint (lines->len, ==, 4);
  g_assert_cmpstr (line (lines, 0)->text, ==, "(XEN) Xen version 4.17.5 (Debian)");
  g_assert_cmpstr (line (lines, 1)->text, ==, "(XEN) DOM2: [    0.000000] Booting Linux");
  g_assert_cmpstr (line (lines, 3)->text, ==, "(XEN) partial");
  g_assert_true (line (lines, 3)->unfinished);
  g_assert_false (line (lines, 2)->unfinished);
  g_assert_cmpint (line (lines, 0)->level, ==, -1);
  /* Positions past each line's end, as conringp counts. */
  g_assert_cmpuint (line (lines, 0)->seq, ==, strlen ("(XEN) Xen version 4.17.5 (Debian)\n"));
  g_assert_cmpuint (line (lines, 3)->seq, ==, strlen (text));
}

/* Wrapped: the last conring_size bytes, from the first whole line; the indexes wrap at 2^32. */
static void
test_xen_wrapped (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) lines = NULL;
  GString *all = g_string_new (NULL);
  HsXenConsoleInfo info;
  guint32 producer = 50;     /* past 2^32: it wrapped */
  guint first;

  for (guint i = 0; i < 400; i++)
    g_string_append_printf (all, "(XEN) line %u\n", i);
  xen_ring (m, 4096, producer - (guint32) all->len, producer, all->str);
  lines = read_xen (m, &info);
  g_assert_cmpuint (info.start, ==, producer - 4096);
  g_assert_true (info.wrapped);
  g_assert_true (sscanf (line (lines, 0)->text, "(XEN) line %u", &first) == 1);
  for (guint i = 0; i < lines->len; i++)
    {
      g_autofree char *expect = g_strdup_printf ("(XEN) line %u", first + i);

      g_assert_cmpstr (line (lines, i)->text, ==, expect);
    }
  g_assert_cmpuint (first + lines->len, ==, 400);
  g_assert_cmpuint (line (lines, lines->len - 1)->seq, ==, producer);
  g_string_free (all, TRUE);
}

/* xl dmesg -c: what was read and cleared is not shown; a consumer on a line boundary cuts no
 * line. */
static void
test_xen_consumed (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) lines = NULL;
  const char *text = "(XEN) cleared\n(XEN) kept one\n(XEN) kept two\n";

  xen_ring (m, 4096, (guint32) strlen ("(XEN) cleared\n"), (guint32) strlen (text), text);
  lines = read_xen (m, NULL);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (line (lines, 0)->text, ==, "(XEN) kept one");
}

static void
test_xen_hostile (void)
{
  g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
  g_autoptr(GArray) lines = hs_log_lines_new ();
  GError *error = NULL;

  xen_ring (m, 4096, 0, 10, "0123456789");
  hs_fake_memory_put (m, symbol (sample, "conring_size"), 3000, 4);
  g_assert_false (hs_xen_console_read (sample, 0, hs_fake_memory_read, m, lines, NULL, &error));
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  g_clear_error (&error);
  hs_fake_memory_put (m, symbol (sample, "conring_size"), 1u << 31, 4);
  g_assert_false (hs_xen_console_read (sample, 0, hs_fake_memory_read, m, lines, NULL, &error));
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA));
  g_clear_error (&error);
  /* A ring pointer to nothing: a read error naming where. */
  hs_fake_memory_put (m, symbol (sample, "conring_size"), 4096, 4);
  hs_fake_memory_put (m, symbol (sample, "conring"), UNMAPPED, 8);
  g_assert_false (hs_xen_console_read (sample, 0, hs_fake_memory_read, m, lines, NULL, &error));
  g_assert_nonnull (strstr (error->message, "console ring"));
  g_clear_error (&error);
  /* Consumer ahead of the producer: at most the ring's size is read. */
  hs_fake_memory_put (m, symbol (sample, "conring"), XEN_RING, 8);
  hs_fake_memory_put (m, symbol (sample, "conringc"), 11, 4);
  g_assert_true (hs_xen_console_read (sample, 0, hs_fake_memory_read, m, lines, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, <=, 4096);
}

/* ---- random damage -------------------------------------------------------------------------- */

static void
assert_showable (GArray *lines)
{
  for (guint i = 0; i < lines->len; i++)
    {
      const char *text = line (lines, i)->text;

      g_assert_true (g_utf8_validate (text, -1, NULL));
      for (const char *p = text; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          g_assert_true (c == '\t' || (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f)));
        }
    }
}

/* A ring, then bytes anywhere in it (header, descriptors, infos, text) set at random: every read
 * ends, with an error or with lines that are text, no more than the ring can hold. */
static void
test_random_damage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);
  guint read = 0, failed = 0, warned = 0, shown = 0;

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
      g_autoptr(Ring) r = ring_new (m, 4, 9);
      g_autoptr(HsLinuxPrintkLayout) l = layout_of (sample);
      g_autoptr(GArray) lines = hs_log_lines_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *warning = NULL;
      HsLinuxReader reader = { hs_fake_memory_read, round % 2 ? hs_fake_memory_readv : NULL, m };
      guint n = g_rand_int_range (rand, 0, 60);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *text = g_strdup_printf ("message %u%s", i, i % 3 ? "" : "\nsecond");

          ring_add (r, text, i % 8, g_rand_int_range (rand, 0, 10) == 0
                                    ? g_rand_int_range (rand, RESERVED, REUSABLE + 1) : FINALIZED);
        }
      for (guint k = g_rand_int_range (rand, 1, 40); k > 0; k--)
        {
          static const guint64 areas[][2] = {
            { RB_VA, 128 }, { DESCS_VA, 16 * 24 }, { INFOS_VA, 16 * 88 }, { DATA_VA, 512 },
          };
          guint a = g_rand_int_range (rand, 0, G_N_ELEMENTS (areas));
          guint64 at = areas[a][0] + g_rand_int_range (rand, 0, (gint32) areas[a][1]);
          guint8 byte = (guint8) g_rand_int (rand);

          hs_fake_memory_write (m, at, &byte, 1);
        }
      if (hs_linux_printk_read (l, sample, 0, &reader, lines, &warning, &error))
        {
          g_assert_no_error (error);
          /* At most two lines a record here, and at most as many records as descriptors...
           * unless the damage put newlines in: then no more lines than the ring's bytes. */
          g_assert_cmpuint (lines->len, <=, 512 + 16);
          assert_showable (lines);
          read++;
          warned += warning != NULL;
          shown += lines->len;
        }
      else
        {
          g_assert_nonnull (error);
          failed++;
        }
    }
  g_test_message ("%u reads, %u with a warning, %u lines; %u refused", read, warned, shown,
                  failed);
  g_assert_cmpuint (read, >, 0);
  g_assert_cmpuint (failed, >, 0);
  g_assert_cmpuint (warned, >, 0);
}

static void
test_xen_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (14);

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(HsFakeMemory) m = hs_fake_memory_new ();
      g_autoptr(GArray) lines = hs_log_lines_new ();
      g_autoptr(GError) error = NULL;
      guint8 junk[600];
      guint32 size = 1u << g_rand_int_range (rand, 0, 14);
      HsXenConsoleInfo info;

      for (guint i = 0; i < sizeof junk - 1; i++)
        junk[i] = (guint8) (g_rand_int_range (rand, 0, 4) == 0 ? '\n' : g_rand_int (rand));
      junk[sizeof junk - 1] = 0;
      for (guint i = 0; i < sizeof junk - 1; i++)
        if (junk[i] == 0)
          junk[i] = 'x';
      xen_ring (m, 8192, g_rand_int (rand), g_rand_int (rand), (const char *) junk);
      if (round % 3 == 0)
        hs_fake_memory_put (m, symbol (sample, "conring_size"), size, 4);
      if (hs_xen_console_read (sample, 0, hs_fake_memory_read, m, lines, &info, &error))
        {
          g_assert_cmpuint (lines->len, <=, info.size);
          assert_showable (lines);
        }
      else
        g_assert_nonnull (error);
    }
}

/* ---- the board's files ----------------------------------------------------------------------- */

static void
test_board_layouts (void)
{
  g_autofree char *vmlinux_path = g_build_filename (g_get_user_cache_dir (), "hyperscope",
                                                    "board", "out", "vmlinux", NULL);
  g_autoptr(HsSymbolFile) vmlinux = NULL;
  g_autoptr(HsLinuxPrintkLayout) l = NULL;
  g_autoptr(GError) error = NULL;
  HsSymbol sym;

  if (!g_file_test (vmlinux_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the board's vmlinux has not been built");
      return;
    }
  vmlinux = hs_symbol_file_load (vmlinux_path, &error);
  g_assert_no_error (error);
  l = hs_linux_printk_layout_new (vmlinux, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hs_linux_printk_layout_get_kind (l), ==, HS_LINUX_PRINTK_RINGBUFFER);
  g_assert_true (hs_symbol_file_lookup (vmlinux, "prb", &sym));
}

int
main (int    argc,
      char **argv)
{
  gboolean board = FALSE;
  g_autoptr(GError) error = NULL;

  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--vmlinux"))
      board = TRUE;
  g_test_init (&argc, &argv, NULL);

  if (board)
    {
      g_test_add_func ("/Hs/Printk/board-layouts", test_board_layouts);
      return g_test_run ();
    }
  if (g_getenv ("HS_PRINTK_SAMPLE_RINGBUFFER") == NULL
      || g_getenv ("HS_PRINTK_SAMPLE_LOG_BUF") == NULL)
    g_error ("HS_PRINTK_SAMPLE_RINGBUFFER and HS_PRINTK_SAMPLE_LOG_BUF are not set "
             "(tests/engine/meson.build sets them; is aarch64-linux-gnu-gcc installed?)");
  sample = hs_symbol_file_load (g_getenv ("HS_PRINTK_SAMPLE_RINGBUFFER"), &error);
  g_assert_no_error (error);
  sample_old = hs_symbol_file_load (g_getenv ("HS_PRINTK_SAMPLE_LOG_BUF"), &error);
  g_assert_no_error (error);

  g_test_add_func ("/Hs/Printk/layout", test_layout);
  g_test_add_func ("/Hs/Printk/empty", test_empty);
  g_test_add_func ("/Hs/Printk/normal", test_normal);
  g_test_add_func ("/Hs/Printk/wrapped", test_wrapped);
  g_test_add_func ("/Hs/Printk/states", test_states);
  g_test_add_func ("/Hs/Printk/hostile-records", test_hostile_records);
  g_test_add_func ("/Hs/Printk/hostile-overlap", test_hostile_overlap);
  g_test_add_func ("/Hs/Printk/hostile-header", test_hostile_header);
  g_test_add_func ("/Hs/Printk/holes", test_holes);
  g_test_add_func ("/Hs/Printk/cancelled", test_cancelled);
  g_test_add_func ("/Hs/Printk/log-buf", test_log_buf);
  g_test_add_func ("/Hs/Printk/log-buf-wrap", test_log_buf_wrap);
  g_test_add_func ("/Hs/Printk/log-buf-hostile", test_log_buf_hostile);
  g_test_add_func ("/Hs/Printk/xen", test_xen);
  g_test_add_func ("/Hs/Printk/xen-wrapped", test_xen_wrapped);
  g_test_add_func ("/Hs/Printk/xen-consumed", test_xen_consumed);
  g_test_add_func ("/Hs/Printk/xen-hostile", test_xen_hostile);
  g_test_add_func ("/Hs/Printk/random-damage", test_random_damage);
  g_test_add_func ("/Hs/Printk/xen-random", test_xen_random);
  {
    int ret = g_test_run ();

    g_object_unref (sample);
    g_object_unref (sample_old);
    return ret;
  }
}
