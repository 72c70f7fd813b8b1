/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-mmu-attrs.c: a translation context from the registers, and a
 * mapping's attributes in words.
 */
#define G_LOG_DOMAIN "hs-mmu"

#include "config.h"

#include "hs-mmu-private.h"

/**
 * hs_mmu_context_set_el1:
 *
 * Sets the EL1&0 stage-1 part of @ctx (SCTLR_EL1.M, TCR_EL1, TTBR0/1_EL1, MAIR_EL1), leaving the
 * stage-2 part as it is. A @mair_el1 of 0 means "not known" (no OS runs with every memory type
 * Device-nGnRnE): attributes then show AttrIndx instead of a memory type.
 */
void
hs_mmu_context_set_el1 (HsMmuContext *ctx,
                        guint64       sctlr_el1,
                        guint64       tcr_el1,
                        guint64       ttbr0_el1,
                        guint64       ttbr1_el1,
                        guint64       mair_el1)
{
  g_return_if_fail (ctx != NULL);

  ctx->regime = HS_MMU_REGIME_EL10;
  ctx->stage1 = BIT (sctlr_el1, 0);
  ctx->tcr = tcr_el1;
  ctx->ttbr0 = ttbr0_el1;
  ctx->ttbr1 = ttbr1_el1;
  ctx->mair = mair_el1;
  ctx->has_mair = mair_el1 != 0;
}

/**
 * hs_mmu_context_set_el2:
 *
 * Sets @ctx to the EL2 regime without E2H (SCTLR_EL2.M, TCR_EL2, TTBR0_EL2, MAIR_EL2); stage 2
 * never applies to it. A @mair_el2 of 0 means "not known", as for hs_mmu_context_set_el1().
 */
void
hs_mmu_context_set_el2 (HsMmuContext *ctx,
                        guint64       sctlr_el2,
                        guint64       tcr_el2,
                        guint64       ttbr0_el2,
                        guint64       mair_el2)
{
  g_return_if_fail (ctx != NULL);

  ctx->regime = HS_MMU_REGIME_EL2;
  ctx->stage1 = BIT (sctlr_el2, 0);
  ctx->tcr = tcr_el2;
  ctx->ttbr0 = ttbr0_el2;
  ctx->ttbr1 = 0;
  ctx->mair = mair_el2;
  ctx->has_mair = mair_el2 != 0;
  ctx->stage2 = FALSE;
}

/**
 * hs_mmu_context_set_stage2:
 *
 * Sets the stage-2 part of @ctx: stage 2 is on when HCR_EL2.VM (bit 0) is set and HCR_EL2.TGE
 * (bit 27) is clear.
 */
void
hs_mmu_context_set_stage2 (HsMmuContext *ctx,
                           guint64       hcr_el2,
                           guint64       vtcr_el2,
                           guint64       vttbr_el2)
{
  g_return_if_fail (ctx != NULL);

  ctx->stage2 = BIT (hcr_el2, 0) && !BIT (hcr_el2, 27);
  ctx->vtcr = vtcr_el2;
  ctx->vttbr = vttbr_el2;
}

typedef struct
{
  gboolean device;
  guint dev;             /* 0 nGnRnE, 1 nGnRE, 2 nGRE, 3 GRE */
  guint inner, outer;    /* 0 non-cacheable, 1 write-through, 2 write-back */
} MemType;

/* A MAIR cacheability nibble: 0b0100 NC, 0b00RW WT transient, 0b01RW WB transient, 0b10RW WT,
 * 0b11RW WB. */
static guint
mair_cacheability (guint n)
{
  if (n == 4 || n == 0)
    return 0;
  return (n >> 2) == 0 || (n >> 2) == 2 ? 1 : 2;
}

static void
mem_from_mair (guint8   attr,
               MemType *m)
{
  memset (m, 0, sizeof *m);
  if ((attr & 0xf0) == 0)
    {
      m->device = TRUE;
      m->dev = (attr >> 2) & 3;
      return;
    }
  m->outer = mair_cacheability (attr >> 4);
  m->inner = mair_cacheability (attr & 0xf);
}

/* Stage-2 MemAttr[3:2] outer (00 Device, 01 NC, 10 WT, 11 WB), [1:0] inner or Device type. */
static void
mem_from_s2 (guint    memattr,
             MemType *m)
{
  static const guint cache[4] = { 0, 0, 1, 2 };

  memset (m, 0, sizeof *m);
  if ((memattr >> 2) == 0)
    {
      m->device = TRUE;
      m->dev = memattr & 3;
      return;
    }
  m->outer = cache[memattr >> 2];
  m->inner = cache[memattr & 3];
}

