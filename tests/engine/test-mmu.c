/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-mmu.c: VMSAv8-64 stage 1, stage 2 and the combined walk, on page tables built here in a
 * sparse fake physical memory whose reader fails for unbacked addresses and counts its reads.
 */
#define G_LOG_DOMAIN "test-mmu"

#include "config.h"

#include "hs-mmu.h"

#include <gio/gio.h>
#include <string.h>

#define U64(x) G_GUINT64_CONSTANT (x)
#define KiB U64 (1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

/* TCR_EL1 fields. */
#define TCR_T0SZ(n)  ((guint64) (n))
#define TCR_T1SZ(n)  ((guint64) (n) << 16)
#define TCR_EPD0     (U64 (1) << 7)
#define TCR_TG0_4K   (U64 (0) << 14)
#define TCR_TG0_64K  (U64 (1) << 14)
#define TCR_TG0_16K  (U64 (2) << 14)
#define TCR_A1       (U64 (1) << 22)
#define TCR_EPD1     (U64 (1) << 23)
#define TCR_TG1_16K  (U64 (1) << 30)
#define TCR_TG1_4K   (U64 (2) << 30)
#define TCR_TG1_64K  (U64 (3) << 30)
#define TCR_IPS(n)   ((guint64) (n) << 32)
#define TCR_AS       (U64 (1) << 36)
#define TCR_TBI0     (U64 (1) << 37)

/* VTCR_EL2 fields. */
#define VTCR(t0sz, sl0, tg0, ps) \
  ((guint64) (t0sz) | ((guint64) (sl0) << 6) | ((guint64) (tg0) << 14) | ((guint64) (ps) << 16) | \
   (U64 (1) << 31))

/* The board's registers (QEMU virt, Cortex-A53, Xen 4.17, Linux 6.1 guests). */
#define BOARD_TCR_EL1   U64 (0x00500072b5503510)
#define BOARD_VTCR_EL2  U64 (0x80023558)
#define BOARD_VTTBR_EL2 U64 (0x00010000bffaa000)
#define BOARD_TCR_EL2   U64 (0x80823510)
#define BOARD_TTBR0_EL2 U64 (0x4032b000)
/* Linux 6.1: Normal WB, Normal tagged, Normal NC, Device-nGnRnE, Device-nGnRE. */
#define LINUX_MAIR      U64 (0x000000040044f0ff)

/* Descriptor bits. */
#define D_TABLE     U64 (3)
#define D_PAGE      U64 (3)
#define D_BLOCK     U64 (1)
#define S1_ATTR(i)  ((guint64) (i) << 2)
#define S1_EL0      (U64 (1) << 6)
#define S1_RO       (U64 (1) << 7)
#define SH_INNER    (U64 (3) << 8)
#define AF          (U64 (1) << 10)
#define S1_NG       (U64 (1) << 11)
#define S1_PXN      (U64 (1) << 53)
#define S1_UXN      (U64 (1) << 54)
#define S2_XN       (U64 (1) << 54)
#define S2_R        (U64 (1) << 6)
#define S2_W        (U64 (1) << 7)
#define S2_NORMAL   (U64 (0xf) << 2)
#define S2_DEVICE   (U64 (0x1) << 2)

#define KERNEL_DATA (AF | SH_INNER | S1_ATTR (0) | S1_PXN | S1_UXN)
#define KERNEL_TEXT (AF | SH_INNER | S1_ATTR (0) | S1_RO | S1_UXN)
#define USER_DATA   (AF | SH_INNER | S1_ATTR (0) | S1_EL0 | S1_NG | S1_PXN | S1_UXN)
#define S2_RAM      (AF | SH_INNER | S2_NORMAL | S2_R | S2_W)

#define R HS_MMU_PERM_READ
#define W HS_MMU_PERM_WRITE
#define X HS_MMU_PERM_EXEC

/* ---- fake physical memory ------------------------------------------------------------------ */

typedef struct
{
  GHashTable *pages; /* page frame number (4 KiB) → 4 KiB of bytes */
  guint reads;
  guint64 bytes;
  gsize max_len;
  guint64 zero_start;  /* [zero_start, zero_end) reads as zeros without being stored */
  guint64 zero_end;
} Mem;

static Mem *
mem_new (void)
{
  Mem *m = g_new0 (Mem, 1);

  m->pages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return m;
}

static void
mem_free (Mem *m)
{
  g_hash_table_unref (m->pages);
  g_free (m);
}

static guint8 *
mem_page (Mem     *m,
          guint64  pa,
          gboolean create)
{
  gint64 pfn = (gint64) (pa >> 12);
  guint8 *page = g_hash_table_lookup (m->pages, &pfn);

  if (page == NULL && create)
    {
      page = g_malloc0 (4096);
      g_hash_table_insert (m->pages, g_memdup2 (&pfn, sizeof pfn), page);
    }
  return page;
}

/* Makes [pa, pa + len) exist (zeroed where new). */
static void
mem_back (Mem    *m,
          guint64 pa,
          guint64 len)
{
  for (guint64 p = pa & ~U64 (0xfff); p < pa + len; p += 4096)
    mem_page (m, p, TRUE);
}

static void
mem_write64 (Mem    *m,
             guint64 pa,
             guint64 value)
{
  guint64 le = GUINT64_TO_LE (value);

  g_assert_cmpuint (pa & 7, ==, 0);
  memcpy (mem_page (m, pa, TRUE) + (pa & 0xfff), &le, 8);
}

static guint64
mem_read64 (Mem    *m,
            guint64 pa)
{
  guint8 *page = mem_page (m, pa, FALSE);
  guint64 le;

  g_assert_nonnull (page);
  memcpy (&le, page + (pa & 0xfff), 8);
  return GUINT64_FROM_LE (le);
}

static gboolean
mem_read (guint64   pa,
          void     *buf,
          gsize     len,
          gpointer  user_data,
          GError  **error)
{
  Mem *m = user_data;
  guint8 *out = buf;

  m->reads++;
  m->bytes += len;
  m->max_len = MAX (m->max_len, len);
  while (len > 0)
    {
      guint8 *page = mem_page (m, pa, FALSE);
      gsize n = MIN (len, 4096 - (pa & 0xfff));

      if (page == NULL && pa >= m->zero_start && pa < m->zero_end)
        {
          memset (out, 0, n);
          out += n;
          pa += n;
          len -= n;
          continue;
        }
      if (page == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "no memory at PA 0x%" G_GINT64_MODIFIER "x", pa);
          return FALSE;
        }
      memcpy (out, page + (pa & 0xfff), n);
      out += n;
      pa += n;
      len -= n;
    }
  return TRUE;
}

/* ---- building page tables ------------------------------------------------------------------ */

/* One stage's tables. They live in a "table address space" (an IPA space for stage-1 tables
 * under stage 2) that is @offset below the physical memory they are written to. */
typedef struct
{
  Mem *mem;
  guint gshift;
  guint start_level;
  guint start_bits;
  guint64 root;
  guint64 offset;
  guint64 next;
} Tables;

static guint
tables_lsb (const Tables *t,
            guint         level)
{
  return t->gshift + (3 - level) * (t->gshift - 3);
}

static void
tables_init (Tables  *t,
             Mem     *m,
             guint    gshift,
             guint    in_bits,
             guint    start_level,
             guint64  root,
             guint64  offset)
{
  guint64 granule = U64 (1) << gshift;
  guint64 root_size;

  t->mem = m;
  t->gshift = gshift;
  t->start_level = start_level;
  t->root = root;
  t->offset = offset;
  t->start_bits = in_bits - tables_lsb (t, start_level);
  root_size = U64 (8) << t->start_bits;
  mem_back (m, root + offset, root_size);
  t->next = (root + MAX (root_size, granule) + granule - 1) & ~(granule - 1);
}

static guint64
tables_alloc (Tables *t)
{
  guint64 granule = U64 (1) << t->gshift;
  guint64 addr = t->next;

  t->next += granule;
  mem_back (t->mem, addr + t->offset, granule);
  return addr;
}

/* The address of the entry for @in at @level, creating tables down to it. */
static guint64
tables_entry (Tables *t,
              guint64 in,
              guint   level)
{
  guint64 table = t->root;

  for (guint l = t->start_level;; l++)
    {
      guint bits = l == t->start_level ? t->start_bits : t->gshift - 3;
      guint64 index = (in >> tables_lsb (t, l)) & ((U64 (1) << bits) - 1);
      guint64 entry = table + index * 8;
      guint64 desc;

      if (l == level)
        return entry;
      desc = mem_read64 (t->mem, entry + t->offset);
      if ((desc & 1) == 0)
        {
          desc = tables_alloc (t) | D_TABLE;
          mem_write64 (t->mem, entry + t->offset, desc);
        }
      g_assert_cmpuint (desc & 3, ==, 3);
      table = desc & U64 (0x0000ffffffffffff) & ~((U64 (1) << t->gshift) - 1);
    }
}

static void
tables_set (Tables *t,
            guint64 in,
            guint   level,
            guint64 desc)
{
  mem_write64 (t->mem, tables_entry (t, in, level) + t->offset, desc);
}

/* Maps @in to @out with a block (level < 3) or a page (level 3). */
static guint64
tables_map (Tables *t,
            guint64 in,
            guint   level,
            guint64 out,
            guint64 attrs)
{
  guint64 desc = out | attrs | (level == 3 ? D_PAGE : D_BLOCK);

  tables_set (t, in, level, desc);
  return desc;
}

/* ---- helpers ------------------------------------------------------------------------------- */

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  g_assert_nonnull (haystack);
  if (strstr (haystack, needle) == NULL)
    g_error ("'%s' does not contain '%s'", haystack, needle);
  g_assert_true (strstr (haystack, needle) != NULL);
}

static void
assert_translates (const HsMmuContext *ctx,
                   Mem                *m,
                   guint64             va,
                   guint64             pa,
                   guint64             size,
                   HsMmuTranslation   *out)
{
  GError *error = NULL;
  HsMmuTranslation t;

  g_assert_true (hs_mmu_translate (ctx, va, mem_read, m, &t, &error));
  g_assert_no_error (error);
  g_assert_cmphex (t.input, ==, va);
  g_assert_cmphex (t.pa, ==, pa);
  g_assert_cmphex (t.size, ==, size);
  if (out != NULL)
    *out = t;
}

