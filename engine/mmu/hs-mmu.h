/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-mmu.h: Armv8-A VMSAv8-64 address translation (ARM DDI 0487, chapter D8), as pure functions.
 *
 * Stage 1 (EL1&0 with TTBR0/TTBR1, or EL2 with TTBR0_EL2 and no E2H), stage 2 (VTTBR_EL2 +
 * VTCR_EL2, concatenated start-level tables) and the combined walk, over a "read physical memory"
 * callback. Nothing here does I/O of its own or keeps state between calls: a cache of guest memory
 * belongs to the caller's read function.
 *
 * Guest page tables are untrusted data. Every walk is bounded (at most 4 levels per stage; with
 * stage 2 on, at most 4 stage-2 walks for the stage-1 tables plus 1 for the output, so a
 * translation reads at most 24 descriptors), every descriptor is checked, and an address beyond
 * the configured output size is an address size fault, never a crash or a loop.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HS_MMU_ERROR (hs_mmu_error_quark ())

typedef enum
{
  HS_MMU_ERROR_TRANSLATION = 1, /* a translation fault: nothing is mapped there */
  HS_MMU_ERROR_ADDRESS_SIZE,    /* an address beyond the configured PA/IPA size */
  HS_MMU_ERROR_READ,            /* the read callback failed for a table */
  HS_MMU_ERROR_CONFIG,          /* the registers describe something invalid or unsupported */
} HsMmuError;

GQuark hs_mmu_error_quark (void);

/* Reads @len bytes of physical memory at @pa into @buf; fails (with @error set) when it cannot. */
typedef gboolean (*HsMmuReadFunc) (guint64   pa,
                                   void     *buf,
                                   gsize     len,
                                   gpointer  user_data,
                                   GError  **error);

typedef enum
{
  HS_MMU_REGIME_EL10, /* EL1&0: TTBR0_EL1/TTBR1_EL1 + TCR_EL1, optionally stage 2 */
  HS_MMU_REGIME_EL2,  /* EL2 without E2H: TTBR0_EL2 + TCR_EL2, one VA range, never stage 2 */
} HsMmuRegime;

/* Raw register values; see the hs_mmu_context_set_*() helpers for which bits come from where. */
typedef struct
{
  HsMmuRegime regime;
  gboolean stage1;       /* SCTLR_ELx.M */
  guint64 ttbr0, ttbr1;  /* raw TTBRn: ASID [63:48], BADDR below (CnP, bit 0, ignored) */
  guint64 tcr;           /* raw TCR_EL1, or TCR_EL2 for HS_MMU_REGIME_EL2 */
  guint64 mair;          /* raw MAIR_ELx, used to name memory types when has_mair */
  gboolean has_mair;
  gboolean stage2;       /* HCR_EL2.VM (and not TGE): EL1&0 tables and outputs are IPAs */
  guint64 vttbr;         /* raw VTTBR_EL2: VMID [63:48] (8 or 16 bits per VTCR_EL2.VS), BADDR */
  guint64 vtcr;          /* raw VTCR_EL2 */
  guint pa_range_bits;   /* implemented PA size (ID_AA64MMFR0_EL1.PARange) in bits, 32..52;
                          * 0 = unknown: IPS/PS are trusted as they are */
} HsMmuContext;

typedef enum
{
  HS_MMU_PERM_READ = 1 << 0,
  HS_MMU_PERM_WRITE = 1 << 1,
  HS_MMU_PERM_EXEC = 1 << 2,
} HsMmuPerm;

