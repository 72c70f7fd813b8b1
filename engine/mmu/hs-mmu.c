/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-mmu"

#include "config.h"

#include "hs-mmu-private.h"

#include <string.h>

/*
 * The walk follows the VMSAv8-64 pseudocode (ARM DDI 0487, D8 and AArch64.TranslationTableWalk)
 * for Armv8.0 plus FEAT_LPA/FEAT_LVA (52-bit addresses with the 64 KiB granule). Not modelled:
 * FEAT_LPA2 (TCR.DS), FEAT_TTST, VHE (E2H), TCR.TBI for listings, SCTLR.WXN, SCTLR.EE
 * (big-endian tables), HCR_EL2.DC, FEAT_XNX and FEAT_S2FWB.
 */

G_DEFINE_QUARK (hs-mmu-error-quark, hs_mmu_error)

void
_hs_mmu_fault_clear (Fault *f)
{
  g_clear_pointer (&f->why, g_free);
  g_clear_error (&f->read_error);
}

G_GNUC_PRINTF (3, 4)
static void
fault_config (Fault *f,
              guint  stage,
              const char *format,
              ...)
{
  va_list args;

  _hs_mmu_fault_clear (f);
  f->code = HS_MMU_ERROR_CONFIG;
  f->stage = stage;
  f->outside = FALSE;
  va_start (args, format);
  f->why = g_strdup_vprintf (format, args);
  va_end (args);
}

G_GNUC_PRINTF (8, 9)
static void
fault_set (Fault       *f,
           int          code,
           const Stage *st,
           guint        level,
           guint64      address,
           gboolean     has_desc,
           guint64      desc,
           const char  *format,
           ...)
{
  va_list args;

  _hs_mmu_fault_clear (f);
  f->code = code;
  f->stage = st->stage;
  f->level = level;
  f->address = address;
  f->has_desc = has_desc;
  f->desc = desc;
  f->s1_walk_level = S1_WALK_NONE;
  f->skip_to = 0;
  f->skip_wraps = TRUE;
  f->outside = FALSE;
  f->outside_last = FALSE;
  f->outside_next = 0;
  va_start (args, format);
  f->why = g_strdup_vprintf (format, args);
  va_end (args);
}

/* For listings: the unmapped hole is @count entries of 2^@bits input bytes from the one that
 * holds @in. */
static void
fault_hole (Fault  *f,
            guint64 in,
            guint   bits,
            guint64 count)
{
  guint64 base = in & ~low_mask (bits);

  if (bits + g_bit_storage (count) > 64)
    {
      f->skip_wraps = TRUE;
      return;
    }
  f->skip_to = base + (count << bits);
  f->skip_wraps = f->skip_to <= base;
}

static const char *
granule_name (guint gshift)
{
  switch (gshift)
    {
    case 12: return "4 KiB";
    case 14: return "16 KiB";
    case 16: return "64 KiB";
    default: return "unknown";
    }
}

/* TCR.TG0 and VTCR_EL2.TG0: 0 = 4K, 1 = 64K, 2 = 16K. */
static guint
granule_from_tg0 (guint tg)
{
  static const guint shifts[4] = { 12, 16, 14, 0 };
  return shifts[tg & 3];
}

/* TCR_EL1.TG1 encodes differently: 1 = 16K, 2 = 4K, 3 = 64K. */
static guint
granule_from_tg1 (guint tg)
{
  static const guint shifts[4] = { 0, 14, 12, 16 };
  return shifts[tg & 3];
}

static guint
level_lsb (const Stage *st,
           guint        level)
{
  return st->gshift + (3 - level) * st->stride;
}

static guint
level_bits (const Stage *st,
            guint        level)
{
  return level == st->start_level ? st->start_bits : st->stride;
}

/* Block descriptors by granule (no FEAT_LPA2): 4K at levels 1 and 2, 16K at level 2, 64K at
 * level 2 and, with a 52-bit output (FEAT_LPA), level 1. */
static gboolean
block_allowed (const Stage *st,
               guint        level)
{
  switch (st->gshift)
    {
    case 12: return level == 1 || level == 2;
    case 14: return level == 2;
    case 16: return level == 2 || (level == 1 && st->oa52);
    default: return FALSE;
    }
}

/* The output address of a table, block or page descriptor (before the block-size mask). */
static guint64
desc_address (const Stage *st,
              guint64      desc)
{
  guint64 addr = desc & low_mask (48) & ~low_mask (st->gshift);

  if (st->oa52)
    addr |= (guint64) FIELD (desc, 15, 12) << 48;
  return addr;
}

