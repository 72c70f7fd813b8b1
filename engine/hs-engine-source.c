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

/* ---- the same, off the main thread ------------------------------------------------------- */

/* A line lookup may wait for a vmlinux's DWARF to be indexed (seconds): never on the main
 * thread. The scope's lookups are safe from any thread; the request holds its own ref. */
typedef struct
{
  HsSymbolScope *symbols;       /* owned */
  guint machine;
  guint64 space;
  guint64 address;
  char *file;                   /* in: line_to_address; out: lookup_line */
  guint line;                   /* in: line_to_address; out: lookup_line, actual line */
} LineRequest;

static void
line_request_free (LineRequest *req)
{
  g_object_unref (req->symbols);
  g_free (req->file);
  g_free (req);
}

static LineRequest *
line_request_new (HsEngine *self,
                  guint     machine)
{
  LineRequest *req = g_new0 (LineRequest, 1);

  req->symbols = g_object_ref (self->symbols);
  req->machine = machine;
  return req;
}

static void
lookup_line_thread (GTask        *task,
                    gpointer      source,
                    gpointer      data,
                    GCancellable *cancellable)
{
  LineRequest *req = data;

  g_clear_pointer (&req->file, g_free);
  if (!hs_symbol_scope_lookup_line (req->symbols, req->machine, req->space, req->address,
                                    &req->file, &req->line))
    {
      hs_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                                "no source line is known for %u:::0x%" G_GINT64_MODIFIER "x",
                                req->machine, req->address);
      return;
    }
  hs_task_return_boolean (task, TRUE);
}

void
hs_engine_lookup_line_async (HsEngine            *self,
                             guint                machine,
                             guint64              space,
                             guint64              address,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LineRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_lookup_line_async);
  req = line_request_new (self, machine);
  req->space = space;
  req->address = address;
  g_task_set_task_data (task, req, (GDestroyNotify) line_request_free);
  hs_task_run_in_thread (task, lookup_line_thread);
}

gboolean
hs_engine_lookup_line_finish (HsEngine      *self,
                              GAsyncResult  *result,
                              char         **file,
                              guint         *line,
                              GError       **error)
{
  LineRequest *req;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!hs_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  req = g_task_get_task_data (G_TASK (result));
  if (file != NULL)
    *file = g_strdup (req->file);
  if (line != NULL)
    *line = req->line;
  return TRUE;
}

static void
line_to_address_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  LineRequest *req = data;
  GError *error = NULL;
  guint actual = 0;

  if (!hs_symbol_scope_line_to_address (req->symbols, req->machine, req->file, req->line,
                                        &req->address, &actual, &error))
    {
      hs_task_return_error (task, error);
      return;
    }
  req->line = actual;
  hs_task_return_boolean (task, TRUE);
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
  g_autoptr(GTask) task = NULL;
  LineRequest *req;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (file != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_line_to_address_async);
  req = line_request_new (self, machine);
  req->file = g_strdup (file);
  req->line = line;
  g_task_set_task_data (task, req, (GDestroyNotify) line_request_free);
  hs_task_run_in_thread (task, line_to_address_thread);
}

gboolean
hs_engine_line_to_address_finish (HsEngine      *self,
                                  GAsyncResult  *result,
                                  guint64       *address,
                                  guint         *actual_line,
                                  GError       **error)
{
  LineRequest *req;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  if (!hs_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  req = g_task_get_task_data (G_TASK (result));
  if (address != NULL)
    *address = req->address;
  if (actual_line != NULL)
    *actual_line = req->line;
  return TRUE;
}
