/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hs-task.h"
#include "hs-linux.h"

G_BEGIN_DECLS

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

G_END_DECLS
