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

#include "hs-symbol-file.h"

G_BEGIN_DECLS

#define HS_XEN_MAX_DOMAINS 64
#define HS_XEN_MAX_VCPUS   128
/* The longest one walk of domain_list may take: past it the walk stops, keeping what it read. */
#define HS_XEN_WALK_SECONDS 10

/* Reads Xen's (machine 0's) virtual memory. */
typedef gboolean (*HsXenReadFunc) (guint64    va,
                                   void      *buf,
                                   gsize      len,
                                   gpointer   user_data,
                                   GError   **error);

/* What Xen keeps about one vCPU. */
typedef struct
{
  guint id;                    /* vcpu_id */
  guint64 va;                  /* struct vcpu * */
  gint processor;              /* the pCPU it last ran (or runs) on */
  gboolean running;            /* is_running: on a pCPU right now */
  guint64 pause_flags;         /* VPF_blocked is bit 0 */
  /* The guest's registers as Xen saved them on its last exit (cpu_info->guest_cpu_user_regs):
   * current only while the vCPU is not running. */
  gboolean has_guest_regs;
  guint64 regs_va;             /* where they are: cpu_info->guest_cpu_user_regs, Xen's VA */
  guint64 x[31];               /* x0..x28, fp (x29), lr (x30) */
  guint64 pc, cpsr, sp_el0, sp_el1, elr_el1, spsr_el1;
  /* The guest's EL1 translation state as Xen saved it at its last switch out. */
  guint64 ttbr0, ttbr1, tcr, sctlr;
  gboolean has_vbar;
  guint64 vbar;                /* VBAR_EL1 as Xen saved it at its last switch out */
} HsXenVcpu;

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
  gboolean dying;              /* is_dying != DOMDYING_alive */
  gboolean shut_down;          /* is_shut_down */
  gboolean paused;             /* pause_count or controller_pause_count */
  guint n_vcpu_info;
  HsXenVcpu *vcpus;            /* owned: n_vcpu_info entries */
  char *corrupt;               /* owned: why its record could not be read whole, or NULL */
} HsXenDomain;

/* Frees what a domain owns (its vCPUs); for g_array_set_clear_func(). */
void     hs_xen_domain_clear (gpointer domain);
/* An array of HsXenDomain that frees its domains' vCPUs. */
GArray  *hs_xen_domains_new  (void);
/* A deep copy: the vCPUs are copied too. */
GArray  *hs_xen_domains_copy (GArray *domains);
/* A domain's state in words: "running", "blocked", "paused", "shut down", "dying". */
const char *hs_xen_domain_state (const HsXenDomain *domain);
const char *hs_xen_vcpu_state   (const HsXenVcpu *vcpu);

/* The vCPU each pCPU runs now (per_cpu(curr_vcpu, cpu)), for @n_cpus pCPUs; 0 where unknown. */
gboolean hs_xen_read_current_vcpus (HsSymbolFile   *xen,
                                    guint64         offset,
                                    HsXenReadFunc   read,
                                    gpointer        user_data,
                                    guint           n_cpus,
                                    guint64        *vcpus,
                                    GError        **error);

/* Walks domain_list; @offset is where xen-syms is loaded relative to its link addresses. Fails
 * only when the list cannot be walked at all (symbols, domain_list itself). A domain whose record
 * holds impossible values is kept, marked corrupt; a list that breaks (a loop, an impossible or
 * unreadable link) ends the walk with the domains before it, and *@cut_short says where. */
gboolean hs_xen_read_domains (HsSymbolFile   *xen,
                              guint64         offset,
                              HsXenReadFunc   read,
                              gpointer        user_data,
                              GArray         *domains,
                              char          **cut_short,
                              GError        **error);

/* Sets a field of @v's saved guest registers by cpu_user_regs' member name ("x3", "fp", "lr",
 * "pc", "cpsr", "sp_el0", "sp_el1"); other names change nothing. */
void     hs_xen_vcpu_set_saved (HsXenVcpu  *v,
                                const char *member,
                                guint64     value);

G_END_DECLS
