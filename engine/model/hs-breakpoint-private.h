/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hs-breakpoint.h"

G_BEGIN_DECLS

HsBreakpoint *hs_breakpoint_new               (guint             id,
                                               const HsAddress  *address,
                                               const char       *location,
                                               const char       *symbol,
                                               HsBreakpointType  kind,
                                               gint              machine_scope,
                                               gint              task_pid,
                                               const char       *task_name);
void          hs_breakpoint_add_hits          (HsBreakpoint     *self,
                                               guint             hits,
                                               guint             filtered);

void          hs_breakpoint_add_passes        (HsBreakpoint     *self,
                                               guint             passes,
                                               gboolean          stopped);

G_END_DECLS