/* Translates @va expecting an error whose message contains @needle. */
static void
assert_fails (const HsMmuContext *ctx,
              Mem                *m,
              guint64             va,
              HsMmuError          code,
              const char         *needle)
{
  GError *error = NULL;
  HsMmuTranslation t;

  memset (&t, 0x5a, sizeof t);
  g_assert_false (hs_mmu_translate (ctx, va, mem_read, m, &t, &error));
  g_assert_error (error, HS_MMU_ERROR, (gint) code);
  assert_contains (error->message, needle);
  g_test_message ("%s", error->message);
  /* Failure leaves the output alone. */
  g_assert_cmphex (t.pa, ==, U64 (0x5a5a5a5a5a5a5a5a));
  g_clear_error (&error);
}

static void
assert_stage2_fails (const HsMmuContext *ctx,
                     Mem                *m,
                     guint64             ipa,
                     HsMmuError          code,
                     const char         *needle)
{
  GError *error = NULL;
  HsMmuTranslation t;

  g_assert_false (hs_mmu_stage2 (ctx, ipa, mem_read, m, &t, &error));
  g_assert_error (error, HS_MMU_ERROR, (gint) code);
  assert_contains (error->message, needle);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
}

static HsMmuContext
el1_context (guint64 tcr,
             guint64 ttbr0,
             guint64 ttbr1)
{
  HsMmuContext ctx = { 0 };

  ctx.regime = HS_MMU_REGIME_EL10;
  ctx.stage1 = TRUE;
  ctx.tcr = tcr;
  ctx.ttbr0 = ttbr0;
  ctx.ttbr1 = ttbr1;
  ctx.mair = LINUX_MAIR;
  ctx.has_mair = TRUE;
  return ctx;
}

/* ---- stage 1 ------------------------------------------------------------------------------- */

static void
test_stage1_4k_ttbr0_page (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;
  HsMmuTranslation t;
  guint64 desc;

  /* The board's TCR_EL1: 48-bit VAs, 4K in both halves, 40-bit IPS, A1=1, AS=1. */
  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  desc = tables_map (&t0, U64 (0x0000123456789000), 3, U64 (0x87654000), USER_DATA);
  /* CnP (bit 0) is ignored; the ASID comes from TTBR1 because TCR_EL1.A1 is set. */
  ctx = el1_context (BOARD_TCR_EL1, (U64 (7) << 48) | 0x100000 | 1, U64 (0x1234) << 48);

  assert_translates (&ctx, m, U64 (0x0000123456789abc), 0x87654abc, 4096, &t);
  g_assert_cmphex (t.ipa, ==, 0x87654abc);
  g_assert_cmpuint (t.s1_level, ==, 3);
  g_assert_cmphex (t.s1_size, ==, 4096);
  g_assert_cmphex (t.s2_size, ==, 0);
  g_assert_cmphex (t.s1_desc, ==, desc);
  g_assert_false (t.ttbr1);
  g_assert_cmpuint (t.asid, ==, 0x1234);
  g_assert_true (t.ng);
  g_assert_true (t.s1_af);
  g_assert_cmpuint (t.s1_sh, ==, 3);
  g_assert_cmpuint (t.perm_el1, ==, R | W);
  g_assert_cmpuint (t.perm_el0, ==, R | W);
  /* Levels 0 to 3, one descriptor each. */
  g_assert_cmpuint (m->reads, ==, 4);
  g_assert_cmpuint (m->max_len, ==, 8);

  mem_free (m);
}

static void
test_stage1_4k_ttbr1_blocks (void)
{
  Mem *m = mem_new ();
  Tables t1;
  HsMmuContext ctx;
  HsMmuTranslation t;

  tables_init (&t1, m, 12, 48, 0, 0x200000, 0);
  tables_map (&t1, U64 (0xffff000040000000), 1, 0x40000000, KERNEL_DATA);
  tables_map (&t1, U64 (0xffff800008200000), 2, 0x40600000, KERNEL_TEXT);
  ctx = el1_context (BOARD_TCR_EL1, 0, (U64 (5) << 48) | 0x200000);

  assert_translates (&ctx, m, U64 (0xffff000040123456), 0x40123456, GiB, &t);
  g_assert_cmpuint (t.s1_level, ==, 1);
  g_assert_true (t.ttbr1);
  g_assert_cmpuint (t.asid, ==, 5);
  g_assert_cmpuint (t.perm_el1, ==, R | W);
  g_assert_cmpuint (t.perm_el0, ==, 0);
  g_assert_cmpuint (m->reads, ==, 2);

  m->reads = 0;
  assert_translates (&ctx, m, U64 (0xffff8000082abcde), 0x406abcde, 2 * MiB, &t);
  g_assert_cmpuint (t.s1_level, ==, 2);
  g_assert_cmpuint (t.perm_el1, ==, R | X);
  g_assert_cmpuint (t.perm_el0, ==, 0);
  g_assert_cmpuint (m->reads, ==, 3);

  /* Without TCR_EL1.AS the ASID has 8 bits. */
  ctx.tcr &= ~TCR_AS;
  ctx.ttbr1 |= U64 (0x1200) << 48;
  assert_translates (&ctx, m, U64 (0xffff8000082abcde), 0x406abcde, 2 * MiB, &t);
  g_assert_cmpuint (t.asid, ==, 5);

  mem_free (m);
}