/* IPS/PS: 0..6 = 32, 36, 40, 42, 44, 48, 52 bits. */
static gboolean
output_bits (const HsMmuContext *ctx,
             guint               ps,
             guint               gshift,
             const char         *ps_name,
             guint               stage,
             guint              *bits,
             char               *ps_text,
             gsize               ps_text_len,
             Fault              *f)
{
  static const guint sizes[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };
  guint b = sizes[ps & 7];
  guint field_bits = b;

  if (b == 0)
    {
      fault_config (f, stage, "%s=%u is a reserved output address size encoding", ps_name, ps);
      return FALSE;
    }
  /* A 52-bit output needs the 64 KiB granule without FEAT_LPA2; otherwise it is 48 bits. */
  if (b == 52 && gshift != 16)
    b = 48;
  /* An IPS/PS above the implemented size behaves as the implemented size. */
  if (ctx->pa_range_bits >= 32 && ctx->pa_range_bits < b)
    b = ctx->pa_range_bits;
  *bits = b;
  if (b < field_bits)
    g_snprintf (ps_text, ps_text_len, "%s=%u, capped at the CPU's %u-bit PA size", ps_name, ps, b);
  else
    g_snprintf (ps_text, ps_text_len, "%s=%u", ps_name, ps);
  return TRUE;
}

/* Start-table base address: BADDR aligned to the start table's size (bits below it are
 * ignored, as the pseudocode does), plus BADDR[51:48] from bits [5:2] with a 52-bit output. */
static void
stage_set_base (Stage  *st,
                guint64 ttb)
{
  guint lower = 3 + st->start_bits;

  if (st->oa52 && lower < 6)
    lower = 6;
  st->base = ttb & low_mask (48) & ~low_mask (lower);
  if (st->oa52)
    st->base |= (guint64) FIELD (ttb, 5, 2) << 48;
  st->base_too_big = st->oa_bits < 48 && ((ttb & low_mask (48)) >> st->oa_bits) != 0;
}

static void
stage_set_levels (Stage *st)
{
  st->stride = st->gshift - 3;
  st->start_level = 4 - (1 + (st->in_bits - st->gshift - 1) / st->stride);
  st->start_bits = st->in_bits - level_lsb (st, st->start_level);
}

/* Decodes stage 1 for @va. Fails with a config fault, or with a level-0 translation fault when
 * @va is outside the translated ranges or their walks are disabled. */
