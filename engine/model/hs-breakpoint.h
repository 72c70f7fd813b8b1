/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-breakpoint.h: one breakpoint the user set, with the scope it belongs to.
 *
 * QEMU's stub (like a probe's comparators) matches a virtual PC on every core
 * in every translation regime, so a breakpoint is planted at its virtual
 * address and the scope — a machine, a task — is what the engine checks when
 * it fires. The engine plants breakpoints while the target runs and lifts
 * them at every halt, so memory reads never see the stub's break
 * instructions and a resume never re-hits the instruction it starts on.
 */
#pragma once

#include <glib-object.h>

#include "hs-address.h"
#include "hs-probe.h"
#include "hs-task.h"

G_BEGIN_DECLS

#define HS_TYPE_BREAKPOINT (hs_breakpoint_get_type ())
G_DECLARE_FINAL_TYPE (HsBreakpoint, hs_breakpoint, HS, BREAKPOINT, GObject)

/* Its number in Break.List, unique for the session. */
guint              hs_breakpoint_get_id            (HsBreakpoint *self);
#ifndef __GI_SCANNER__  /* engine types */
const HsAddress   *hs_breakpoint_get_address       (HsBreakpoint *self);
#endif
/* As the user wrote it ("2:::do_nanosleep") and as the engine names it ("do_nanosleep+0x0"). */
const char        *hs_breakpoint_get_location      (HsBreakpoint *self);
const char        *hs_breakpoint_get_symbol        (HsBreakpoint *self);
#ifndef __GI_SCANNER__  /* engine types */
HsBreakpointType   hs_breakpoint_get_kind          (HsBreakpoint *self);
#endif
/* -1: any machine. */
gint               hs_breakpoint_get_machine_scope (HsBreakpoint *self);
/* The task it is for, by pid in the scope's machine (-1: not by pid) and by name (NULL: not by
 * name); both unset: any task. A breakpoint set before the tasks were known (a restored
 * session) has only what the user gave. */
gint               hs_breakpoint_get_task_pid      (HsBreakpoint *self);
const char        *hs_breakpoint_get_task_name     (HsBreakpoint *self);
gboolean           hs_breakpoint_get_enabled       (HsBreakpoint *self);
void               hs_breakpoint_set_enabled       (HsBreakpoint *self,
                                                    gboolean      enabled);
/* Stops it caused, and hits outside its scope that the engine stepped past. */
guint              hs_breakpoint_get_hits          (HsBreakpoint *self);
guint              hs_breakpoint_get_filtered_hits (HsBreakpoint *self);
/* /COUNT n: it stops at every n-th pass in its scope (0: every pass); passes so far. */
guint              hs_breakpoint_get_count         (HsBreakpoint *self);
void               hs_breakpoint_set_count         (HsBreakpoint *self,
                                                    guint         count);
guint              hs_breakpoint_get_passes        (HsBreakpoint *self);
/* /CONDition: an expression that must hold at a pass in scope for it to stop, or NULL. */
const char        *hs_breakpoint_get_condition     (HsBreakpoint *self);
void               hs_breakpoint_set_condition     (HsBreakpoint *self,
                                                    const char   *condition);
/* The source line it is on, looked up once off the GUI thread ("line" notifies); NULL and 0
 * until then or when its address has no line. */
const char        *hs_breakpoint_get_file          (HsBreakpoint *self);
guint              hs_breakpoint_get_line          (HsBreakpoint *self);
#ifndef __GI_SCANNER__  /* for the debugger that owns it */
/* Emits ::hit: the debugger's halt came from this breakpoint, in @task (may be NULL). */
void               hs_breakpoint_emit_hit          (HsBreakpoint *self,
                                                    HsTask       *task);
#endif
/* "machine 2, task sleep (pid 91)" or "any machine, any task". */
char              *hs_breakpoint_describe_scope    (HsBreakpoint *self);


#ifndef __GI_SCANNER__
/* Not introspected: engine-only API and types. */
/* For the engine, which owns these objects (main thread): the views only read them. */
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
void          hs_breakpoint_set_source        (HsBreakpoint     *self,
                                               const char       *file,
                                               guint             line);

#endif /* __GI_SCANNER__ */

G_END_DECLS