static void
test_stage1_4k_39bit (void)
{
  Mem *m = mem_new ();
  Tables t0, t1;
  HsMmuContext ctx;
  HsMmuTranslation t;

  /* 39-bit VAs: the walk starts at level 1. */
  tables_init (&t0, m, 12, 39, 1, 0x100000, 0);
  tables_init (&t1, m, 12, 39, 1, 0x200000, 0);
  tables_map (&t0, U64 (0x0000004012345000), 3, 0x5000, USER_DATA);
  tables_map (&t1, U64 (0xffffffc000000000), 1, 0x80000000, KERNEL_DATA);
  ctx = el1_context (TCR_T0SZ (25) | TCR_T1SZ (25) | TCR_TG0_4K | TCR_TG1_4K | TCR_IPS (2),
                     0x100000, 0x200000);

  assert_translates (&ctx, m, U64 (0x0000004012345678), 0x5678, 4096, &t);
  g_assert_cmpuint (m->reads, ==, 3);
  m->reads = 0;
  assert_translates (&ctx, m, U64 (0xffffffc000abcdef), 0x80abcdef, GiB, &t);
  g_assert_cmpuint (t.s1_level, ==, 1);
  g_assert_cmpuint (m->reads, ==, 1);

  /* A 48-bit kernel address is in neither 39-bit range. */
  assert_fails (&ctx, m, U64 (0xffff800008000000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 0 for VA 0xffff800008000000: the address is "
                "in neither");
  assert_fails (&ctx, m, U64 (0x0000008000000000), HS_MMU_ERROR_TRANSLATION,
                "TTBR0_EL1 range (0x0-0x7fffffffff, T0SZ=25)");

  mem_free (m);
}

static void
test_stage1_4k_40bit (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;

  /* 40-bit VAs: the walk starts at level 0 with a 2-entry (16-byte) table, which need only be
   * 16-byte aligned. */
  tables_init (&t0, m, 12, 40, 0, 0x100010, 0);
  tables_map (&t0, U64 (0x0000008000001000), 3, 0x9000, USER_DATA);
  tables_map (&t0, U64 (0x0000000000200000), 2, 0x600000, USER_DATA);
  ctx = el1_context (TCR_T0SZ (24) | TCR_T1SZ (24) | TCR_TG0_4K | TCR_TG1_4K | TCR_IPS (2),
                     0x100010, 0);

  assert_translates (&ctx, m, U64 (0x0000008000001234), 0x9234, 4096, NULL);
  g_assert_cmpuint (m->reads, ==, 4);
  assert_translates (&ctx, m, U64 (0x0000000000212345), 0x612345, 2 * MiB, NULL);
  assert_fails (&ctx, m, U64 (0x0000010000000000), HS_MMU_ERROR_TRANSLATION,
                "level 0 for VA 0x10000000000: the address is in neither");

  mem_free (m);
}

static void
test_stage1_16k (void)
{
  Mem *m = mem_new ();
  Tables t0, t1;
  HsMmuContext ctx;
  HsMmuTranslation t;

  /* 16K, 48-bit: level 0 resolves one bit; pages are 16 KiB, level-2 blocks 32 MiB. TG0 and TG1
   * encode 16K differently (2 and 1). */
  tables_init (&t0, m, 14, 48, 0, 0x100000, 0);
  tables_init (&t1, m, 14, 48, 0, 0x200000, 0);
  tables_map (&t0, U64 (0x0000123456784000), 3, U64 (0x012345c000), USER_DATA);
  tables_map (&t0, U64 (0x0000000002000000), 2, U64 (0x60000000), USER_DATA);
  tables_map (&t1, U64 (0xffff800008000000), 2, U64 (0x42000000), KERNEL_DATA);
  ctx = el1_context (TCR_T0SZ (16) | TCR_T1SZ (16) | TCR_TG0_16K | TCR_TG1_16K | TCR_IPS (2),
                     0x100000, 0x200000);

  assert_translates (&ctx, m, U64 (0x0000123456787123), U64 (0x012345f123), 16 * KiB, &t);
  g_assert_cmpuint (t.s1_level, ==, 3);
  g_assert_cmpuint (m->reads, ==, 4);
  m->reads = 0;
  assert_translates (&ctx, m, U64 (0x0000000003fedcba), 0x61fedcba, 32 * MiB, &t);
  g_assert_cmpuint (t.s1_level, ==, 2);
  g_assert_cmpuint (m->reads, ==, 3);
  assert_translates (&ctx, m, U64 (0xffff800009000000), 0x43000000, 32 * MiB, &t);
  g_assert_true (t.ttbr1);

  mem_free (m);
}

static void
test_stage1_64k (void)
{
  Mem *m = mem_new ();
  Tables t0, t1;
  HsMmuContext ctx;
  HsMmuTranslation t;

  /* 64K, 48-bit TTBR0: start at level 1 with 6 bits; pages 64 KiB, level-2 blocks 512 MiB.
   * 42-bit TTBR1: start at level 2 with a full 13 bits. */
  tables_init (&t0, m, 16, 48, 1, 0x100000, 0);
  tables_init (&t1, m, 16, 42, 2, 0x200000, 0);
  tables_map (&t0, U64 (0x0000123456790000), 3, U64 (0x9876500000), USER_DATA);
  tables_map (&t0, U64 (0x0000000020000000), 2, U64 (0x80000000), USER_DATA);
  tables_map (&t1, U64 (0xfffffc0012340000), 3, U64 (0x50000000), KERNEL_DATA);
  ctx = el1_context (TCR_T0SZ (16) | TCR_T1SZ (22) | TCR_TG0_64K | TCR_TG1_64K | TCR_IPS (2),
                     0x100000, 0x200000);

  assert_translates (&ctx, m, U64 (0x000012345679abcd), U64 (0x987650abcd), 64 * KiB, &t);
  g_assert_cmpuint (t.s1_level, ==, 3);
  g_assert_cmpuint (m->reads, ==, 3);
  m->reads = 0;
  assert_translates (&ctx, m, U64 (0x000000003fffffff), U64 (0x9fffffff), 512 * MiB, &t);
  g_assert_cmpuint (t.s1_level, ==, 2);
  g_assert_cmpuint (m->reads, ==, 2);
  m->reads = 0;
  assert_translates (&ctx, m, U64 (0xfffffc0012345678), U64 (0x50005678), 64 * KiB, &t);
  g_assert_cmpuint (m->reads, ==, 2);
  assert_fails (&ctx, m, U64 (0xfffff80000000000), HS_MMU_ERROR_TRANSLATION, "T1SZ=22");

  mem_free (m);
}

static void
test_stage1_64k_52bit (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;
  HsMmuTranslation t;
  guint64 pa = U64 (0x000a000056780000);

  /* 64K with 52-bit VAs (FEAT_LVA) and PAs (FEAT_LPA): level 1 resolves 10 bits; OA[51:48] is
   * in descriptor bits [15:12]; level-1 blocks (4 TiB) exist. */
  tables_init (&t0, m, 16, 52, 1, 0x100000, 0);
  tables_set (&t0, U64 (0x000f000012340000), 3,
              (pa & U64 (0x0000ffffffff0000)) | ((pa >> 48) << 12) | D_PAGE | USER_DATA);
  tables_set (&t0, U64 (0x0000040000000000), 1, (U64 (1) << 12) | D_BLOCK | KERNEL_DATA);
  ctx = el1_context (TCR_T0SZ (12) | TCR_TG0_64K | TCR_T1SZ (16) | TCR_TG1_64K | TCR_IPS (6),
                     0x100000, 0);

  assert_translates (&ctx, m, U64 (0x000f000012345678), pa | 0x5678, 64 * KiB, &t);
  g_assert_cmpuint (m->reads, ==, 3);
  assert_translates (&ctx, m, U64 (0x0000041234567890), U64 (0x0001001234567890), 4 * 1024 * GiB,
                     &t);
  g_assert_cmpuint (t.s1_level, ==, 1);

  /* With a 48-bit IPS, descriptor bits [15:12] are not address bits and level-1 blocks are
   * not allowed. */
  ctx.tcr = (ctx.tcr & ~TCR_IPS (7)) | TCR_IPS (5);
  assert_translates (&ctx, m, U64 (0x000f000012345678), U64 (0x56785678), 64 * KiB, NULL);
  assert_fails (&ctx, m, U64 (0x0000041234567890), HS_MMU_ERROR_TRANSLATION,
                "block descriptors are not allowed at level 1 with the 64 KiB granule");
  mem_free (m);
}

static void
test_stage1_granule_encodings (void)
{
  Mem *m = mem_new ();
  Tables t0, t1;
  HsMmuContext ctx;

  /* TG0=1 is 64K, TG1=1 is 16K. */
  tables_init (&t0, m, 16, 48, 1, 0x100000, 0);
  tables_init (&t1, m, 14, 48, 0, 0x200000, 0);
  tables_map (&t0, U64 (0x0000000000410000), 3, 0x70000, USER_DATA);
  tables_map (&t1, U64 (0xffff000000004000), 3, 0x8000, KERNEL_DATA);
  ctx = el1_context (TCR_T0SZ (16) | TCR_T1SZ (16) | TCR_TG0_64K | TCR_TG1_16K | TCR_IPS (2),
                     0x100000, 0x200000);
  assert_translates (&ctx, m, U64 (0x0000000000412345), 0x72345, 64 * KiB, NULL);
  assert_translates (&ctx, m, U64 (0xffff000000005678), 0x9678, 16 * KiB, NULL);

  /* TG1=0 and TG0=3 are reserved. */
  ctx.tcr = TCR_T0SZ (16) | TCR_T1SZ (16) | (U64 (3) << 14) | TCR_IPS (2);
  assert_fails (&ctx, m, U64 (0xffff000000005678), HS_MMU_ERROR_CONFIG,
                "TCR_EL1.TG1=0 is a reserved");
  assert_fails (&ctx, m, U64 (0x0000000000412345), HS_MMU_ERROR_CONFIG,
                "TCR_EL1.TG0=3 is a reserved");
  /* T0SZ out of range, IPS reserved. */
  ctx.tcr = TCR_T0SZ (40) | TCR_TG1_4K | TCR_IPS (2);
  assert_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG, "TCR_EL1.T0SZ=40 is out of range");
  ctx.tcr = TCR_T0SZ (14) | TCR_TG1_4K | TCR_IPS (2);
  assert_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG,
                "TCR_EL1.T0SZ=14 is out of range for the 4 KiB");
  ctx.tcr = TCR_T0SZ (16) | TCR_TG1_4K | TCR_IPS (7);
  assert_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG, "TCR_EL1.IPS=7 is a reserved");

  mem_free (m);
}

