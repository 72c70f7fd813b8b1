/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-xen.h: what Xen knows about its guests, read from its own memory.
 *
 * Offsets come from xen-syms' DWARF by member name, never from numbers
 * written here. Xen's memory is untrusted input like any guest's: the
 * domain list is walked with a bound and cycle detection, and every value
 * is checked before it is believed.
 */
#pragma once

#include <glib.h>

#include "symbols/hs-symbol-file.h"

G_BEGIN_DECLS

#define HS_XEN_MAX_DOMAINS 64
#define HS_XEN_MAX_VCPUS   128

/* Reads Xen's (machine 0's) virtual memory. */
typedef gboolean (*HsXenReadFunc) (guint64    va,
                                   void      *buf,
                                   gsize      len,
                                   gpointer   user_data,
                                   GError   **error);

typedef struct
{
  guint machine;               /* filled in by the engine */
  gint domain_id;
  guint64 domain_va;           /* struct domain * */
  guint vmid;                  /* arch.p2m.vmid */
  guint64 vttbr;               /* arch.p2m.vttbr, VMID included */
  guint n_vcpus;               /* max_vcpus */
  gboolean has_saved_el1;      /* vCPU 0's saved EL1 state below was read */
  guint64 ttbr0;               /* vcpu[0]->arch.ttbr0 */
  guint64 ttbr1;
  guint64 tcr;                 /* arch.ttbcr (TCR_EL1) */
  guint64 sctlr;
  guint64 mair;                /* arch.mair, when Xen saves it */
  gboolean has_mair;
} HsXenDomain;

/* Walks domain_list; @offset is where xen-syms is loaded relative to its link addresses. */
gboolean hs_xen_read_domains (HsSymbolFile   *xen,
                              guint64         offset,
                              HsXenReadFunc   read,
                              gpointer        user_data,
                              GArray         *domains,
                              GError        **error);

G_END_DECLS