static gboolean
setup_stage1 (const HsMmuContext *ctx,
              guint64             va,
              gboolean            use_tbi,
              gboolean            under_s2,
              Stage              *st,
              Fault              *f)
{
  guint64 tcr = ctx->tcr;
  gboolean el2 = ctx->regime == HS_MMU_REGIME_EL2;
  gboolean tbi, epd, hpd;
  guint top, tsz, tg, ps, gshift, min_tsz;
  const char *reg = el2 ? "TCR_EL2" : "TCR_EL1";
  const char *tsz_name, *tg_name, *ps_name;
  guint64 ttb, hi, want;
  guint nbits;

  memset (st, 0, sizeof *st);
  st->stage = 1;
  st->el2 = el2;
  st->oa_what = under_s2 ? "intermediate physical address size" : "physical address size";

  if (el2)
    {
      if (BIT (tcr, 32))
        {
          fault_config (f, 1, "TCR_EL2.DS=1 (52-bit addresses with FEAT_LPA2) is not supported");
          return FALSE;
        }
      tbi = BIT (tcr, 20);
      st->ttbr1 = FALSE;
      tsz = FIELD (tcr, 5, 0);
      tg = FIELD (tcr, 15, 14);
      gshift = granule_from_tg0 (tg);
      ps = FIELD (tcr, 18, 16);
      ps_name = "TCR_EL2.PS";
      hpd = BIT (tcr, 24);
      epd = FALSE;
      ttb = ctx->ttbr0;
      st->base_name = "TTBR0_EL2";
      tsz_name = "T0SZ";
      tg_name = "TG0";
    }
  else
    {
      if (BIT (tcr, 59))
        {
          fault_config (f, 1, "TCR_EL1.DS=1 (52-bit addresses with FEAT_LPA2) is not supported");
          return FALSE;
        }
      /* Bit 55 picks the TBI bit, the top address bit picks the range. */
      tbi = BIT (va, 55) ? BIT (tcr, 38) : BIT (tcr, 37);
      top = tbi && use_tbi ? 55 : 63;
      st->ttbr1 = BIT (va, top);
      if (st->ttbr1)
        {
          tsz = FIELD (tcr, 21, 16);
          tg = FIELD (tcr, 31, 30);
          gshift = granule_from_tg1 (tg);
          epd = BIT (tcr, 23);
          hpd = BIT (tcr, 42);
          ttb = ctx->ttbr1;
          st->base_name = "TTBR1_EL1";
          tsz_name = "T1SZ";
          tg_name = "TG1";
        }
      else
        {
          tsz = FIELD (tcr, 5, 0);
          tg = FIELD (tcr, 15, 14);
          gshift = granule_from_tg0 (tg);
          epd = BIT (tcr, 7);
          hpd = BIT (tcr, 41);
          ttb = ctx->ttbr0;
          st->base_name = "TTBR0_EL1";
          tsz_name = "T0SZ";
          tg_name = "TG0";
        }
      ps = FIELD (tcr, 34, 32);
      ps_name = "TCR_EL1.IPS";
      /* TCR_EL1.A1 says which TTBR holds the ASID, TCR_EL1.AS whether it has 8 or 16 bits. */
      st->asid = (guint) ((BIT (tcr, 22) ? ctx->ttbr1 : ctx->ttbr0) >> 48);
      if (!BIT (tcr, 36))
        st->asid &= 0xff;
    }
  top = tbi && use_tbi ? 55 : 63;

  if (gshift == 0)
    {
      fault_config (f, 1, "%s.%s=%u is a reserved translation granule encoding", reg, tg_name, tg);
      return FALSE;
    }
  min_tsz = gshift == 16 ? 12 : 16;
  if (tsz < min_tsz || tsz > 39)
    {
      fault_config (f, 1, "%s.%s=%u is out of range for the %s granule (%u to 39: a %u- to 25-bit "
                    "address space)", reg, tsz_name, tsz, granule_name (gshift), min_tsz,
                    64 - min_tsz);
      return FALSE;
    }
  st->gshift = gshift;
  st->in_bits = 64 - tsz;
  stage_set_levels (st);
  if (!output_bits (ctx, ps, gshift, ps_name, 1, &st->oa_bits, st->ps_text, sizeof st->ps_text, f))
    return FALSE;
  st->oa52 = st->oa_bits == 52;
  st->hierarchical = !hpd;
  stage_set_base (st, ttb);

  /* VA[top:in_bits] must be all zeros (TTBR0) or all ones (TTBR1). */
  nbits = top + 1 - st->in_bits;
  hi = (va >> st->in_bits) & low_mask (nbits);
  want = st->ttbr1 ? low_mask (nbits) : 0;
  if (hi != want)
    {
      if (el2)
        {
          fault_set (f, HS_MMU_ERROR_TRANSLATION, st, 0, va, FALSE, 0,
                     "the address is beyond the %u-bit range of TTBR0_EL2 (TCR_EL2.T0SZ=%u)",
                     st->in_bits, tsz);
          f->outside_last = TRUE;
        }
      else
        {
          guint t0 = CLAMP (FIELD (tcr, 5, 0), 12, 39);
          guint t1 = CLAMP (FIELD (tcr, 21, 16), 12, 39);

          fault_set (f, HS_MMU_ERROR_TRANSLATION, st, 0, va, FALSE, 0,
                     "the address is in neither the TTBR0_EL1 range (0x0-" X64 ", T0SZ=%u) nor "
                     "the TTBR1_EL1 range (" X64 "-0xffffffffffffffff, T1SZ=%u)",
                     low_mask (64 - t0), t0, ~low_mask (64 - t1), t1);
          /* Only a listing, which ignores TBI, asks where the next range starts. */
          f->outside_last = st->ttbr1;
          f->outside_next = ~low_mask (64 - t1);
        }
      f->outside = TRUE;
      return FALSE;
    }
  if (epd)
    {
      fault_set (f, HS_MMU_ERROR_TRANSLATION, st, 0, va, FALSE, 0,
                 "translation table walks for the %s range are disabled (TCR_EL1.EPD%u=1)",
                 st->base_name, st->ttbr1 ? 1 : 0);
      fault_hole (f, va, st->in_bits, 1);
      return FALSE;
    }
  return TRUE;
}