/* The stronger of the two (no FEAT_S2FWB): Device wins, then the weaker cacheability. */
static void
mem_combine (MemType       *a,
             const MemType *b)
{
  if (a->device || b->device)
    {
      guint dev = 3;

      if (a->device)
        dev = MIN (dev, a->dev);
      if (b->device)
        dev = MIN (dev, b->dev);
      a->device = TRUE;
      a->dev = dev;
      return;
    }
  a->inner = MIN (a->inner, b->inner);
  a->outer = MIN (a->outer, b->outer);
}

static void
mem_append (GString       *s,
            const MemType *m)
{
  static const char *dev[4] = { "nGnRnE", "nGnRE", "nGRE", "GRE" };
  static const char *cache[3] = { "NC", "WT", "WB" };

  if (m->device)
    g_string_append_printf (s, "Device-%s", dev[m->dev]);
  else if (m->inner == m->outer)
    g_string_append_printf (s, "Normal %s", cache[m->inner]);
  else
    g_string_append_printf (s, "Normal inner-%s outer-%s", cache[m->inner], cache[m->outer]);
}

static void
perm_append (GString    *s,
             guint       perm,
             const char *el)
{
  g_string_append_printf (s, "%c%c%c %s", (perm & HS_MMU_PERM_READ) ? 'R' : '-',
                          (perm & HS_MMU_PERM_WRITE) ? 'W' : '-',
                          (perm & HS_MMU_PERM_EXEC) ? 'X' : '-', el);
}

/* SH: 0 non, 1 reserved, 2 outer, 3 inner; ranked non < inner < outer. */
static guint
sh_rank (guint sh)
{
  return sh == 2 ? 2 : sh == 3 ? 1 : 0;
}

/**
 * hs_mmu_format_attributes:
 * @t: a translation or listed mapping
 *
 * Returns: (transfer full): the permissions and attributes in words, e.g.
 *   "RW- EL1, --- EL0, Normal WB, inner-shareable, AF, nG (ASID 5)"; both stages combined.
 */
char *
hs_mmu_format_attributes (const HsMmuTranslation *t)
{
  static const char *sh_names[3] = { "non-shareable", "inner-shareable", "outer-shareable" };
  GString *s;
  MemType m = { 0 }, m2;
  gboolean have_type = FALSE;
  guint sh = 0;

  g_return_val_if_fail (t != NULL, NULL);

  s = g_string_new (NULL);
  if (t->regime == HS_MMU_REGIME_EL2)
    perm_append (s, t->perm_el1, "EL2");
  else
    {
      perm_append (s, t->perm_el1, "EL1");
      g_string_append (s, ", ");
      perm_append (s, t->perm_el0, "EL0");
    }

  if (t->s1_size != 0)
    {
      sh = sh_rank (t->s1_sh);
      if (t->s1_has_mair_attr)
        {
          mem_from_mair (t->s1_mair_attr, &m);
          have_type = TRUE;
        }
      else
        g_string_append_printf (s, ", AttrIndx %u", t->s1_attr_index);
    }
  else if (t->s2_size == 0)
    g_string_append (s, ", untranslated");
  else
    g_string_append (s, ", stage 1 off");

  if (t->s2_size != 0)
    {
      mem_from_s2 (t->s2_memattr, &m2);
      sh = MAX (sh, sh_rank (t->s2_sh));
      if (have_type)
        mem_combine (&m, &m2);
      else if (t->s1_size == 0)
        {
          m = m2;
          have_type = TRUE;
        }
      else
        {
          g_string_append (s, ", stage 2 ");
          mem_append (s, &m2);
        }
    }

  if (have_type)
    {
      g_string_append (s, ", ");
      mem_append (s, &m);
      /* Device and non-cacheable Normal memory are always outer shareable. */
      if (m.device || (m.inner == 0 && m.outer == 0))
        sh = 2;
    }
  if (t->s1_size != 0 || t->s2_size != 0)
    g_string_append_printf (s, ", %s", sh_names[sh]);

  if ((t->s1_size != 0 && !t->s1_af) || (t->s2_size != 0 && !t->s2_af))
    g_string_append_printf (s, ", AF=0 at stage %s",
                            (t->s1_size != 0 && !t->s1_af) ? (t->s2_size != 0 && !t->s2_af ?
                                                              "1 and 2" : "1") : "2");
  else if (t->s1_size != 0 || t->s2_size != 0)
    g_string_append (s, ", AF");
  if (t->s1_size != 0 && t->ng)
    g_string_append_printf (s, ", nG (ASID %u)", t->asid);
  if (t->contiguous)
    g_string_append (s, ", contiguous");

  return g_string_free (s, FALSE);
}
