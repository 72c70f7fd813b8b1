/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-task.h: one task (process or thread) of one guest's Linux.
 *
 * Tasks are stable objects: the same task keeps its object from halt to
 * halt (matched by machine and task_struct address), and only what changed
 * is notified.
 */
#pragma once

#include <glib-object.h>

#include "hs-linux.h"

G_BEGIN_DECLS

#define HS_TYPE_TASK (hs_task_get_type ())
G_DECLARE_FINAL_TYPE (HsTask, hs_task, HS, TASK, GObject)

guint        hs_task_get_machine        (HsTask *self);
guint64      hs_task_get_address        (HsTask *self);
gint         hs_task_get_pid            (HsTask *self);
gint         hs_task_get_tgid           (HsTask *self);
gint         hs_task_get_ppid           (HsTask *self);
/* The address-space id: the tgid of a user process, 0 for the kernel and its threads. */
guint64      hs_task_get_space          (HsTask *self);
const char  *hs_task_get_name           (HsTask *self);
/* "R (running)", "S (sleeping)", "D (disk sleep)", ... as ps spells them. */
const char  *hs_task_get_state_text     (HsTask *self);
gboolean     hs_task_is_kernel_thread   (HsTask *self);
gboolean     hs_task_is_thread          (HsTask *self);
gint         hs_task_get_cpu            (HsTask *self);
/* The vCPU it is current on, or -1; the halted core running that vCPU, or -1. */
gint         hs_task_get_current_vcpu   (HsTask *self);
gint         hs_task_get_core           (HsTask *self);
gboolean     hs_task_is_corrupt         (HsTask *self);
const char  *hs_task_get_corrupt_reason (HsTask *self);


#ifndef __GI_SCANNER__
/* Not introspected: engine-only API and types. */
/* For the engine, which owns these objects (main thread): the views only read them. */
/* A task as one halt saw it, read on the worker thread. */
typedef struct
{
  guint machine;
  HsLinuxTask info;              /* its corrupt_reason is owned */
  gint current_vcpu;             /* -1 unless it is current on a vCPU */
  gint core;                     /* the halted core running it, or -1 */
} HsTaskRecord;

void     hs_task_record_clear (gpointer record);

HsTask  *hs_task_new          (const HsTaskRecord *record);
/* Takes the new facts; returns whether anything changed. */
gboolean hs_task_update       (HsTask             *self,
                               const HsTaskRecord *record);
const HsTaskRecord *hs_task_get_record (HsTask    *self);

#endif /* __GI_SCANNER__ */

G_END_DECLS