/* Decodes stage 2 (VTCR_EL2, VTTBR_EL2); only configuration errors fail here. */
static gboolean
setup_stage2 (const HsMmuContext *ctx,
              Stage              *st,
              Fault              *f)
{
  guint64 vtcr = ctx->vtcr;
  guint tsz = FIELD (vtcr, 5, 0);
  guint sl0 = FIELD (vtcr, 7, 6);
  guint tg = FIELD (vtcr, 15, 14);
  guint ps = FIELD (vtcr, 18, 16);
  guint gshift = granule_from_tg0 (tg);
  guint min_tsz;
  int start_bits;

  memset (st, 0, sizeof *st);
  st->stage = 2;
  st->oa_what = "physical address size";
  st->base_name = "VTTBR_EL2";

  if (gshift == 0)
    {
      fault_config (f, 2, "VTCR_EL2.TG0=3 is a reserved translation granule encoding");
      return FALSE;
    }
  min_tsz = gshift == 16 ? 12 : 16;
  if (tsz < min_tsz || tsz > 39)
    {
      fault_config (f, 2, "VTCR_EL2.T0SZ=%u is out of range for the %s granule (%u to 39: a %u- "
                    "to 25-bit IPA space)", tsz, granule_name (gshift), min_tsz, 64 - min_tsz);
      return FALSE;
    }
  if (sl0 == 3)
    {
      fault_config (f, 2, "VTCR_EL2.SL0=3 is reserved for the %s granule", granule_name (gshift));
      return FALSE;
    }
  st->gshift = gshift;
  st->stride = gshift - 3;
  st->in_bits = 64 - tsz;
  /* SL0 counts down from level 2 (4K) or level 3 (16K, 64K). */
  st->start_level = (gshift == 12 ? 2 : 3) - sl0;
  start_bits = (int) st->in_bits - (int) level_lsb (st, st->start_level);
  /* The start level resolves at least 1 bit and at most stride + 4: 2 to 16 concatenated
   * tables. */
  if (start_bits < 1 || start_bits > (int) st->stride + 4)
    {
      GString *fits = g_string_new (NULL);

      for (guint s = 0; s < 3; s++)
        {
          guint lvl = (gshift == 12 ? 2 : 3) - s;
          int b = (int) st->in_bits - (int) level_lsb (st, lvl);

          if (b >= 1 && b <= (int) st->stride + 4)
            g_string_append_printf (fits, "%sSL0=%u", fits->len ? " or " : "", s);
        }
      fault_config (f, 2, "VTCR_EL2.SL0=%u (start at level %u) is inconsistent with T0SZ=%u "
                    "(a %u-bit IPA space) and the %s granule: the start level would resolve %d "
                    "IPA bits, but it must resolve 1 to %u (2 entries to 16 concatenated "
                    "tables)%s%s",
                    sl0, st->start_level, tsz, st->in_bits, granule_name (gshift), start_bits,
                    st->stride + 4, fits->len ? "; this T0SZ needs " : "", fits->str);
      g_string_free (fits, TRUE);
      return FALSE;
    }
  st->start_bits = (guint) start_bits;
  if (!output_bits (ctx, ps, gshift, "VTCR_EL2.PS", 2, &st->oa_bits, st->ps_text,
                    sizeof st->ps_text, f))
    return FALSE;
  st->oa52 = st->oa_bits == 52;
  stage_set_base (st, ctx->vttbr);
  /* VTCR_EL2.VS: 16-bit VMID, else 8 bits. */
  st->vmid = (guint) (ctx->vttbr >> 48) & (BIT (vtcr, 19) ? 0xffff : 0xff);
  return TRUE;
}

static gboolean walk_stage (Walker      *wk,
                            const Stage *st,
                            guint64      in,
                            Leaf        *leaf,
                            Fault       *f);

/* Reads @len bytes of a table of @st at @addr: a PA, or an IPA for stage 1 under stage 2. */
static gboolean
read_table_bytes (Walker      *wk,
                  const Stage *st,
                  guint        level,
                  guint64      addr,
                  void        *buf,
                  gsize        len,
                  Fault       *f)
{
  guint64 pa = addr;
  GError *local_error = NULL;

  if (st->stage == 1 && wk->have_s2)
    {
      Leaf l2;

      if (!walk_stage (wk, &wk->s2, addr, &l2, f))
        {
          if (f->code == HS_MMU_ERROR_TRANSLATION || f->code == HS_MMU_ERROR_ADDRESS_SIZE)
            {
              /* The VA region that this table chunk would have translated is unreachable. */
              f->s1_walk_level = (int) level;
              fault_hole (f, wk->va,
                          level_lsb (st, level) + (guint) g_bit_storage (len / 8) - 1, 1);
            }
          return FALSE;
        }
      pa = l2.out;
    }

  if (len > wk->bytes_left)
    {
      _hs_mmu_fault_clear (f);
      f->code = FAULT_LIMIT;
      return FALSE;
    }
  wk->bytes_left -= len;

  if (!wk->read (pa, buf, len, wk->read_data, &local_error))
    {
      _hs_mmu_fault_clear (f);
      f->code = HS_MMU_ERROR_READ;
      f->stage = st->stage;
      f->level = level;
      f->read_pa = pa;
      f->read_ipa = addr;
      f->read_via_s2 = st->stage == 1 && wk->have_s2;
      if (local_error == NULL)
        local_error = g_error_new (HS_MMU_ERROR, HS_MMU_ERROR_READ,
                                   "the memory reader failed without saying why");
      f->read_error = local_error;
      return FALSE;
    }
  return TRUE;
}

/* The descriptor at @index of the level-@level table at @table. A listing reads whole table
 * chunks once (at most one granule, and within one stage-2 page for stage-1 tables); a single
 * translation reads the 8 bytes it needs and leaves caching to the reader. */