static void
test_stage1_fault_levels (void)
{
  Mem *m = mem_new ();
  Tables t1;
  HsMmuContext ctx;

  /* Tables with holes at every level of the TTBR1 half. */
  tables_init (&t1, m, 12, 48, 0, 0x200000, 0);
  tables_map (&t1, U64 (0xffff800008001000), 3, 0x40001000, KERNEL_DATA);
  tables_set (&t1, U64 (0xffff800008002000), 3, U64 (0xdead0000)); /* invalid, not zero */
  ctx = el1_context (BOARD_TCR_EL1, 0, 0x200000);

  assert_translates (&ctx, m, U64 (0xffff800008001008), 0x40001008, 4096, NULL);
  assert_fails (&ctx, m, U64 (0xffff000000000000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 0 for VA 0xffff000000000000 (descriptor 0x0)");
  assert_fails (&ctx, m, U64 (0xffff800040000000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 1 for VA 0xffff800040000000 (descriptor 0x0)");
  assert_fails (&ctx, m, U64 (0xffff800008400000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 2 for VA 0xffff800008400000 (descriptor 0x0)");
  assert_fails (&ctx, m, U64 (0xffff800008000000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 3 for VA 0xffff800008000000 (descriptor 0x0): "
                "the descriptor is invalid");
  assert_fails (&ctx, m, U64 (0xffff800008002010), HS_MMU_ERROR_TRANSLATION,
                "at level 3 for VA 0xffff800008002010 (descriptor 0xdead0000)");
  /* TTBR0's table does not exist at all: the read fails. */
  assert_fails (&ctx, m, U64 (0x1000), HS_MMU_ERROR_READ,
                "cannot read the stage-1 level-0 translation table for VA 0x1000 at PA 0x0: no "
                "memory at PA 0x0");

  mem_free (m);
}

static void
test_stage1_hole_and_epd (void)
{
  Mem *m = mem_new ();
  Tables t0, t1;
  HsMmuContext ctx;

  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  tables_init (&t1, m, 12, 48, 0, 0x200000, 0);
  tables_map (&t0, U64 (0x0000000000400000), 3, 0x1000, USER_DATA);
  tables_map (&t1, U64 (0xffff800008000000), 2, 0x40000000, KERNEL_DATA);
  ctx = el1_context (BOARD_TCR_EL1, 0x100000, 0x200000);

  /* Between the ranges (the board's TBI0/TBI1 only move the top bit checked to 55). */
  assert_fails (&ctx, m, U64 (0x0001000000000000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 0 for VA 0x1000000000000: the address is in "
                "neither the TTBR0_EL1 range (0x0-0xffffffffffff, T0SZ=16) nor the TTBR1_EL1 range "
                "(0xffff000000000000-0xffffffffffffffff, T1SZ=16)");
  assert_fails (&ctx, m, U64 (0xff7f000000000000), HS_MMU_ERROR_TRANSLATION, "in neither");
  assert_fails (&ctx, m, U64 (0x0080000000000000), HS_MMU_ERROR_TRANSLATION, "in neither");

  /* EPD1 disables TTBR1 walks, EPD0 TTBR0 walks. */
  ctx.tcr |= TCR_EPD1;
  assert_translates (&ctx, m, U64 (0x0000000000400010), 0x1010, 4096, NULL);
  m->reads = 0;
  assert_fails (&ctx, m, U64 (0xffff800008000000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 0 for VA 0xffff800008000000: translation table "
                "walks for the TTBR1_EL1 range are disabled (TCR_EL1.EPD1=1)");
  g_assert_cmpuint (m->reads, ==, 0);
  ctx.tcr = (ctx.tcr & ~TCR_EPD1) | TCR_EPD0;
  assert_fails (&ctx, m, U64 (0x0000000000400010), HS_MMU_ERROR_TRANSLATION, "EPD0=1");
  assert_translates (&ctx, m, U64 (0xffff800008000010), 0x40000010, 2 * MiB, NULL);

  mem_free (m);
}

static void
test_stage1_address_size (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;

  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  tables_map (&t0, U64 (0x0000000000400000), 3, U64 (0x10000000000), USER_DATA);  /* bit 40 */
  tables_map (&t0, U64 (0x0000000000401000), 3, U64 (0xff00000000), USER_DATA);   /* fits */
  tables_set (&t0, U64 (0x0000000040000000), 1, U64 (0x20000000000) | D_TABLE); /* table, bit 41 */
  ctx = el1_context (BOARD_TCR_EL1, 0x100000, 0);

  assert_fails (&ctx, m, U64 (0x0000000000400000), HS_MMU_ERROR_ADDRESS_SIZE,
                "stage-1 address size fault at level 3 for VA 0x400000 (descriptor "
                "0x60010000000f43): the output address 0x10000000000 is beyond the 40-bit "
                "physical address size (TCR_EL1.IPS=2)");
  assert_translates (&ctx, m, U64 (0x0000000000401234), U64 (0xff00000234), 4096, NULL);
  assert_fails (&ctx, m, U64 (0x0000000040000000), HS_MMU_ERROR_ADDRESS_SIZE,
                "stage-1 address size fault at level 1 for VA 0x40000000 (descriptor "
                "0x20000000003): the next-level table address 0x20000000000 is beyond");

  /* An implemented PA size below IPS wins. */
  ctx.pa_range_bits = 36;
  assert_fails (&ctx, m, U64 (0x0000000000401234), HS_MMU_ERROR_ADDRESS_SIZE,
                "beyond the 36-bit physical address size (TCR_EL1.IPS=2, capped at the CPU's "
                "36-bit PA size)");

  /* A TTBR beyond the output size faults at the start level. */
  ctx.pa_range_bits = 0;
  ctx.ttbr0 = U64 (0x10000100000);
  assert_fails (&ctx, m, U64 (0x0000000000401234), HS_MMU_ERROR_ADDRESS_SIZE,
                "stage-1 address size fault at level 0 for VA 0x401234: the translation table base "
                "0x10000100000 in TTBR0_EL1 is beyond the 40-bit physical address size");

  mem_free (m);
}

static void
test_stage1_reserved_descriptors (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;

  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  tables_set (&t0, U64 (0x0000000000400000), 3, 0x5000 | D_BLOCK | AF);     /* 0b01 at level 3 */
  tables_set (&t0, U64 (0x0000008000000000), 0, 0x0 | D_BLOCK | AF);        /* block at level 0 */
  ctx = el1_context (BOARD_TCR_EL1, 0x100000, 0);

  assert_fails (&ctx, m, U64 (0x0000000000400000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 3 for VA 0x400000 (descriptor 0x5401): a "
                "level-3 descriptor with bits[1:0]=0b01 is reserved");
  assert_fails (&ctx, m, U64 (0x0000008000000000), HS_MMU_ERROR_TRANSLATION,
                "(descriptor 0x401): block descriptors are not allowed at level 0 with the 4 KiB "
                "granule");

  mem_free (m);
}

static void
test_stage1_tbi (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;

  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  tables_map (&t0, U64 (0x0000123456789000), 3, 0x87654000, USER_DATA);
  ctx = el1_context (BOARD_TCR_EL1, 0x100000, 0);

  /* The board sets TBI0: the tag byte is ignored. */
  assert_translates (&ctx, m, U64 (0x5a00123456789abc), 0x87654abc, 4096, NULL);
  ctx.tcr &= ~TCR_TBI0;
  assert_fails (&ctx, m, U64 (0x5a00123456789abc), HS_MMU_ERROR_TRANSLATION, "in neither");

  mem_free (m);
}

static void
test_stage1_permissions (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;
  HsMmuTranslation t;
  guint64 l2;

  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  /* AP=01 (EL0 RW) with UXN clear: EL0 may execute, EL1 never executes EL0-writable memory. */
  tables_map (&t0, 0x400000, 3, 0x1000, AF | SH_INNER | S1_EL0);
  /* AP=11 (RO everywhere), executable at both. */
  tables_map (&t0, 0x401000, 3, 0x2000, AF | SH_INNER | S1_EL0 | S1_RO);
  /* AP=00 with PXN: EL1 RW, EL0 nothing but (Armv8.0) execute-only. */
  tables_map (&t0, 0x402000, 3, 0x3000, AF | SH_INNER | S1_PXN);
  /* A level-2 table with APTable=0b11 (read-only, no EL0), XNTable and PXNTable. */
  tables_map (&t0, 0x40000000, 3, 0x4000, AF | SH_INNER | S1_EL0);
  l2 = tables_entry (&t0, 0x40000000, 2);
  mem_write64 (m, l2, mem_read64 (m, l2) | (U64 (3) << 61) | (U64 (3) << 59));
  ctx = el1_context (BOARD_TCR_EL1, 0x100000, 0);

  assert_translates (&ctx, m, 0x400000, 0x1000, 4096, &t);
  g_assert_cmpuint (t.perm_el1, ==, R | W);
  g_assert_cmpuint (t.perm_el0, ==, R | W | X);
  assert_translates (&ctx, m, 0x401000, 0x2000, 4096, &t);
  g_assert_cmpuint (t.perm_el1, ==, R | X);
  g_assert_cmpuint (t.perm_el0, ==, R | X);
  assert_translates (&ctx, m, 0x402000, 0x3000, 4096, &t);
  g_assert_cmpuint (t.perm_el1, ==, R | W);
  g_assert_cmpuint (t.perm_el0, ==, X);
  assert_translates (&ctx, m, 0x40000000, 0x4000, 4096, &t);
  g_assert_cmpuint (t.perm_el1, ==, R);
  g_assert_cmpuint (t.perm_el0, ==, 0);

  /* TCR_EL1.HPD0 (bit 41) turns the table bits off. */
  ctx.tcr |= U64 (1) << 41;
  assert_translates (&ctx, m, 0x40000000, 0x4000, 4096, &t);
  g_assert_cmpuint (t.perm_el1, ==, R | W);
  g_assert_cmpuint (t.perm_el0, ==, R | W | X);

  mem_free (m);
}

static void
test_stage1_off (void)
{
  Mem *m = mem_new ();
  HsMmuContext ctx = { 0 };
  HsMmuTranslation t;

  ctx.regime = HS_MMU_REGIME_EL10;
  ctx.stage1 = FALSE;
  assert_translates (&ctx, m, U64 (0x40001234), 0x40001234, 0, &t);
  g_assert_cmpuint (t.s1_size, ==, 0);
  g_assert_cmpuint (t.perm_el0, ==, R | W | X);
  g_assert_cmpuint (m->reads, ==, 0);
  ctx.pa_range_bits = 40;
  assert_fails (&ctx, m, U64 (0x10000000000), HS_MMU_ERROR_ADDRESS_SIZE,
                "stage 1 is off (SCTLR.M=0) and the address is beyond the 40-bit physical address");

  mem_free (m);
}

/* ---- stage 2 ------------------------------------------------------------------------------- */

static HsMmuContext
s2_context (guint64 vtcr,
            guint64 vttbr)
{
  HsMmuContext ctx = { 0 };

  ctx.regime = HS_MMU_REGIME_EL10;
  ctx.stage2 = TRUE;
  ctx.vtcr = vtcr;
  ctx.vttbr = vttbr;
  return ctx;
}

static void
assert_stage2 (const HsMmuContext *ctx,
               Mem                *m,
               guint64             ipa,
               guint64             pa,
               guint64             size,
               guint               level)
{
  GError *error = NULL;
  HsMmuTranslation t;

  g_assert_true (hs_mmu_stage2 (ctx, ipa, mem_read, m, &t, &error));
  g_assert_no_error (error);
  g_assert_cmphex (t.input, ==, ipa);
  g_assert_cmphex (t.ipa, ==, ipa);
  g_assert_cmphex (t.pa, ==, pa);
  g_assert_cmphex (t.s2_size, ==, size);
  g_assert_cmphex (t.size, ==, size);
  g_assert_cmphex (t.s1_size, ==, 0);
  g_assert_cmpuint (t.s2_level, ==, level);
}

static void
test_stage2_4k_concatenated (void)
{
  Mem *m = mem_new ();
  Tables s2;
  HsMmuContext ctx;
  HsMmuTranslation t;
  GError *error = NULL;

  /* The board: T0SZ=24 (40-bit IPA), SL0=1 (level 1), 4K: two concatenated level-1 tables at
   * an 8 KiB-aligned VTTBR; VMID 1. */
  tables_init (&s2, m, 12, 40, 1, 0xbffaa000, 0);
  g_assert_cmpuint (s2.start_bits, ==, 10);
  tables_map (&s2, U64 (0x40000000), 1, U64 (0x80000000), S2_RAM);
  tables_map (&s2, U64 (0x08000000), 2, U64 (0x09000000), S2_RAM);
  tables_map (&s2, U64 (0x0a001000), 3, U64 (0x123456000), S2_RAM);
  /* IPA bit 39 selects the second table (entry 513, at 0xbffab008). */
  tables_map (&s2, U64 (0x8040005000), 3, U64 (0x500005000), S2_RAM | S2_XN);
  g_assert_cmphex (tables_entry (&s2, U64 (0x8040005000), 1), ==, 0xbffab008);
  ctx = s2_context (BOARD_VTCR_EL2, BOARD_VTTBR_EL2);

  assert_stage2 (&ctx, m, U64 (0x41234567), U64 (0x81234567), GiB, 1);
  assert_stage2 (&ctx, m, U64 (0x081fffff), U64 (0x091fffff), 2 * MiB, 2);
  assert_stage2 (&ctx, m, U64 (0x0a001abc), U64 (0x123456abc), 4 * KiB, 3);
  m->reads = 0;
  assert_stage2 (&ctx, m, U64 (0x8040005678), U64 (0x500005678), 4 * KiB, 3);
  g_assert_cmpuint (m->reads, ==, 3);

  g_assert_true (hs_mmu_stage2 (&ctx, U64 (0x8040005678), mem_read, m, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (t.vmid, ==, 1);
  g_assert_cmpuint (t.perm_el1, ==, R | W);
  g_assert_cmpuint (t.s2_memattr, ==, 0xf);
  g_assert_true (t.s2_af);

  assert_stage2_fails (&ctx, m, U64 (0x10000000000), HS_MMU_ERROR_TRANSLATION,
                       "stage-2 translation fault at level 0 for IPA 0x10000000000: the IPA is "
                       "beyond the 40-bit input range of stage 2 (VTCR_EL2.T0SZ=24)");
  assert_stage2_fails (&ctx, m, U64 (0x8000000000), HS_MMU_ERROR_TRANSLATION,
                       "stage-2 translation fault at level 1 for IPA 0x8000000000 "
                       "(descriptor 0x0)");
  assert_stage2_fails (&ctx, m, U64 (0x0a002000), HS_MMU_ERROR_TRANSLATION,
                       "stage-2 translation fault at level 3 for IPA 0xa002000 (descriptor 0x0)");

  /* An output address beyond PS=40 bits. */
  tables_map (&s2, U64 (0x0a003000), 3, U64 (0x10000003000), S2_RAM);
  assert_stage2_fails (&ctx, m, U64 (0x0a003000), HS_MMU_ERROR_ADDRESS_SIZE,
                       "stage-2 address size fault at level 3 for IPA 0xa003000");
  /* A VTTBR beyond PS. */
  ctx.vttbr = U64 (0x0001010000000000);
  assert_stage2_fails (&ctx, m, U64 (0x0a001000), HS_MMU_ERROR_ADDRESS_SIZE,
                       "the translation table base 0x10000000000 in VTTBR_EL2 is beyond the 40-bit "
                       "physical address size (VTCR_EL2.PS=2)");

  /* Stage 2 off: the IPA is the PA. */
  ctx.stage2 = FALSE;
  g_assert_true (hs_mmu_stage2 (&ctx, U64 (0x8040005678), mem_read, m, &t, &error));
  g_assert_no_error (error);
  g_assert_cmphex (t.pa, ==, U64 (0x8040005678));
  g_assert_cmphex (t.s2_size, ==, 0);

  mem_free (m);
}

static void
test_stage2_4k_sl0_0_concatenated (void)
{
  Mem *m = mem_new ();
  Tables s2;
  HsMmuContext ctx;

  /* T0SZ=32 (4 GiB IPA), SL0=0: start at level 2 with 4 concatenated tables (11 bits). */
  tables_init (&s2, m, 12, 32, 2, 0x1004000, 0);
  g_assert_cmpuint (s2.start_bits, ==, 11);
  tables_map (&s2, U64 (0xc0301000), 3, U64 (0x7000), S2_RAM);
  tables_map (&s2, U64 (0xc0400000), 2, U64 (0x40000000), S2_RAM);
  tables_map (&s2, U64 (0x00000000), 2, U64 (0x80000000), S2_RAM);
  g_assert_cmphex (tables_entry (&s2, U64 (0xc0301000), 2), ==, 0x1004000 + 3 * 4096 + 8);
  ctx = s2_context (VTCR (32, 0, 0, 2), (U64 (3) << 48) | 0x1004000);

  assert_stage2 (&ctx, m, U64 (0xc0301234), U64 (0x7234), 4 * KiB, 3);
  g_assert_cmpuint (m->reads, ==, 2);
  assert_stage2 (&ctx, m, U64 (0xc04fffff), U64 (0x400fffff), 2 * MiB, 2);
  assert_stage2 (&ctx, m, U64 (0x00012345), U64 (0x80012345), 2 * MiB, 2);
  assert_stage2_fails (&ctx, m, U64 (0x100000000), HS_MMU_ERROR_TRANSLATION,
                       "beyond the 32-bit input range");

  mem_free (m);
}

static void
test_stage2_16k (void)
{
  Mem *m = mem_new ();
  Tables s2;
  HsMmuContext ctx;

  /* 16K, T0SZ=27 (37-bit IPA), SL0=1: level 2 with 12 bits, two concatenated 16 KiB tables. */
  tables_init (&s2, m, 14, 37, 2, 0x1008000, 0);
  g_assert_cmpuint (s2.start_bits, ==, 12);
  tables_map (&s2, U64 (0x1000004000), 3, U64 (0x4000c000), S2_RAM);   /* bit 36: table 2 */
  tables_map (&s2, U64 (0x0006000000), 2, U64 (0x42000000), S2_RAM);   /* 32 MiB */
  ctx = s2_context (VTCR (27, 1, 2, 2), 0x1008000);

  assert_stage2 (&ctx, m, U64 (0x1000005678), U64 (0x4000d678), 16 * KiB, 3);
  g_assert_cmpuint (m->reads, ==, 2);
  assert_stage2 (&ctx, m, U64 (0x0007ffffff), U64 (0x43ffffff), 32 * MiB, 2);

  mem_free (m);
}

static void
test_stage2_64k (void)
{
  Mem *m = mem_new ();
  Tables s2;
  HsMmuContext ctx;

  /* 64K, T0SZ=21 (43-bit IPA), SL0=1: level 2 with 14 bits, two concatenated 64 KiB tables at a
   * 128 KiB-aligned base; PS=48 bits. */
  tables_init (&s2, m, 16, 43, 2, 0x1020000, 0);
  g_assert_cmpuint (s2.start_bits, ==, 14);
  tables_map (&s2, U64 (0x40000010000), 3, U64 (0x123450000), S2_RAM); /* bit 42: table 2 */
  tables_map (&s2, U64 (0x00060000000), 2, U64 (0x80000000), S2_RAM);  /* 512 MiB */
  ctx = s2_context (VTCR (21, 1, 1, 5), 0x1020000);

  assert_stage2 (&ctx, m, U64 (0x4000001abcd), U64 (0x12345abcd), 64 * KiB, 3);
  g_assert_cmpuint (m->reads, ==, 2);
  assert_stage2 (&ctx, m, U64 (0x00060000123), U64 (0x80000123), 512 * MiB, 2);

  /* 64K, SL0=2 (level 1) with a 48-bit IPA: 6 bits at level 1. */
  tables_init (&s2, m, 16, 48, 1, 0x2000000, 0);
  tables_map (&s2, U64 (0x800000010000), 3, U64 (0x5550000), S2_RAM);
  ctx = s2_context (VTCR (16, 2, 1, 5), 0x2000000);
  m->reads = 0;
  assert_stage2 (&ctx, m, U64 (0x800000012345), U64 (0x5552345), 64 * KiB, 3);
  g_assert_cmpuint (m->reads, ==, 3);

  mem_free (m);
}

static void
test_stage2_inconsistent (void)
{
  Mem *m = mem_new ();
  HsMmuContext ctx;

  /* A 40-bit IPA cannot start at level 2 (19 bits = 1024 tables). */
  ctx = s2_context (VTCR (24, 0, 0, 2), BOARD_VTTBR_EL2);
  assert_stage2_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG,
                       "VTCR_EL2.SL0=0 (start at level 2) is inconsistent with T0SZ=24 (a "
                       "40-bit IPA space) and the 4 KiB granule: the start level would resolve "
                       "19 IPA bits, but it must resolve 1 to 13 (2 entries to 16 concatenated "
                       "tables); this T0SZ needs SL0=1 or SL0=2");
  /* A 39-bit IPA at level 0 resolves nothing there. */
  ctx = s2_context (VTCR (25, 2, 0, 2), BOARD_VTTBR_EL2);
  assert_stage2_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG, "would resolve 0 IPA bits");
  ctx = s2_context (VTCR (24, 3, 0, 2), BOARD_VTTBR_EL2);
  assert_stage2_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG, "VTCR_EL2.SL0=3 is reserved");
  /* 64K at level 1 with a 40-bit IPA. */
  ctx = s2_context (VTCR (24, 2, 1, 2), BOARD_VTTBR_EL2);
  assert_stage2_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG, "64 KiB granule");
  ctx = s2_context (VTCR (24, 1, 3, 2), BOARD_VTTBR_EL2);
  assert_stage2_fails (&ctx, m, 0x1000, HS_MMU_ERROR_CONFIG, "VTCR_EL2.TG0=3 is a reserved");

  /* The full walk reports it too, before reading anything. */
  ctx = el1_context (BOARD_TCR_EL1, 0, 0x40100000);
  ctx.stage2 = TRUE;
  ctx.vtcr = VTCR (24, 0, 0, 2);
  ctx.vttbr = BOARD_VTTBR_EL2;
  assert_fails (&ctx, m, U64 (0xffff800008000000), HS_MMU_ERROR_CONFIG, "stage-2 configuration");
  g_assert_cmpuint (m->reads, ==, 0);

  mem_free (m);
}

/* ---- two stages ---------------------------------------------------------------------------- */

#define GUEST_RAM_IPA U64 (0x40000000)

/* A guest like the board's: stage 2 maps guest RAM IPA 0x40000000..0x40ffffff with 2 MiB blocks
 * and IPA 0x41828000..0x4182bfff with 4 KiB pages, to @ram_pa. The guest's stage-1 tables live at
 * IPAs 0x40100000 and up (so at PA @ram_pa + 0x100000, never at their IPA), and its kernel maps
 * VA 0xffff800009800000 with a 2 MiB block to IPA 0x41800000. */
static HsMmuContext
board_guest (Mem    *m,
             guint64 vttbr,
             guint64 ram_pa)
{
  Tables s2, s1;
  HsMmuContext ctx;

  tables_init (&s2, m, 12, 40, 1, vttbr & U64 (0x0000fffffffffffe), 0);
  for (guint64 ipa = GUEST_RAM_IPA; ipa < GUEST_RAM_IPA + 16 * MiB; ipa += 2 * MiB)
    tables_map (&s2, ipa, 2, ram_pa + (ipa - GUEST_RAM_IPA), S2_RAM);
  for (guint64 ipa = 0x41828000; ipa < 0x4182c000; ipa += 4 * KiB)
    tables_map (&s2, ipa, 3, ram_pa + (ipa - GUEST_RAM_IPA), S2_RAM);

  tables_init (&s1, m, 12, 48, 0, 0x40100000, ram_pa - GUEST_RAM_IPA);
  tables_map (&s1, U64 (0xffff800009800000), 2, 0x41800000, KERNEL_DATA);
  tables_map (&s1, U64 (0xffff800008000000), 2, 0x40000000, KERNEL_TEXT);
  /* A kernel L1 table at IPA 0x41000000, which stage 2 does not map. */
  mem_write64 (m, 0x40100000 + ram_pa - GUEST_RAM_IPA, 0x41000000 | D_TABLE);

  ctx = el1_context (BOARD_TCR_EL1, 0, (U64 (9) << 48) | 0x40100000);
  hs_mmu_context_set_stage2 (&ctx, U64 (0x80000001), BOARD_VTCR_EL2, vttbr);
  return ctx;
}

static void
test_two_stage_board (void)
{
  Mem *m = mem_new ();
  HsMmuContext guest1, guest2;
  HsMmuTranslation t;

  guest1 = board_guest (m, BOARD_VTTBR_EL2, 0x80000000);
  guest2 = board_guest (m, U64 (0x00020000bff00000), 0x60000000);
  /* Nothing is backed at the IPAs themselves: reading a table at its IPA would fail. */
  g_assert_null (mem_page (m, 0x40100000, FALSE));

  assert_translates (&guest1, m, U64 (0xffff8000098293f8), U64 (0x818293f8), 4 * KiB, &t);
  g_assert_cmphex (t.ipa, ==, 0x418293f8);
  g_assert_cmpuint (t.s1_level, ==, 2);
  g_assert_cmphex (t.s1_size, ==, 2 * MiB);
  g_assert_cmpuint (t.s2_level, ==, 3);
  g_assert_cmphex (t.s2_size, ==, 4 * KiB);
  g_assert_cmpuint (t.vmid, ==, 1);
  g_assert_cmpuint (t.asid, ==, 9);
  g_assert_cmpuint (t.perm_el1, ==, R | W);
  /* Three stage-1 descriptors, each behind a 2-level stage-2 walk, then a 3-level one. */
  g_assert_cmpuint (m->reads, ==, 3 * (2 + 1) + 3);

  m->reads = 0;
  assert_translates (&guest2, m, U64 (0xffff8000098293f8), U64 (0x618293f8), 4 * KiB, &t);
  g_assert_cmphex (t.ipa, ==, 0x418293f8);
  g_assert_cmpuint (t.vmid, ==, 2);
  g_assert_cmpuint (m->reads, <=, 24);

  /* A 2 MiB stage-1 block over a 2 MiB stage-2 block: the mapping is 2 MiB. */
  assert_translates (&guest1, m, U64 (0xffff800008012345), U64 (0x80012345), 2 * MiB, &t);
  g_assert_cmpuint (t.perm_el1, ==, R | X);

  /* Stage 1 off, stage 2 on: the VA is the IPA. */
  guest1.stage1 = FALSE;
  assert_translates (&guest1, m, U64 (0x418293f8), U64 (0x818293f8), 4 * KiB, &t);
  g_assert_cmphex (t.s1_size, ==, 0);

  mem_free (m);
}

static void
test_two_stage_faults (void)
{
  Mem *m = mem_new ();
  HsMmuContext guest;

  guest = board_guest (m, BOARD_VTTBR_EL2, 0x80000000);

  /* The level-1 table of VA 0xffff000000000000 is at an IPA stage 2 does not map. */
  assert_fails (&guest, m, U64 (0xffff000000000000), HS_MMU_ERROR_TRANSLATION,
                "stage-2 translation fault at level 2 for IPA 0x41000000 (descriptor 0x0) while "
                "walking stage-1 level 1 for VA 0xffff000000000000: the descriptor is invalid");
  /* The stage-1 output of this VA is an IPA stage 2 does not map. */
  assert_fails (&guest, m, U64 (0xffff80000982c000), HS_MMU_ERROR_TRANSLATION,
                "stage-2 translation fault at level 3 for IPA 0x4182c000 (descriptor 0x0), the "
                "stage-1 output for VA 0xffff80000982c000");
  /* A stage-1 level-0 table IPA (TTBR1_EL1) stage 2 does not map. */
  guest.ttbr1 = 0x7fe00000;
  assert_fails (&guest, m, U64 (0xffff800009800000), HS_MMU_ERROR_TRANSLATION,
                "for IPA 0x7fe00800 (descriptor 0x0) while walking stage-1 level 0");
  /* A stage-2 table that is not in memory. */
  guest = board_guest (m, BOARD_VTTBR_EL2, 0x80000000);
  mem_write64 (m, 0xbffaa000 + 8, U64 (0xdead0000) | D_TABLE);
  assert_fails (&guest, m, U64 (0xffff8000098293f8), HS_MMU_ERROR_READ,
                "cannot read the stage-2 level-2 translation table for IPA 0x40100800 at PA "
                "0xdead0000 while translating VA 0xffff8000098293f8: no memory at PA 0xdead0000");

  mem_free (m);
}

/* ---- hostile tables ------------------------------------------------------------------------ */

static void
test_hostile_loop (void)
{
  Mem *m = mem_new ();
  HsMmuContext ctx;
  HsMmuTranslation t;
  GError *error = NULL;

  /* Every entry of the only table points back at the table. */
  mem_back (m, 0x10000, 4096);
  for (guint i = 0; i < 512; i++)
    mem_write64 (m, 0x10000 + i * 8, 0x10000 | D_TABLE | AF);
  ctx = el1_context (BOARD_TCR_EL1, 0x10000, 0x10000);

  /* Four levels, then the table's own entry is a page: bounded, and it says so. */
  assert_translates (&ctx, m, U64 (0x0000123456789abc), 0x10abc, 4096, &t);
  g_assert_cmpuint (m->reads, ==, 4);
  g_assert_cmpuint (t.s1_level, ==, 3);

  /* The same with stage 2 looping as well: both concatenated stage-2 tables point at the
   * first. The walk is at most 4 stage-2 walks of 3 reads and 4 stage-1 reads, plus the last. */
  mem_back (m, 0xbffaa000, 8192);
  for (guint i = 0; i < 1024; i++)
    mem_write64 (m, 0xbffaa000 + i * 8, 0xbffaa000 | D_TABLE | S2_RAM);
  ctx = el1_context (BOARD_TCR_EL1, 0x10000, 0xbffaa000);
  hs_mmu_context_set_stage2 (&ctx, 1, BOARD_VTCR_EL2, BOARD_VTTBR_EL2);
  m->reads = 0;
  g_assert_true (hs_mmu_translate (&ctx, U64 (0xffff8000098293f8), mem_read, m, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (m->reads, <=, 24);
  g_test_message ("looping two-stage walk: %u reads, PA 0x%" G_GINT64_MODIFIER "x", m->reads,
                  t.pa);

  mem_free (m);
}

static void
test_hostile_outside_memory (void)
{
  Mem *m = mem_new ();
  Tables t0;
  HsMmuContext ctx;

  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  tables_set (&t0, 0x40000000, 1, U64 (0xdead0000) | D_TABLE);
  ctx = el1_context (BOARD_TCR_EL1, 0x100000, 0);

  assert_fails (&ctx, m, 0x40000000, HS_MMU_ERROR_READ,
                "cannot read the stage-1 level-2 translation table for VA 0x40000000 at PA "
                "0xdead0000: no memory at PA 0xdead0000");
  g_assert_cmpuint (m->reads, ==, 3);

  mem_free (m);
}

/* ---- listing ------------------------------------------------------------------------------- */

typedef struct
{
  GArray *maps;
  guint stop_after;
} Collect;

static gboolean
collect (const HsMmuTranslation *mapping,
         gpointer                user_data)
{
  Collect *c = user_data;

  g_array_append_val (c->maps, *mapping);
  return c->stop_after == 0 || c->maps->len < c->stop_after;
}

static GArray *
list (const HsMmuContext *ctx,
      Mem                *m,
      guint64             start,
      guint64             end,
      HsMmuListFlags      flags,
      guint               max_entries,
      guint               stop_after,
      guint64            *next)
{
  Collect c = { g_array_new (FALSE, FALSE, sizeof (HsMmuTranslation)), stop_after };
  GError *error = NULL;

  g_assert_true (hs_mmu_list (ctx, start, end, flags, max_entries, collect, &c, mem_read, m, next,
                              &error));
  g_assert_no_error (error);
  return c.maps;
}

static void
assert_mapping (GArray *maps,
                guint   i,
                guint64 input,
                guint64 pa,
                guint64 size)
{
  const HsMmuTranslation *t;

  g_assert_cmpuint (i, <, maps->len);
  t = &g_array_index (maps, HsMmuTranslation, i);
  g_assert_cmphex (t->input, ==, input);
  g_assert_cmphex (t->pa, ==, pa);
  g_assert_cmphex (t->size, ==, size);
}

static HsMmuContext
list_tables (Mem *m)
{
  Tables t0, t1;

  tables_init (&t0, m, 12, 48, 0, 0x100000, 0);
  tables_init (&t1, m, 12, 48, 0, 0x200000, 0);
  tables_map (&t0, 0x400000, 3, 0x10000000, USER_DATA);
  tables_map (&t0, 0x401000, 3, 0x10001000, USER_DATA);   /* contiguous with the first */
  tables_map (&t0, 0x402000, 3, 0x20000000, USER_DATA);   /* not contiguous */
  tables_map (&t0, 0x404000, 3, 0x10004000, USER_DATA);   /* after a hole */
  tables_map (&t0, 0x600000, 2, 0x30000000, USER_DATA);   /* 2 MiB block */
  tables_map (&t0, 0x40000000, 1, 0x40000000, USER_DATA); /* 1 GiB block */
  tables_map (&t1, U64 (0xffff800008000000), 2, 0x80000000, KERNEL_TEXT);
  return el1_context (BOARD_TCR_EL1, 0x100000, 0x200000);
}

static void
test_list (void)
{
  Mem *m = mem_new ();
  HsMmuContext ctx = list_tables (m);
  GArray *maps;
  guint64 next = 0;
  char *attrs;

  /* Every page or block, in order, the TTBR0/TTBR1 hole skipped. */
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 7);
  assert_mapping (maps, 0, 0x400000, 0x10000000, 4096);
  assert_mapping (maps, 1, 0x401000, 0x10001000, 4096);
  assert_mapping (maps, 2, 0x402000, 0x20000000, 4096);
  assert_mapping (maps, 3, 0x404000, 0x10004000, 4096);
  assert_mapping (maps, 4, 0x600000, 0x30000000, 2 * MiB);
  assert_mapping (maps, 5, 0x40000000, 0x40000000, GiB);
  assert_mapping (maps, 6, U64 (0xffff800008000000), 0x80000000, 2 * MiB);
  g_assert_cmpuint (g_array_index (maps, HsMmuTranslation, 4).s1_level, ==, 2);
  g_assert_true (g_array_index (maps, HsMmuTranslation, 6).ttbr1);
  g_assert_cmphex (next, ==, 0);
  attrs = hs_mmu_format_attributes (&g_array_index (maps, HsMmuTranslation, 6));
  g_assert_cmpstr (attrs, ==, "R-X EL1, --- EL0, Normal WB, inner-shareable, AF");
  g_free (attrs);
  /* Whole tables are read once: 2 roots, and the level-1, -2 and -3 tables of each half. */
  g_assert_cmpuint (m->reads, <=, 8);
  g_array_unref (maps);

  /* Merged: the two contiguous pages become one 8 KiB mapping. */
  maps = list (&ctx, m, 0, U64 (0x0000ffffffffffff), HS_MMU_LIST_MERGE, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 5);
  assert_mapping (maps, 0, 0x400000, 0x10000000, 8192);
  g_assert_cmpuint (g_array_index (maps, HsMmuTranslation, 0).s1_size, ==, 4096);
  assert_mapping (maps, 1, 0x402000, 0x20000000, 4096);
  assert_mapping (maps, 4, 0x40000000, 0x40000000, GiB);
  g_assert_cmphex (next, ==, U64 (0x0001000000000000));
  g_array_unref (maps);

  /* A range inside one page lists the whole page. */
  maps = list (&ctx, m, 0x401800, 0x401fff, HS_MMU_LIST_NONE, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 1);
  assert_mapping (maps, 0, 0x401000, 0x10001000, 4096);
  g_assert_cmphex (next, ==, 0x402000);
  g_array_unref (maps);

  /* An empty range. */
  maps = list (&ctx, m, 0x403000, 0x403fff, HS_MMU_LIST_NONE, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 0);
  g_assert_cmphex (next, ==, 0x404000);
  g_array_unref (maps);

  mem_free (m);
}

static void
test_list_bound (void)
{
  Mem *m = mem_new ();
  HsMmuContext ctx = list_tables (m);
  GArray *maps;
  guint64 next = 0;

  /* max_entries stops the listing and says where to resume... */
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 2, 0, &next);
  g_assert_cmpuint (maps->len, ==, 2);
  g_assert_cmphex (next, ==, 0x402000);
  g_array_unref (maps);
  maps = list (&ctx, m, next, G_MAXUINT64, HS_MMU_LIST_NONE, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 5);
  assert_mapping (maps, 0, 0x402000, 0x20000000, 4096);
  g_assert_cmphex (next, ==, 0);
  g_array_unref (maps);

  /* ...merged too: the third mapping is not reported, so resume there. */
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_MERGE, 2, 0, &next);
  g_assert_cmpuint (maps->len, ==, 2);
  assert_mapping (maps, 0, 0x400000, 0x10000000, 8192);
  assert_mapping (maps, 1, 0x402000, 0x20000000, 4096);
  g_assert_cmphex (next, ==, 0x404000);
  g_array_unref (maps);

  /* The callback stops it. */
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 100, 1, &next);
  g_assert_cmpuint (maps->len, ==, 1);
  g_assert_cmphex (next, ==, 0x401000);
  g_array_unref (maps);

  mem_free (m);
}

static void
test_list_two_stage (void)
{
  Mem *m = mem_new ();
  HsMmuContext guest = board_guest (m, BOARD_VTTBR_EL2, 0x80000000);
  GArray *maps;
  guint64 next = 0;
  GError *error = NULL;
  Collect c = { NULL, 0 };

  /* The 2 MiB stage-1 block is mapped by stage 2 only in four 4 KiB pages. */
  maps = list (&guest, m, U64 (0xffff800009800000), U64 (0xffff8000099fffff), HS_MMU_LIST_NONE,
               100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 4);
  assert_mapping (maps, 0, U64 (0xffff800009828000), 0x81828000, 4096);
  assert_mapping (maps, 3, U64 (0xffff80000982b000), 0x8182b000, 4096);
  g_assert_cmphex (g_array_index (maps, HsMmuTranslation, 3).ipa, ==, 0x4182b000);
  g_assert_cmphex (g_array_index (maps, HsMmuTranslation, 3).s1_size, ==, 2 * MiB);
  g_assert_cmphex (next, ==, U64 (0xffff800009a00000));
  g_array_unref (maps);

  maps = list (&guest, m, U64 (0xffff800009800000), U64 (0xffff8000099fffff), HS_MMU_LIST_MERGE,
               100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 1);
  assert_mapping (maps, 0, U64 (0xffff800009828000), 0x81828000, 16 * KiB);
  g_array_unref (maps);

  /* Stage 2 alone: 8 blocks of 2 MiB and 4 pages; merged, two runs. */
  maps = list (&guest, m, 0, U64 (0xffffffffff), HS_MMU_LIST_STAGE2, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 12);
  assert_mapping (maps, 0, 0x40000000, 0x80000000, 2 * MiB);
  assert_mapping (maps, 8, 0x41828000, 0x81828000, 4 * KiB);
  g_assert_cmpuint (g_array_index (maps, HsMmuTranslation, 8).vmid, ==, 1);
  g_assert_cmphex (next, ==, U64 (0x10000000000));
  g_array_unref (maps);
  maps = list (&guest, m, 0, G_MAXUINT64, HS_MMU_LIST_STAGE2 | HS_MMU_LIST_MERGE, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 2);
  assert_mapping (maps, 0, 0x40000000, 0x80000000, 16 * MiB);
  assert_mapping (maps, 1, 0x41828000, 0x81828000, 16 * KiB);
  g_assert_cmphex (next, ==, 0);
  g_array_unref (maps);

  /* The whole guest VA space: the unmapped stage-1 table at IPA 0x41000000 is a hole, not an
   * error, and so are the unmapped stage-2 pages. */
  maps = list (&guest, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 100, 0, &next);
  g_assert_cmpuint (maps->len, ==, 5);
  assert_mapping (maps, 0, U64 (0xffff800008000000), 0x80000000, 2 * MiB);
  g_assert_cmphex (next, ==, 0);
  g_array_unref (maps);

  /* A stage-2 table outside memory is an error. */
  mem_write64 (m, 0xbffaa000 + 8, U64 (0xdead0000) | D_TABLE);
  c.maps = g_array_new (FALSE, FALSE, sizeof (HsMmuTranslation));
  g_assert_false (hs_mmu_list (&guest, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 100, collect, &c,
                               mem_read, m, &next, &error));
  g_assert_error (error, HS_MMU_ERROR, HS_MMU_ERROR_READ);
  assert_contains (error->message, "at PA 0xdead0000");
  g_clear_error (&error);
  g_array_unref (c.maps);

  mem_free (m);
}

static void
test_list_hostile (void)
{
  Mem *m = mem_new ();
  HsMmuContext ctx;
  GArray *maps;
  guint64 next = 0;

  /* A table whose every entry points at itself maps everything, over and over: the listing
   * stops at max_entries, with few reads. */
  mem_back (m, 0x10000, 4096);
  for (guint i = 0; i < 512; i++)
    mem_write64 (m, 0x10000 + i * 8, 0x10000 | D_TABLE | AF);
  ctx = el1_context (BOARD_TCR_EL1, 0x10000, 0x10000);
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 1000, 0, &next);
  g_assert_cmpuint (maps->len, ==, 1000);
  g_assert_cmphex (next, ==, 1000 * 4096);
  g_assert_cmpuint (m->bytes, <=, HS_MMU_LIST_BYTES_BASE + HS_MMU_LIST_BYTES_PER_ENTRY * 1000);
  g_array_unref (maps);

  /* A tree of tables whose leaves are all invalid: nothing to report, a bounded amount of work,
   * and a place to resume. */
  mem_back (m, 0x20000, 4 * 4096);
  for (guint i = 0; i < 512; i++)
    {
      mem_write64 (m, 0x20000 + i * 8, 0x21000 | D_TABLE);
      mem_write64 (m, 0x21000 + i * 8, 0x22000 | D_TABLE);
      mem_write64 (m, 0x22000 + i * 8, 0x23000 | D_TABLE);
    }
  ctx = el1_context (BOARD_TCR_EL1, 0x20000, 0x20000);
  m->reads = 0;
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 10, 0, &next);
  g_assert_cmpuint (maps->len, ==, 0);
  /* Each step skips one all-invalid level-3 table: 2 MiB. */
  g_assert_cmphex (next, ==, (HS_MMU_LIST_STEPS_BASE + HS_MMU_LIST_STEPS_PER_ENTRY * 10) * 2 * MiB);
  g_assert_cmpuint (m->reads, <=, 8);
  g_array_unref (maps);

  /* 64 KiB granule: each of a level-2 table's 8192 entries points at its own all-invalid
   * level-3 table. Counting reads, a listing of 256 read 272 MiB to list nothing; the budget is
   * in bytes, and the listing stops at a table boundary, to be resumed. */
  mem_back (m, 0x100000, 2 * 64 * KiB);
  mem_write64 (m, 0x100000, 0x110000 | D_TABLE);
  for (guint i = 0; i < 8192; i++)
    mem_write64 (m, 0x110000 + i * 8, (GiB + (guint64) i * 64 * KiB) | D_TABLE);
  m->zero_start = GiB;
  m->zero_end = GiB + 8192 * 64 * KiB;
  ctx = el1_context (TCR_T0SZ (16) | TCR_T1SZ (16) | TCR_TG0_64K | TCR_TG1_64K | TCR_IPS (2),
                     0x100000, 0x100000);
  m->reads = 0;
  m->bytes = 0;
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 256, 0, &next);
  g_assert_cmpuint (maps->len, ==, 0);
  g_assert_cmpuint (m->bytes, <=, HS_MMU_LIST_BYTES_BASE + HS_MMU_LIST_BYTES_PER_ENTRY * 256);
  g_assert_cmphex (next, >, 0);
  g_assert_cmphex (next, <, U64 (8192) * 512 * MiB);
  g_assert_cmphex (next % (512 * MiB), ==, 0);
  g_test_message ("byte budget: %" G_GUINT64_FORMAT " bytes in %u reads, stopped at 0x%"
                  G_GINT64_MODIFIER "x", m->bytes, m->reads, next);
  g_array_unref (maps);

  mem_free (m);
}

static void
test_list_untranslated (void)
{
  Mem *m = mem_new ();
  HsMmuContext ctx = { 0 };
  GArray *maps;
  guint64 next = 1;

  /* Both stages off: one identity mapping, up to the PA size. */
  ctx.regime = HS_MMU_REGIME_EL10;
  ctx.pa_range_bits = 40;
  maps = list (&ctx, m, 0x1000, 0x1fff, HS_MMU_LIST_NONE, 10, 0, &next);
  g_assert_cmpuint (maps->len, ==, 1);
  assert_mapping (maps, 0, 0x1000, 0x1000, 0x1000);
  g_assert_cmphex (next, ==, 0x2000);
  g_array_unref (maps);
  maps = list (&ctx, m, 0, G_MAXUINT64, HS_MMU_LIST_NONE, 10, 0, &next);
  g_assert_cmpuint (maps->len, ==, 1);
  assert_mapping (maps, 0, 0, 0, U64 (0x10000000000));
  g_assert_cmphex (next, ==, 0);
  g_array_unref (maps);
  /* Stage 2 alone, when it is off, likewise; nothing beyond the PA size. */
  maps = list (&ctx, m, U64 (0x20000000000), G_MAXUINT64, HS_MMU_LIST_STAGE2, 10, 0, &next);
  g_assert_cmpuint (maps->len, ==, 0);
  g_assert_cmphex (next, ==, 0);
  g_array_unref (maps);
  g_assert_cmpuint (m->reads, ==, 0);

  mem_free (m);
}

/* ---- EL2 (Xen) ----------------------------------------------------------------------------- */

static void
test_el2_xen (void)
{
  Mem *m = mem_new ();
  Tables t;
  HsMmuContext ctx = { 0 };
  HsMmuTranslation tr;
  char *attrs;

  /* Xen 4.17: text at VA 0x200000 (4K pages, read-only, executable), the direct map in 1 GiB
   * blocks at 0x0000800000000000. AP[1] is RES1 at EL2. */
  tables_init (&t, m, 12, 48, 0, BOARD_TTBR0_EL2, 0);
  tables_map (&t, 0x200000, 3, 0x40200000, AF | SH_INNER | S1_RO | S1_EL0);
  tables_map (&t, U64 (0x0000800040000000), 1, 0x40000000, AF | SH_INNER | S1_EL0 | S1_UXN);
  hs_mmu_context_set_el2 (&ctx, 0x30cd183d, BOARD_TCR_EL2, BOARD_TTBR0_EL2, LINUX_MAIR);
  /* Stage 2 does not apply to EL2, whatever the registers say. */
  ctx.stage2 = TRUE;
  ctx.vtcr = BOARD_VTCR_EL2;
  ctx.vttbr = BOARD_VTTBR_EL2;

  assert_translates (&ctx, m, 0x200abc, 0x40200abc, 4096, &tr);
  g_assert_cmpuint (tr.perm_el1, ==, R | X);
  g_assert_cmpuint (tr.perm_el0, ==, 0);
  g_assert_cmphex (tr.ipa, ==, tr.pa);
  g_assert_cmphex (tr.s2_size, ==, 0);
  attrs = hs_mmu_format_attributes (&tr);
  g_assert_cmpstr (attrs, ==, "R-X EL2, Normal WB, inner-shareable, AF");
  g_free (attrs);

  assert_translates (&ctx, m, U64 (0x0000800041234567), 0x41234567, GiB, &tr);
  g_assert_cmpuint (tr.perm_el1, ==, R | W);
  assert_fails (&ctx, m, U64 (0xffff800000000000), HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 0 for VA 0xffff800000000000: the address is "
                "beyond the 48-bit range of TTBR0_EL2 (TCR_EL2.T0SZ=16)");
  assert_fails (&ctx, m, 0x201000, HS_MMU_ERROR_TRANSLATION,
                "stage-1 translation fault at level 3 for VA 0x201000 (descriptor 0x0)");

  mem_free (m);
}

/* ---- attributes and registers -------------------------------------------------------------- */

static void
assert_format (const HsMmuTranslation *t,
               const char             *expected)
{
  char *s = hs_mmu_format_attributes (t);

  g_assert_cmpstr (s, ==, expected);
  g_free (s);
}

static void
test_format_attributes (void)
{
  HsMmuTranslation t = { 0 };

  t.regime = HS_MMU_REGIME_EL10;
  t.s1_size = 4096;
  t.perm_el1 = R | W;
  t.s1_has_mair_attr = TRUE;
  t.s1_mair_attr = 0xff;
  t.s1_sh = 3;
  t.s1_af = TRUE;
  assert_format (&t, "RW- EL1, --- EL0, Normal WB, inner-shareable, AF");

  t.perm_el0 = R | W;
  t.ng = TRUE;
  t.asid = 5;
  assert_format (&t, "RW- EL1, RW- EL0, Normal WB, inner-shareable, AF, nG (ASID 5)");

  /* Linux's Device-nGnRE and Normal-NC: always outer shareable. */
  t.ng = FALSE;
  t.perm_el0 = 0;
  t.s1_mair_attr = 0x04;
  assert_format (&t, "RW- EL1, --- EL0, Device-nGnRE, outer-shareable, AF");
  t.s1_mair_attr = 0x44;
  assert_format (&t, "RW- EL1, --- EL0, Normal NC, outer-shareable, AF");
  t.s1_mair_attr = 0x4f;
  t.s1_sh = 0;
  t.s1_af = FALSE;
  assert_format (&t, "RW- EL1, --- EL0, Normal inner-WB outer-NC, non-shareable, AF=0 at stage 1");

  /* Stage 2 Device wins over stage 1 Normal. */
  t.s1_mair_attr = 0xff;
  t.s1_sh = 3;
  t.s1_af = TRUE;
  t.s2_size = 4096;
  t.s2_memattr = 0x1;
  t.s2_af = TRUE;
  assert_format (&t, "RW- EL1, --- EL0, Device-nGnRE, outer-shareable, AF");
  t.s2_memattr = 0xf;
  t.s2_sh = 2;
  assert_format (&t, "RW- EL1, --- EL0, Normal WB, outer-shareable, AF");

  /* Without MAIR. */
  t.s1_has_mair_attr = FALSE;
  t.s1_attr_index = 3;
  assert_format (&t, "RW- EL1, --- EL0, AttrIndx 3, stage 2 Normal WB, outer-shareable, AF");

  /* Stage 1 off. */
  t.s1_size = 0;
  t.s2_sh = 3;
  t.perm_el1 = t.perm_el0 = R | W | X;
  assert_format (&t, "RWX EL1, RWX EL0, stage 1 off, Normal WB, inner-shareable, AF");
}

static void
test_context_from_registers (void)
{
  HsMmuContext ctx = { 0 };

  hs_mmu_context_set_el1 (&ctx, 0x30d5d91d, BOARD_TCR_EL1, 0x1000, 0x2000, LINUX_MAIR);
  g_assert_true (ctx.regime == HS_MMU_REGIME_EL10);
  g_assert_true (ctx.stage1);
  g_assert_cmphex (ctx.tcr, ==, BOARD_TCR_EL1);
  g_assert_true (ctx.has_mair);
  hs_mmu_context_set_el1 (&ctx, 0x30d5d91c, BOARD_TCR_EL1, 0x1000, 0x2000, 0);
  g_assert_false (ctx.stage1);
  /* MAIR 0: not known. */
  g_assert_false (ctx.has_mair);

  /* HCR_EL2.VM turns stage 2 on, unless TGE is set. */
  hs_mmu_context_set_stage2 (&ctx, U64 (0x80000001), BOARD_VTCR_EL2, BOARD_VTTBR_EL2);
  g_assert_true (ctx.stage2);
  g_assert_cmphex (ctx.vttbr, ==, BOARD_VTTBR_EL2);
  hs_mmu_context_set_stage2 (&ctx, U64 (0x88000001), BOARD_VTCR_EL2, BOARD_VTTBR_EL2);
  g_assert_false (ctx.stage2);
  hs_mmu_context_set_stage2 (&ctx, U64 (0x80000000), BOARD_VTCR_EL2, BOARD_VTTBR_EL2);
  g_assert_false (ctx.stage2);

  hs_mmu_context_set_el2 (&ctx, 0x30cd183d, BOARD_TCR_EL2, BOARD_TTBR0_EL2, LINUX_MAIR);
  g_assert_true (ctx.regime == HS_MMU_REGIME_EL2);
  g_assert_true (ctx.stage1);
  g_assert_cmphex (ctx.ttbr0, ==, BOARD_TTBR0_EL2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hs/Mmu/stage1-4k-ttbr0-page", test_stage1_4k_ttbr0_page);
  g_test_add_func ("/Hs/Mmu/stage1-4k-ttbr1-blocks", test_stage1_4k_ttbr1_blocks);
  g_test_add_func ("/Hs/Mmu/stage1-4k-39bit", test_stage1_4k_39bit);
  g_test_add_func ("/Hs/Mmu/stage1-4k-40bit", test_stage1_4k_40bit);
  g_test_add_func ("/Hs/Mmu/stage1-16k", test_stage1_16k);
  g_test_add_func ("/Hs/Mmu/stage1-64k", test_stage1_64k);
  g_test_add_func ("/Hs/Mmu/stage1-64k-52bit", test_stage1_64k_52bit);
  g_test_add_func ("/Hs/Mmu/stage1-granule-encodings", test_stage1_granule_encodings);
  g_test_add_func ("/Hs/Mmu/stage1-fault-levels", test_stage1_fault_levels);
  g_test_add_func ("/Hs/Mmu/stage1-hole-and-epd", test_stage1_hole_and_epd);
  g_test_add_func ("/Hs/Mmu/stage1-address-size", test_stage1_address_size);
  g_test_add_func ("/Hs/Mmu/stage1-reserved-descriptors", test_stage1_reserved_descriptors);
  g_test_add_func ("/Hs/Mmu/stage1-tbi", test_stage1_tbi);
  g_test_add_func ("/Hs/Mmu/stage1-permissions", test_stage1_permissions);
  g_test_add_func ("/Hs/Mmu/stage1-off", test_stage1_off);
  g_test_add_func ("/Hs/Mmu/stage2-4k-concatenated", test_stage2_4k_concatenated);
  g_test_add_func ("/Hs/Mmu/stage2-4k-sl0-0-concatenated", test_stage2_4k_sl0_0_concatenated);
  g_test_add_func ("/Hs/Mmu/stage2-16k", test_stage2_16k);
  g_test_add_func ("/Hs/Mmu/stage2-64k", test_stage2_64k);
  g_test_add_func ("/Hs/Mmu/stage2-inconsistent", test_stage2_inconsistent);
  g_test_add_func ("/Hs/Mmu/two-stage-board", test_two_stage_board);
  g_test_add_func ("/Hs/Mmu/two-stage-faults", test_two_stage_faults);
  g_test_add_func ("/Hs/Mmu/hostile-loop", test_hostile_loop);
  g_test_add_func ("/Hs/Mmu/hostile-outside-memory", test_hostile_outside_memory);
  g_test_add_func ("/Hs/Mmu/list", test_list);
  g_test_add_func ("/Hs/Mmu/list-bound", test_list_bound);
  g_test_add_func ("/Hs/Mmu/list-two-stage", test_list_two_stage);
  g_test_add_func ("/Hs/Mmu/list-hostile", test_list_hostile);
  g_test_add_func ("/Hs/Mmu/list-untranslated", test_list_untranslated);
  g_test_add_func ("/Hs/Mmu/el2-xen", test_el2_xen);
  g_test_add_func ("/Hs/Mmu/format-attributes", test_format_attributes);
  g_test_add_func ("/Hs/Mmu/context-from-registers", test_context_from_registers);

  return g_test_run ();
}
