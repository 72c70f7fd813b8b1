/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-mmu-private.h: the walker, shared by the translation (hs-mmu.c), the
 * listing (hs-mmu-list.c) and the attributes (hs-mmu-attrs.c). Pure code:
 * no threads, no state outside the caller's Walker.
 */
#pragma once

#include "hs-mmu.h"

G_BEGIN_DECLS

#define X64 "0x%" G_GINT64_MODIFIER "x"
#define BIT(v, n) ((guint) (((v) >> (n)) & 1))
#define FIELD(v, hi, lo) ((guint) (((v) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1)))

#define MAX_GRANULE (64 * 1024)

/* Internal fault code next to HsMmuError: a listing ran out of its read budget. */
#define FAULT_LIMIT 100

/* Stage-2 faults that did not happen while walking stage-1 tables. */
#define S1_WALK_NONE   (-2)
#define S1_WALK_OUTPUT (-1)

static inline guint64
low_mask (guint bits)
{
  return bits >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << bits) - 1;
}

/* One stage of translation, decoded from the registers for one walk. */
typedef struct
{
  guint stage;           /* 1 or 2 */
  guint gshift;          /* granule: 12, 14 or 16 */
  guint stride;          /* gshift - 3: index bits per level */
  guint start_level;
  guint start_bits;      /* index bits at the start level (beyond stride: concatenated tables) */
  guint in_bits;         /* input address size */
  guint oa_bits;         /* output address size */
  gboolean oa52;         /* 64 KiB granule, 52-bit output: descriptor [15:12] is OA[51:48] */
  guint64 base;          /* start-level table: an IPA for stage 1 under stage 2 */
  gboolean base_too_big; /* the TTBR's base address is beyond oa_bits */
  gboolean hierarchical; /* stage 1 with HPD clear: APTable/XNTable/PXNTable apply */
  gboolean el2;          /* the EL2 regime: one privilege level */
  gboolean ttbr1;
  guint asid, vmid;
  const char *oa_what;   /* "physical address size" or "intermediate physical address size" */
  char ps_text[80];      /* "TCR_EL1.IPS=2", for messages */
  const char *base_name; /* "TTBR1_EL1" */
} Stage;

typedef struct
{
  guint level;
  guint size_bits;       /* log2 of the page or block size */
  guint64 desc;
  guint64 out;           /* the output address for the walked input */
  guint aptable;         /* accumulated APTable bits */
  gboolean xntable, pxntable;
} Leaf;

typedef struct
{
  int code;              /* HsMmuError or FAULT_LIMIT */
  guint stage, level;
  guint64 address;       /* the faulting stage's input address */
  gboolean has_desc;
  guint64 desc;
  int s1_walk_level;     /* for stage-2 faults: the stage-1 level being read, or S1_WALK_* */
  guint64 skip_to;       /* for listings: the first input address after the unmapped hole */
  gboolean skip_wraps;   /* ...which runs to the top of the address space */
  gboolean outside;      /* a VA outside every range: resume a listing at outside_next */
  gboolean outside_last; /* ...or nowhere, when nothing follows */
  guint64 outside_next;
  guint64 read_pa, read_ipa;
  gboolean read_via_s2;
  char *why;             /* owned; the whole message for HS_MMU_ERROR_CONFIG */
  GError *read_error;    /* owned; for HS_MMU_ERROR_READ */
} Fault;

typedef struct
{
  gboolean valid;
  guint64 addr;
  gsize len;
  guint8 *buf;
} Chunk;

typedef struct
{
  const HsMmuContext *ctx;
  HsMmuReadFunc read;
  gpointer read_data;
  gboolean have_s2;      /* stage 2 applies */
  Stage s2;
  gboolean s2_only;      /* the input is an IPA */
  guint64 va;            /* the VA being translated, for messages */
  gboolean cached;       /* listing: read table chunks once and keep them */
  guint64 bytes_left;           /* of table reads: a listing's budget */
  Chunk cache[2][4];
} Walker;


void     _hs_mmu_fault_clear    (Fault              *f);
guint    _hs_mmu_pa_limit_bits  (const HsMmuContext *ctx);
gboolean _hs_mmu_translate_va   (Walker             *wk,
                                 guint64             va,
                                 gboolean            use_tbi,
                                 HsMmuTranslation   *out,
                                 Fault              *f);
gboolean _hs_mmu_translate_ipa  (Walker             *wk,
                                 guint64             ipa,
                                 HsMmuTranslation   *out,
                                 Fault              *f);
gboolean _hs_mmu_walker_init    (Walker             *wk,
                                 const HsMmuContext *ctx,
                                 gboolean            s2_only,
                                 HsMmuReadFunc       read,
                                 gpointer            read_data,
                                 Fault              *f);
void     _hs_mmu_walker_clear   (Walker             *wk);
void     _hs_mmu_fault_to_error (const Walker       *wk,
                                 Fault              *f,
                                 GError            **error);

G_END_DECLS