static gboolean
read_desc (Walker      *wk,
           const Stage *st,
           guint        level,
           guint64      table,
           guint64      index,
           guint64     *desc,
           Fault       *f)
{
  guint64 addr = table + index * 8;
  guint64 le;
  gsize chunk;
  guint64 chunk_addr;
  Chunk *c;

  if (!wk->cached)
    {
      if (!read_table_bytes (wk, st, level, addr, &le, sizeof le, f))
        return FALSE;
      *desc = GUINT64_FROM_LE (le);
      return TRUE;
    }

  chunk = (gsize) 1 << st->gshift;
  if (level == st->start_level && st->start_bits < st->stride)
    chunk = (gsize) 8 << st->start_bits;
  if (st->stage == 1 && wk->have_s2)
    chunk = MIN (chunk, (gsize) 1 << wk->s2.gshift);
  chunk_addr = addr & ~(guint64) (chunk - 1);

  c = &wk->cache[st->stage - 1][level];
  if (!c->valid || c->addr != chunk_addr || c->len != chunk)
    {
      if (c->buf == NULL)
        c->buf = g_malloc (MAX_GRANULE);
      c->valid = FALSE;
      if (!read_table_bytes (wk, st, level, chunk_addr, c->buf, chunk, f))
        return FALSE;
      c->valid = TRUE;
      c->addr = chunk_addr;
      c->len = chunk;
    }
  memcpy (&le, c->buf + (addr - chunk_addr), sizeof le);
  *desc = GUINT64_FROM_LE (le);
  return TRUE;
}

/* How many invalid descriptors from @index on a listing can skip at once: the run within the
 * cached chunk (1 outside listings). */
static guint64
invalid_run (Walker      *wk,
             const Stage *st,
             guint        level,
             guint64      table,
             guint64      index)
{
  const Chunk *c = &wk->cache[st->stage - 1][level];
  guint64 entries = G_GUINT64_CONSTANT (1) << level_bits (st, level);
  guint64 count = 1;

  if (!wk->cached || !c->valid)
    return 1;
  for (guint64 i = index + 1; i < entries; i++)
    {
      guint64 addr = table + i * 8;
      guint64 le;

      if (addr < c->addr || addr + 8 > c->addr + c->len)
        break;
      memcpy (&le, c->buf + (addr - c->addr), sizeof le);
      if ((GUINT64_FROM_LE (le) & 1) != 0)
        break;
      count++;
    }
  return count;
}

/* One stage's walk for @in: at most 4 levels, every descriptor checked. */
static gboolean
walk_stage (Walker      *wk,
            const Stage *st,
            guint64      in,
            Leaf        *leaf,
            Fault       *f)
{
  guint64 offset = in & low_mask (st->in_bits);
  guint64 table = st->base;
  guint aptable = 0;
  gboolean xntable = FALSE, pxntable = FALSE;

  if (st->stage == 2 && (in >> st->in_bits) != 0)
    {
      fault_set (f, HS_MMU_ERROR_TRANSLATION, st, 0, in, FALSE, 0,
                 "the IPA is beyond the %u-bit input range of stage 2 (VTCR_EL2.T0SZ=%u)",
                 st->in_bits, 64 - st->in_bits);
      return FALSE;
    }
  if (st->base_too_big)
    {
      fault_set (f, HS_MMU_ERROR_ADDRESS_SIZE, st, st->start_level, in, FALSE, 0,
                 "the translation table base " X64 " in %s is beyond the %u-bit %s (%s)",
                 st->base, st->base_name, st->oa_bits, st->oa_what, st->ps_text);
      if (st->stage == 1)
        fault_hole (f, in, st->in_bits, 1);
      return FALSE;
    }

  /* Each round goes one level down: at most 4 rounds, whatever the tables say. */
  for (guint level = st->start_level; level <= 3; level++)
    {
      guint lsb = level_lsb (st, level);
      guint64 index = (offset >> lsb) & low_mask (level_bits (st, level));
      guint64 desc, addr;

      if (!read_desc (wk, st, level, table, index, &desc, f))
        {
          /* A read error of this stage (not of a nested stage-2 walk) names this input. */
          if (f->code == HS_MMU_ERROR_READ && f->stage == st->stage)
            f->address = in;
          return FALSE;
        }

      if ((desc & 1) == 0)
        {
          fault_set (f, HS_MMU_ERROR_TRANSLATION, st, level, in, TRUE, desc,
                     "the descriptor is invalid (nothing is mapped there)");
          fault_hole (f, in, lsb, invalid_run (wk, st, level, table, index));
          return FALSE;
        }

      addr = desc_address (st, desc);
      if ((desc & 2) != 0 && level < 3)
        {
          if ((addr >> st->oa_bits) != 0)
            {
              fault_set (f, HS_MMU_ERROR_ADDRESS_SIZE, st, level, in, TRUE, desc,
                         "the next-level table address " X64 " is beyond the %u-bit %s (%s)",
                         addr, st->oa_bits, st->oa_what, st->ps_text);
              fault_hole (f, in, lsb, 1);
              return FALSE;
            }
          if (st->stage == 1 && st->hierarchical)
            {
              aptable |= FIELD (desc, 62, 61);
              xntable |= BIT (desc, 60);
              pxntable |= BIT (desc, 59);
            }
          table = addr;
          continue;
        }

      if (level == 3 && (desc & 2) == 0)
        {
          fault_set (f, HS_MMU_ERROR_TRANSLATION, st, level, in, TRUE, desc,
                     "a level-3 descriptor with bits[1:0]=0b01 is reserved");
          fault_hole (f, in, lsb, 1);
          return FALSE;
        }
      if (level < 3 && !block_allowed (st, level))
        {
          fault_set (f, HS_MMU_ERROR_TRANSLATION, st, level, in, TRUE, desc,
                     "block descriptors are not allowed at level %u with the %s granule",
                     level, granule_name (st->gshift));
          fault_hole (f, in, lsb, 1);
          return FALSE;
        }

      addr &= ~low_mask (lsb);
      if ((addr >> st->oa_bits) != 0)
        {
          fault_set (f, HS_MMU_ERROR_ADDRESS_SIZE, st, level, in, TRUE, desc,
                     "the output address " X64 " is beyond the %u-bit %s (%s)",
                     addr, st->oa_bits, st->oa_what, st->ps_text);
          fault_hole (f, in, lsb, 1);
          return FALSE;
        }

      leaf->level = level;
      leaf->size_bits = lsb;
      leaf->desc = desc;
      leaf->out = addr | (in & low_mask (lsb));
      leaf->aptable = aptable;
      leaf->xntable = xntable;
      leaf->pxntable = pxntable;
      return TRUE;
    }

  g_assert_not_reached ();
  return FALSE;
}

