/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-source.c: addresses to source lines and back, in a machine's
 * symbols, and where those sources are on this computer.
 */
#include "config.h"

#include "hs-engine-private.h"

#include <string.h>

HsSourcePathMap *
hs_engine_get_source_path_map (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_symbol_scope_get_source_paths (self->symbols);
}

gboolean
hs_engine_lookup_line (HsEngine  *self,
                       guint      machine,
                       guint64    space,
                       guint64    address,
                       char     **file,
                       guint     *line)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return hs_symbol_scope_lookup_line (self->symbols, machine, space, address, file, line);
}

gboolean
hs_engine_lookup_function_line (HsEngine    *self,
                                guint        machine,
                                guint64      space,
                                const char  *name,
                                char       **file,
                                guint       *line)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return hs_symbol_scope_lookup_function_line (self->symbols, machine, space, name, file,
                                               line);
}

gboolean
hs_engine_line_to_address (HsEngine    *self,
                           guint        machine,
                           const char  *file,
                           guint        line,
                           guint64     *address,
                           guint       *actual_line,
                           GError     **error)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return hs_symbol_scope_line_to_address (self->symbols, machine, file, line, address,
                                          actual_line, error);
}

GStrv
hs_engine_complete_function (HsEngine   *self,
                             guint       machine,
                             const char *prefix,
                             guint       max)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return hs_symbol_scope_complete_function (self->symbols, machine, prefix, max);
}

/* ---- the same, off the main thread: the symbol scope's, whose task it is ---------------- */

void
hs_engine_lookup_line_async (HsEngine            *self,
                             guint                machine,
                             guint64              space,
                             guint64              address,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  hs_symbol_scope_lookup_line_async (self->symbols, machine, space, address, cancellable,
                                     callback, user_data);
}

gboolean
hs_engine_lookup_line_finish (HsEngine      *self,
                              GAsyncResult  *result,
                              char         **file,
                              guint         *line,
                              GError       **error)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return hs_symbol_scope_lookup_line_finish (self->symbols, result, file, line, error);
}

void
hs_engine_line_to_address_async (HsEngine            *self,
                                 guint                machine,
                                 const char          *file,
                                 guint                line,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (HS_IS_ENGINE (self));
  hs_symbol_scope_line_to_address_async (self->symbols, machine, file, line, cancellable,
                                         callback, user_data);
}

gboolean
hs_engine_line_to_address_finish (HsEngine      *self,
                                  GAsyncResult  *result,
                                  guint64       *address,
                                  guint         *actual_line,
                                  GError       **error)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return hs_symbol_scope_line_to_address_finish (self->symbols, result, address, actual_line,
                                                 error);
}
