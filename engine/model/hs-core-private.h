/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "hs-core.h"

G_BEGIN_DECLS

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

G_END_DECLS
