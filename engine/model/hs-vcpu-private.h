/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hs-vcpu.h"

G_BEGIN_DECLS

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

G_END_DECLS
