/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-vcpu.h: one virtual CPU of a guest machine, as Xen last described it.
 *
 * vCPUs are stable objects: a machine keeps the same HsVcpu for the same
 * vCPU from halt to halt (hs_machine_get_vcpus()), and only what changed
 * is notified.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HS_TYPE_VCPU (hs_vcpu_get_type ())
G_DECLARE_FINAL_TYPE (HsVcpu, hs_vcpu, HS, VCPU, GObject)

guint        hs_vcpu_get_machine    (HsVcpu  *self);
guint        hs_vcpu_get_id         (HsVcpu  *self);
/* As MACHINE.List words it: "running", "runnable", "blocked", "paused"; "unknown" before a
 * halt read it. */
const char  *hs_vcpu_get_state_text (HsVcpu  *self);
/* The physical CPU it runs on or last ran on; -1 while unknown. */
gint         hs_vcpu_get_pcpu       (HsVcpu  *self);
/* The guest's pc: live when a halted core runs it, else as Xen saved it; FALSE if unknown. */
gboolean     hs_vcpu_get_pc         (HsVcpu  *self,
                                     guint64 *pc);
gboolean     hs_vcpu_is_pc_live     (HsVcpu  *self);
/* The halted core running it, or -1. */
gint         hs_vcpu_get_core       (HsVcpu  *self);
/* The name of the task current on it, when the engine read the guest's tasks; else NULL. */
const char  *hs_vcpu_get_task_name  (HsVcpu  *self);


#ifndef __GI_SCANNER__
/* Not introspected: engine-only API and types. */
/* For the engine, which owns these objects (main thread): the views only read them. */
/* A vCPU as one halt saw it; the strings are borrowed. */
typedef struct
{
  guint id;
  const char *state;             /* NULL: "unknown" */
  gint pcpu;                     /* -1 if unknown */
  gboolean has_pc;
  gboolean pc_live;
  guint64 pc;
  gint core;                     /* -1 if no halted core runs it */
  const char *task_name;         /* NULL if unknown */
} HsVcpuRecord;

HsVcpu  *hs_vcpu_new    (guint               machine,
                         const HsVcpuRecord *record);
/* Takes the new facts (not the id); returns whether anything changed. */
gboolean hs_vcpu_update (HsVcpu             *self,
                         const HsVcpuRecord *record);

#endif /* __GI_SCANNER__ */

G_END_DECLS