typedef struct
{
  guint64 input;         /* the VA (or the IPA for stage 2 alone); a mapping's first address */
  guint64 ipa;           /* stage-1 output (== input when stage 1 is off) */
  guint64 pa;            /* final output */
  guint64 size;          /* bytes around @input translated alike: the smaller of s1_size and
                          * s2_size that is not 0 (0 when both stages are off); for a listed
                          * mapping, its length */
  guint64 s1_size;       /* page or block size at each stage; 0 = that stage is off */
  guint64 s2_size;
  guint s1_level, s2_level;
  guint64 s1_desc, s2_desc; /* the leaf descriptors */
  HsMmuRegime regime;

  /* Effective permissions, both stages and hierarchical table bits applied (HsMmuPerm). */
  guint perm_el1;        /* EL1, or EL2 in HS_MMU_REGIME_EL2 */
  guint perm_el0;        /* EL0; 0 in HS_MMU_REGIME_EL2 */

  gboolean ttbr1;        /* stage 1 used TTBR1 */
  guint asid;            /* from the TTBR that TCR_EL1.A1 selects (8 or 16 bits per TCR.AS) */
  guint vmid;            /* from VTTBR_EL2, when stage 2 is on */

  /* Stage-1 attributes (leaf descriptor). */
  guint s1_attr_index;   /* AttrIndx[2:0] */
  gboolean s1_has_mair_attr;
  guint8 s1_mair_attr;   /* MAIR byte for AttrIndx, when the context has_mair */
  guint s1_sh;           /* SH[1:0]: 0 non-, 2 outer, 3 inner shareable */
  gboolean s1_af;        /* access flag (reported, never a fault here) */
  gboolean ng;           /* not global: the mapping belongs to @asid */
  gboolean contiguous;   /* the contiguous hint, at either stage */

  /* Stage-2 attributes (leaf descriptor). */
  guint s2_memattr;      /* MemAttr[3:0] */
  guint s2_sh;
  gboolean s2_af;
} HsMmuTranslation;

typedef enum
{
  HS_MMU_LIST_NONE = 0,
  /* Merge runs of mappings contiguous in input, IPA and PA with identical permissions and
   * attributes into one (its descriptors, levels and s1/s2 sizes are the first one's). */
  HS_MMU_LIST_MERGE = 1 << 0,
  /* List stage 2 alone (the IPA space, as hs_mmu_stage2() translates it). */
  HS_MMU_LIST_STAGE2 = 1 << 1,
} HsMmuListFlags;

/* Called once per mapping, in ascending input order; return FALSE to stop the listing. */
typedef gboolean (*HsMmuMappingFunc) (const HsMmuTranslation *mapping,
                                      gpointer                user_data);

/* The bounds of one hs_mmu_list() call against hostile tables; see there. Bytes, not reads: a
 * read of a 64 KiB granule's table costs sixteen of a 4 KiB one's. */
#define HS_MMU_LIST_BYTES_BASE      (2u << 20)
#define HS_MMU_LIST_BYTES_PER_ENTRY (16u << 10)
#define HS_MMU_LIST_STEPS_BASE      1024
#define HS_MMU_LIST_STEPS_PER_ENTRY 64

void     hs_mmu_context_set_el1    (HsMmuContext *ctx,
                                    guint64       sctlr_el1,
                                    guint64       tcr_el1,
                                    guint64       ttbr0_el1,
                                    guint64       ttbr1_el1,
                                    guint64       mair_el1);
void     hs_mmu_context_set_el2    (HsMmuContext *ctx,
                                    guint64       sctlr_el2,
                                    guint64       tcr_el2,
                                    guint64       ttbr0_el2,
                                    guint64       mair_el2);
void     hs_mmu_context_set_stage2 (HsMmuContext *ctx,
                                    guint64       hcr_el2,
                                    guint64       vtcr_el2,
                                    guint64       vttbr_el2);

gboolean hs_mmu_translate          (const HsMmuContext *ctx,
                                    guint64             va,
                                    HsMmuReadFunc       read,
                                    gpointer            read_data,
                                    HsMmuTranslation   *out,
                                    GError            **error);
gboolean hs_mmu_stage2             (const HsMmuContext *ctx,
                                    guint64             ipa,
                                    HsMmuReadFunc       read,
                                    gpointer            read_data,
                                    HsMmuTranslation   *out,
                                    GError            **error);
gboolean hs_mmu_list               (const HsMmuContext *ctx,
                                    guint64             start,
                                    guint64             end,
                                    HsMmuListFlags      flags,
                                    guint               max_entries,
                                    HsMmuMappingFunc    func,
                                    gpointer            user_data,
                                    HsMmuReadFunc       read,
                                    gpointer            read_data,
                                    guint64            *out_next,
                                    GError            **error);

char    *hs_mmu_format_attributes  (const HsMmuTranslation *t);

G_END_DECLS
