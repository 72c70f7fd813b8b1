/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-core.h: one physical core of the target, as the engine last saw it.
 *
 * A core's registers are a snapshot taken at each halt; the previous
 * snapshot is kept so views can show what changed.
 */
#pragma once

#include <glib-object.h>

#include "hs-probe.h"

G_BEGIN_DECLS

typedef enum
{
  HS_CORE_STATE_UNKNOWN,
  HS_CORE_STATE_RUNNING,
  HS_CORE_STATE_HALTED,
} HsCoreState;

#define HS_TYPE_CORE (hs_core_get_type ())
G_DECLARE_FINAL_TYPE (HsCore, hs_core, HS, CORE, GObject)

guint        hs_core_get_index               (HsCore      *self);
HsCoreState  hs_core_get_state               (HsCore      *self);
const char  *hs_core_state_to_string         (HsCoreState  state);
/* -1 while unknown (running, or never halted). */
int          hs_core_get_exception_level     (HsCore      *self);
gboolean     hs_core_get_pc                  (HsCore      *self,
                                              guint64     *pc);
#ifndef __GI_SCANNER__  /* engine types */
HsStopReason hs_core_get_stop_reason         (HsCore      *self);
#endif
guint        hs_core_get_n_registers         (HsCore      *self);
gboolean     hs_core_get_register            (HsCore      *self,
                                              guint        index,
                                              guint64     *value);
gboolean     hs_core_get_register_by_name    (HsCore      *self,
                                              const char  *name,
                                              guint64     *value);
gboolean     hs_core_register_changed        (HsCore      *self,
                                              guint        index);
char        *hs_core_describe                (HsCore      *self);
char        *hs_core_describe_exception_level (HsCore     *self);


#ifndef __GI_SCANNER__
/* Not introspected: engine-only API and types. */
/* For the engine, which owns these objects (main thread): the views only read them. */
HsCore *hs_core_new              (guint         index,
                                  GPtrArray    *register_infos);
void    hs_core_set_state        (HsCore       *self,
                                  HsCoreState   state);
/* Takes a new snapshot; @values/@valid are indexed like the register infos. */
void    hs_core_set_snapshot     (HsCore       *self,
                                  const guint64 *values,
                                  const gboolean *valid,
                                  HsStopReason  reason);
/* Adds registers this halt's snapshot did not read, leaving the change marks alone. */
void    hs_core_fill_registers   (HsCore        *self,
                                  const guint64 *values,
                                  const gboolean *valid);
void    hs_core_set_register     (HsCore        *self,
                                  guint          index,
                                  guint64        value);
gint    hs_core_lookup_register  (HsCore       *self,
                                  const char   *name);

#endif /* __GI_SCANNER__ */

G_END_DECLS

#include "hs-model-enums.h"