static guint
stage2_perms (guint64 desc)
{
  return (BIT (desc, 6) ? HS_MMU_PERM_READ : 0) | (BIT (desc, 7) ? HS_MMU_PERM_WRITE : 0) |
         (BIT (desc, 54) ? 0 : HS_MMU_PERM_EXEC);
}

static void
fill_stage2 (HsMmuTranslation *t,
             const Stage      *s2,
             const Leaf       *l2)
{
  guint p = stage2_perms (l2->desc);

  t->s2_size = G_GUINT64_CONSTANT (1) << l2->size_bits;
  t->s2_level = l2->level;
  t->s2_desc = l2->desc;
  t->s2_memattr = FIELD (l2->desc, 5, 2);
  t->s2_sh = FIELD (l2->desc, 9, 8);
  t->s2_af = BIT (l2->desc, 10);
  t->contiguous |= BIT (l2->desc, 52);
  t->vmid = s2->vmid;
  t->perm_el1 &= p;
  t->perm_el0 &= p;
}

static void
fill_stage1 (const HsMmuContext *ctx,
             HsMmuTranslation   *t,
             const Stage        *s1,
             const Leaf         *l1)
{
  guint64 d = l1->desc;
  guint ap = FIELD (d, 7, 6); /* bit 0: AP[1] (EL0 access), bit 1: AP[2] (read-only) */
  guint rw;

  t->s1_size = G_GUINT64_CONSTANT (1) << l1->size_bits;
  t->s1_level = l1->level;
  t->s1_desc = d;
  t->ttbr1 = s1->ttbr1;
  t->asid = s1->asid;
  t->s1_attr_index = FIELD (d, 4, 2);
  t->s1_has_mair_attr = ctx->has_mair;
  t->s1_mair_attr = (guint8) (ctx->mair >> (8 * t->s1_attr_index));
  t->s1_sh = FIELD (d, 9, 8);
  t->s1_af = BIT (d, 10);
  t->ng = BIT (d, 11);
  t->contiguous = BIT (d, 52);

  /* APTable[0] takes EL0 access away, APTable[1] write access. */
  if (l1->aptable & 1)
    ap &= ~1u;
  if (l1->aptable & 2)
    ap |= 2;
  rw = HS_MMU_PERM_READ | ((ap & 2) ? 0 : HS_MMU_PERM_WRITE);

  if (s1->el2)
    {
      /* EL2 without E2H: AP[1] is RES1, bit 54 is XN. */
      t->perm_el1 = rw | ((BIT (d, 54) || l1->xntable) ? 0 : HS_MMU_PERM_EXEC);
      t->perm_el0 = 0;
    }
  else
    {
      gboolean uxn = BIT (d, 54) || l1->xntable;
      gboolean pxn = BIT (d, 53) || l1->pxntable;

      t->perm_el0 = (ap & 1) ? rw : 0;
      t->perm_el1 = rw;
      if (!uxn)
        t->perm_el0 |= HS_MMU_PERM_EXEC;
      /* EL1 never executes what EL0 can write. */
      if (!pxn && !(t->perm_el0 & HS_MMU_PERM_WRITE))
        t->perm_el1 |= HS_MMU_PERM_EXEC;
    }
}

guint
_hs_mmu_pa_limit_bits (const HsMmuContext *ctx)
{
  return ctx->pa_range_bits >= 32 && ctx->pa_range_bits <= 52 ? ctx->pa_range_bits : 48;
}

