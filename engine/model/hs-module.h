/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-module.h: one kernel module loaded in a guest, as the guest's module list showed it at the
 * last halt, and whether its symbols are bound.
 *
 * Modules are stable objects: a machine keeps the same HsModule for the same module (its struct
 * module address and name) from halt to halt (hs_machine_get_modules()), and only what changed is
 * notified. Main thread only.
 */
#pragma once

#include <glib-object.h>

#include "hs-linux-modules.h"

G_BEGIN_DECLS

#define HS_TYPE_MODULE (hs_module_get_type ())
G_DECLARE_FINAL_TYPE (HsModule, hs_module, HS, MODULE, GObject)

guint        hs_module_get_machine   (HsModule *self);
const char  *hs_module_get_name      (HsModule *self);
/* "live", "coming", "going", "unformed" */
const char  *hs_module_get_state     (HsModule *self);
guint64      hs_module_get_address   (HsModule *self);   /* struct module * */
/* The module's code, data and init memory: base and size (0, 0 when it has none). */
void         hs_module_get_text      (HsModule *self,
                                      guint64  *base,
                                      guint64  *size);
void         hs_module_get_data      (HsModule *self,
                                      guint64  *base,
                                      guint64  *size);
void         hs_module_get_init      (HsModule *self,
                                      guint64  *base,
                                      guint64  *size);
/* The guest's record: its sections, and what was wrong with it. */
#ifndef __GI_SCANNER__  /* engine types */
const HsLinuxModule *hs_module_get_record (HsModule *self);
#endif
/* The debug file bound to it, or NULL; and, when none is, why ("no dummy.ko in the search
 * path"), or NULL when nobody looked. */
const char  *hs_module_get_symbols      (HsModule *self);
const char  *hs_module_get_symbols_note (HsModule *self);

#ifndef __GI_SCANNER__
/* Not introspected: engine-only API and types. */
/* For the engine, which owns these objects (main thread): the views only read them. */
HsModule *hs_module_new          (guint                machine,
                                  const HsLinuxModule *record);
/* Whether @record is this module (same struct module and name). */
gboolean  hs_module_is           (HsModule            *self,
                                  const HsLinuxModule *record);
/* Takes the new facts; returns whether anything changed. */
gboolean  hs_module_update       (HsModule            *self,
                                  const HsLinuxModule *record);
void      hs_module_set_symbols  (HsModule            *self,
                                  const char          *path,
                                  const char          *note);

#endif /* __GI_SCANNER__ */

G_END_DECLS
