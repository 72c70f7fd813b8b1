/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine.h: the debugger, without a window.
 *
 * The engine owns the probe and does every piece of probe I/O on its own
 * worker thread; results come back on the main context that created it.
 * Views and the command language only talk to the engine.
 */
#pragma once

#include <gio/gio.h>

#include "hs-core.h"
#include "probe/hs-probe.h"

G_BEGIN_DECLS

#define HS_ENGINE_ERROR (hs_engine_error_quark ())

typedef enum
{
  HS_ENGINE_ERROR_FAILED = 1,
  HS_ENGINE_ERROR_NOT_ATTACHED,
  HS_ENGINE_ERROR_RUNNING,
  HS_ENGINE_ERROR_NOT_RUNNING,
  HS_ENGINE_ERROR_BUSY,
  HS_ENGINE_ERROR_STEP_TIMEOUT,
} HsEngineError;

GQuark hs_engine_error_quark (void);

typedef enum
{
  HS_ENGINE_STATE_DETACHED,
  HS_ENGINE_STATE_ATTACHING,
  HS_ENGINE_STATE_RUNNING,
  HS_ENGINE_STATE_HALTED,
} HsEngineState;

const char *hs_engine_state_to_string (HsEngineState state);

#define HS_TYPE_ENGINE (hs_engine_get_type ())
G_DECLARE_FINAL_TYPE (HsEngine, hs_engine, HS, ENGINE, GObject)

HsEngine      *hs_engine_new                  (void);
HsEngineState  hs_engine_get_state            (HsEngine             *self);
HsProbe       *hs_engine_get_probe            (HsEngine             *self);
GListModel    *hs_engine_get_cores            (HsEngine             *self);
HsCore        *hs_engine_get_core             (HsEngine             *self,
                                               guint                 index);
guint          hs_engine_get_n_cores          (HsEngine             *self);
guint          hs_engine_get_current_core     (HsEngine             *self);
void           hs_engine_set_current_core     (HsEngine             *self,
                                               guint                 core);
GPtrArray     *hs_engine_get_register_infos   (HsEngine             *self);
gint           hs_engine_lookup_register      (HsEngine             *self,
                                               const char           *name);
const HsStopEvent *hs_engine_get_last_stop    (HsEngine             *self);
const char    *hs_engine_get_target_name      (HsEngine             *self);

void           hs_engine_attach_async         (HsEngine             *self,
                                               HsProbe              *probe,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_attach_finish        (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
void           hs_engine_detach_async         (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_detach_finish        (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Completes once the target runs. */
void           hs_engine_go_async             (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_go_finish            (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* Completes once the target has halted and its registers are read. */
void           hs_engine_halt_async           (HsEngine             *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_halt_finish          (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* One instruction on one core; the others stay halted. */
void           hs_engine_step_async           (HsEngine             *self,
                                               guint                 core,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean       hs_engine_step_finish          (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);

void           hs_engine_read_physical_async  (HsEngine             *self,
                                               guint64               address,
                                               gsize                 length,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
GBytes        *hs_engine_read_physical_finish (HsEngine             *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