/* The whole walk for @va (stage 1, then stage 2 for its tables and its output). */
gboolean
_hs_mmu_translate_va (Walker           *wk,
                      guint64           va,
                      gboolean          use_tbi,
                      HsMmuTranslation *out,
                      Fault            *f)
{
  const HsMmuContext *ctx = wk->ctx;
  HsMmuTranslation t = { 0 };
  guint all = HS_MMU_PERM_READ | HS_MMU_PERM_WRITE | HS_MMU_PERM_EXEC;
  guint s1_bits = 64;
  guint64 ipa;
  guint64 s1_leaf_end = 0; /* IPA after the stage-1 leaf; 0 = the top of the space */

  wk->va = va;
  t.input = va;
  t.regime = ctx->regime;

  if (ctx->stage1)
    {
      Stage s1;
      Leaf l1;

      if (!setup_stage1 (ctx, va, use_tbi, wk->have_s2, &s1, f))
        return FALSE;
      if (!walk_stage (wk, &s1, va, &l1, f))
        return FALSE;
      fill_stage1 (ctx, &t, &s1, &l1);
      ipa = l1.out;
      s1_bits = l1.size_bits;
      s1_leaf_end = (ipa & ~low_mask (s1_bits)) + (G_GUINT64_CONSTANT (1) << s1_bits);
    }
  else
    {
      guint bits = _hs_mmu_pa_limit_bits (ctx);
      Stage off = { .stage = 1 };

      if ((va >> bits) != 0)
        {
          fault_set (f, HS_MMU_ERROR_ADDRESS_SIZE, &off, 0, va, FALSE, 0,
                     "stage 1 is off (SCTLR.M=0) and the address is beyond the %u-bit physical "
                     "address size", bits);
          return FALSE;
        }
      ipa = va;
      t.perm_el1 = all;
      t.perm_el0 = ctx->regime == HS_MMU_REGIME_EL2 ? 0 : all;
    }
  t.ipa = ipa;

  if (wk->have_s2)
    {
      Leaf l2;

      if (!walk_stage (wk, &wk->s2, ipa, &l2, f))
        {
          if (f->code == HS_MMU_ERROR_TRANSLATION || f->code == HS_MMU_ERROR_ADDRESS_SIZE)
            {
              guint64 end = s1_leaf_end;

              /* The hole in IPA space, clipped to the stage-1 leaf, seen from the VA. */
              f->s1_walk_level = S1_WALK_OUTPUT;
              if (!f->skip_wraps && (end == 0 || f->skip_to < end))
                end = f->skip_to;
              if (s1_bits == 64)
                {
                  f->skip_to = end;
                  f->skip_wraps = end == 0;
                }
              else
                {
                  f->skip_to = va + (end - ipa);
                  f->skip_wraps = f->skip_to <= va;
                }
            }
          return FALSE;
        }
      fill_stage2 (&t, &wk->s2, &l2);
      t.pa = l2.out;
    }
  else
    t.pa = ipa;

  if (t.s1_size != 0 && t.s2_size != 0)
    t.size = MIN (t.s1_size, t.s2_size);
  else
    t.size = t.s1_size != 0 ? t.s1_size : t.s2_size;
  *out = t;
  return TRUE;
}

gboolean
_hs_mmu_translate_ipa (Walker           *wk,
                       guint64           ipa,
                       HsMmuTranslation *out,
                       Fault            *f)
{
  HsMmuTranslation t = { 0 };
  guint all = HS_MMU_PERM_READ | HS_MMU_PERM_WRITE | HS_MMU_PERM_EXEC;

  t.input = t.ipa = t.pa = ipa;
  t.regime = HS_MMU_REGIME_EL10;
  t.perm_el1 = t.perm_el0 = all;
  wk->va = ipa;

  if (wk->have_s2)
    {
      Leaf l2;

      if (!walk_stage (wk, &wk->s2, ipa, &l2, f))
        return FALSE;
      fill_stage2 (&t, &wk->s2, &l2);
      t.pa = l2.out;
      t.size = t.s2_size;
    }
  *out = t;
  return TRUE;
}

gboolean
_hs_mmu_walker_init (Walker             *wk,
                     const HsMmuContext *ctx,
                     gboolean            s2_only,
                     HsMmuReadFunc       read,
                     gpointer            read_data,
                     Fault              *f)
{
  memset (wk, 0, sizeof *wk);
  wk->ctx = ctx;
  wk->read = read;
  wk->read_data = read_data;
  wk->s2_only = s2_only;
  wk->bytes_left = G_MAXUINT64;
  wk->have_s2 = ctx->stage2 && (s2_only || ctx->regime == HS_MMU_REGIME_EL10);
  if (wk->have_s2 && !setup_stage2 (ctx, &wk->s2, f))
    return FALSE;
  return TRUE;
}

void
_hs_mmu_walker_clear (Walker *wk)
{
  for (guint s = 0; s < 2; s++)
    for (guint l = 0; l < 4; l++)
      g_clear_pointer (&wk->cache[s][l].buf, g_free);
}

