/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * fuzz-mmu.c: the MMU walker and the listing on tables the input makes.
 * The first 72 bytes are the registers (TCR, TTBRs, VTCR, VTTBR, MAIR),
 * flags and two addresses; the rest is physical memory from 0 (reads past
 * it fail), so tables point anywhere in it, at themselves, or nowhere.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "hs-mmu.h"

typedef struct
{
  const uint8_t *mem;
  size_t size;
  guint64 bytes;
} Memory;

static gboolean
read_mem (guint64   pa,
          void     *buf,
          gsize     len,
          gpointer  user_data,
          GError  **error)
{
  Memory *m = user_data;

  m->bytes += len;
  if (pa >= m->size || len > m->size - pa)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "no memory at 0x%" G_GINT64_MODIFIER
                   "x", pa);
      return FALSE;
    }
  memcpy (buf, m->mem + pa, len);
  return TRUE;
}

static guint64
take (const uint8_t **p)
{
  guint64 v;

  memcpy (&v, *p, 8);
  *p += 8;
  return GUINT64_FROM_LE (v);
}

static gboolean
count (const HsMmuTranslation *mapping,
       gpointer                user_data)
{
  return ++*(guint *) user_data < 64;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  HsMmuContext ctx = { 0 };
  Memory m;
  const uint8_t *p = data;
  guint64 flags, va[2];
  guint n = 0;
  HsMmuTranslation t;

  if (size < 72)
    return 0;
  ctx.tcr = take (&p);
  ctx.ttbr0 = take (&p);
  ctx.ttbr1 = take (&p);
  ctx.vtcr = take (&p);
  ctx.vttbr = take (&p);
  ctx.mair = take (&p);
  flags = take (&p);
  va[0] = take (&p);
  va[1] = take (&p);
  ctx.regime = flags % 2 ? HS_MMU_REGIME_EL2 : HS_MMU_REGIME_EL10;
  ctx.stage1 = (flags >> 1) & 1;
  ctx.stage2 = (flags >> 2) & 1;
  ctx.has_mair = (flags >> 3) & 1;
  ctx.pa_range_bits = 32 + (guint) ((flags >> 8) % 21);
  m = (Memory) { p, size - 72, 0 };

  for (guint i = 0; i < 2; i++)
    {
      hs_mmu_translate (&ctx, va[i], read_mem, &m, &t, NULL);
      hs_mmu_stage2 (&ctx, va[i], read_mem, &m, &t, NULL);
    }
  hs_mmu_list (&ctx, va[0], MAX (va[0], va[1]), (flags >> 4) & 3, 16, count, &n, read_mem, &m,
               NULL, NULL);
  return 0;
}
