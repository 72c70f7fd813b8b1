/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-tdesc.h: GDB target descriptions (target.xml and the files it includes).
 *
 * The register numbers a stub uses for 'p'/'P' come only from here: QEMU's
 * system registers are numbered in hash order, so nothing may assume a layout.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *name;
  char *feature;   /* e.g. "org.gnu.gdb.aarch64.core" */
  char *group;     /* may be NULL */
  char *type;      /* may be NULL */
  guint regnum;
  guint bitsize;
} HsTdescReg;

typedef struct
{
  char *architecture;
  GArray *regs;    /* of HsTdescReg, in document order */
} HsTdesc;

/*
 * What a description may add up to, over target.xml and everything it includes: the stub
 * writes it, so it is bounded before it becomes allocations (each register becomes a cache
 * entry per core, and a value in every snapshot). QEMU's aarch64 "max" CPU, the largest real
 * one, has about 8 documents, 150 KiB and 700 registers.
 */
#define HS_TDESC_MAX_DOCUMENTS  64
#define HS_TDESC_MAX_BYTES      (2u << 20)
#define HS_TDESC_MAX_REGS       4096
/* SVE's widest vectors; a register is a whole number of bytes. */
#define HS_TDESC_MAX_REG_BITS   2048

/* Returns the text of an included file (e.g. "aarch64-core.xml"), or NULL with @error set. */
typedef char *(*HsTdescFetchFunc) (const char *annex,
                                   gpointer    user_data,
                                   GError    **error);

HsTdesc          *hs_tdesc_parse       (const char       *xml,
                                        HsTdescFetchFunc  fetch,
                                        gpointer          user_data,
                                        GError          **error);
void              hs_tdesc_free        (HsTdesc          *tdesc);
const HsTdescReg *hs_tdesc_lookup      (const HsTdesc    *tdesc,
                                        const char       *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsTdesc, hs_tdesc_free)

G_END_DECLS