void
_hs_mmu_fault_to_error (const Walker *wk,
                        Fault        *f,
                        GError      **error)
{
  GString *msg;

  if (f->code == HS_MMU_ERROR_CONFIG)
    {
      g_set_error (error, HS_MMU_ERROR, HS_MMU_ERROR_CONFIG, "stage-%u configuration: %s",
                   f->stage, f->why);
      return;
    }

  msg = g_string_new (NULL);
  if (f->code == HS_MMU_ERROR_READ)
    {
      g_string_append_printf (msg, "cannot read the stage-%u level-%u translation table for %s "
                              X64, f->stage, f->level,
                              f->stage == 1 ? "VA" : "IPA", f->address);
      if (f->read_via_s2)
        g_string_append_printf (msg, " at IPA " X64 " (PA " X64 ")", f->read_ipa, f->read_pa);
      else
        g_string_append_printf (msg, " at PA " X64, f->read_pa);
      if (f->stage == 2 && !wk->s2_only)
        g_string_append_printf (msg, " while translating VA " X64, wk->va);
      g_string_append_printf (msg, ": %s", f->read_error->message);
    }
  else
    {
      g_string_append_printf (msg, "stage-%u %s fault at level %u for %s " X64, f->stage,
                              f->code == HS_MMU_ERROR_TRANSLATION ? "translation" : "address size",
                              f->level, f->stage == 1 ? "VA" : "IPA", f->address);
      if (f->has_desc)
        g_string_append_printf (msg, " (descriptor " X64 ")", f->desc);
      if (f->stage == 2 && f->s1_walk_level >= 0)
        g_string_append_printf (msg, " while walking stage-1 level %d for VA " X64,
                                f->s1_walk_level, wk->va);
      else if (f->stage == 2 && f->s1_walk_level == S1_WALK_OUTPUT)
        g_string_append_printf (msg, ", the stage-1 output for VA " X64, wk->va);
      g_string_append_printf (msg, ": %s", f->why);
    }
  g_set_error_literal (error, HS_MMU_ERROR, f->code, msg->str);
  g_string_free (msg, TRUE);
}

/**
 * hs_mmu_translate:
 * @ctx: the translation registers
 * @va: a virtual address of @ctx's regime
 * @read: reads physical memory (every table read goes through it, 8 bytes at a time)
 * @read_data: for @read
 * @out: (out): the translation, filled only on success
 * @error: a #HS_MMU_ERROR: TRANSLATION or ADDRESS_SIZE faults name the stage, level and
 *   descriptor; READ when @read failed; CONFIG when the registers make no sense
 *
 * Translates @va through stage 1 (when ctx->stage1) and, in the EL1&0 regime with ctx->stage2,
 * stage 2: every stage-1 table address is an IPA translated through stage 2 before it is read, and
 * so is the output. TCR.TBI is honoured (the top byte of a tagged VA is ignored). At most 24
 * descriptors are read. The access flag is reported, never a fault.
 */
gboolean
hs_mmu_translate (const HsMmuContext *ctx,
                  guint64             va,
                  HsMmuReadFunc       read,
                  gpointer            read_data,
                  HsMmuTranslation   *out,
                  GError            **error)
{
  Walker wk;
  Fault f = { 0 };
  HsMmuTranslation t;
  gboolean ok;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (read != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _hs_mmu_walker_init (&wk, ctx, FALSE, read, read_data, &f);
  wk.va = va;
  if (ok)
    ok = _hs_mmu_translate_va (&wk, va, TRUE, &t, &f);
  if (ok)
    *out = t;
  else
    _hs_mmu_fault_to_error (&wk, &f, error);
  _hs_mmu_fault_clear (&f);
  _hs_mmu_walker_clear (&wk);
  return ok;
}

/**
 * hs_mmu_stage2:
 * @ctx: the translation registers (VTCR_EL2, VTTBR_EL2)
 * @ipa: an intermediate physical address
 * @read: reads physical memory
 * @read_data: for @read
 * @out: (out): the translation (s1_size is 0), filled only on success
 * @error: as for hs_mmu_translate()
 *
 * Translates @ipa through stage 2 alone (the "I:" access class). With ctx->stage2 off the IPA is
 * the PA (out->size is then 0). The regime does not matter.
 */
gboolean
hs_mmu_stage2 (const HsMmuContext *ctx,
               guint64             ipa,
               HsMmuReadFunc       read,
               gpointer            read_data,
               HsMmuTranslation   *out,
               GError            **error)
{
  Walker wk;
  Fault f = { 0 };
  HsMmuTranslation t;
  gboolean ok;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (read != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = _hs_mmu_walker_init (&wk, ctx, TRUE, read, read_data, &f);
  if (ok)
    ok = _hs_mmu_translate_ipa (&wk, ipa, &t, &f);
  if (ok)
    *out = t;
  else
    _hs_mmu_fault_to_error (&wk, &f, error);
  _hs_mmu_fault_clear (&f);
  _hs_mmu_walker_clear (&wk);
  return ok;
}
