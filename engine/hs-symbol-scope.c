/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-symbol-scope.c: machine bindings and the lookups across them.
 *
 * Owned by:
 *   - under @lock (any thread): @bindings (of HsSymbolBinding, each immutable once made),
 *     @files (path -> HsSymbolFile: one load per file, whoever asks);
 *   - main thread: @indexing (HsSymbolFile being indexed -> GPtrArray of waiting GTasks);
 *   - immutable after construction: @source_paths (it locks itself).
 * Lookups copy the machine's bindings under the lock and search them without it.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-symbol-scope.h"

#include "hs-sync.h"

#include <string.h>

struct _HsSymbolScope
{
  GObject parent_instance;

  HsMutex lock;
  GPtrArray *bindings;
  GHashTable *files;

  GHashTable *indexing;

  HsSourcePathMap *source_paths;
};

G_DEFINE_FINAL_TYPE (HsSymbolScope, hs_symbol_scope, G_TYPE_OBJECT)

enum {
  PROGRESS,
  INDEXED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- bindings --------------------------------------------------------------------------- */

static HsSymbolBinding *
binding_new (HsSymbolFile *file,
             guint         machine,
             guint64       space,
             guint64       offset)
{
  HsSymbolBinding *b = hs_rc_box_new0 (HsSymbolBinding);

  b->file = g_object_ref (file);
  b->machine = machine;
  b->space = space;
  b->offset = offset;
  return b;
}

HsSymbolBinding *
hs_symbol_binding_ref (HsSymbolBinding *binding)
{
  return hs_rc_box_acquire (binding);
}

static void
binding_clear (HsSymbolBinding *binding)
{
  g_clear_object (&binding->file);
  g_clear_pointer (&binding->module, g_free);
}

gboolean
hs_symbol_binding_is_kernel (const HsSymbolBinding *binding)
{
  return binding->space == 0 && binding->module == NULL;
}

void
hs_symbol_binding_unref (HsSymbolBinding *binding)
{
  hs_rc_box_release_full (binding, (GDestroyNotify) binding_clear);
}

G_DEFINE_BOXED_TYPE (HsSymbolBinding, hs_symbol_binding, hs_symbol_binding_ref,
                     hs_symbol_binding_unref)

void
hs_symbol_scope_bind (HsSymbolScope *self,
                      HsSymbolFile  *file,
                      guint          machine,
                      guint64        space,
                      guint64        offset)
{
  HsSymbolBinding *b;

  g_return_if_fail (HS_IS_SYMBOL_SCOPE (self));
  g_return_if_fail (HS_IS_SYMBOL_FILE (file));

  hs_mutex_lock (&self->lock);
  /* Loading a file again for the same machine and space rebinds it. */
  for (guint i = 0; i < self->bindings->len; i++)
    {
      HsSymbolBinding *old = g_ptr_array_index (self->bindings, i);

      if (old->file == file && old->machine == machine && old->space == space
          && old->module == NULL)
        {
          g_ptr_array_remove_index (self->bindings, i);
          break;
        }
    }
  b = binding_new (file, machine, space, offset);
  /* An offset given at load time is the user's relocation. */
  b->user_offset = offset != 0;
  g_ptr_array_add (self->bindings, b);
  hs_mutex_unlock (&self->lock);
}

void
hs_symbol_scope_bind_module (HsSymbolScope *self,
                             HsSymbolFile  *file,
                             guint          machine,
                             const char    *module)
{
  HsSymbolBinding *b;

  g_return_if_fail (HS_IS_SYMBOL_SCOPE (self));
  g_return_if_fail (HS_IS_SYMBOL_FILE (file));
  g_return_if_fail (module != NULL);

  hs_symbol_scope_unbind_module (self, machine, module);
  b = binding_new (file, machine, 0, 0);
  b->module = g_strdup (module);
  hs_mutex_lock (&self->lock);
  g_ptr_array_add (self->bindings, b);
  hs_mutex_unlock (&self->lock);
}

gboolean
hs_symbol_scope_unbind_module (HsSymbolScope *self,
                               guint          machine,
                               const char    *module)
{
  gboolean found = FALSE;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), FALSE);

  hs_mutex_lock (&self->lock);
  for (guint i = 0; i < self->bindings->len && !found; i++)
    {
      HsSymbolBinding *b = g_ptr_array_index (self->bindings, i);

      if (b->machine == machine && g_strcmp0 (b->module, module) == 0)
        {
          g_ptr_array_remove_index (self->bindings, i);
          found = TRUE;
        }
    }
  hs_mutex_unlock (&self->lock);
  return found;
}

gboolean
hs_symbol_scope_set_kernel_offset (HsSymbolScope  *self,
                                   guint           machine,
                                   HsSymbolFile   *file,
                                   guint64         offset,
                                   HsOffsetSource  source)
{
  gboolean changed = FALSE;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), FALSE);

  hs_mutex_lock (&self->lock);
  for (guint i = 0; i < self->bindings->len; i++)
    {
      HsSymbolBinding *b = g_ptr_array_index (self->bindings, i);
      HsSymbolBinding *fresh;
      gboolean user = source == HS_OFFSET_USER;

      if (b->machine != machine || !hs_symbol_binding_is_kernel (b)
          || (file != NULL && b->file != file))
        continue;
      if ((source == HS_OFFSET_DETECTED && b->user_offset)
          || (b->offset == offset && b->user_offset == user
              && b->auto_offset == (source == HS_OFFSET_DETECTED)))
        break;
      /* Bindings are immutable once handed out: replace it, in its place. */
      fresh = binding_new (b->file, machine, 0, offset);
      fresh->auto_offset = source == HS_OFFSET_DETECTED;
      fresh->user_offset = user;
      g_ptr_array_index (self->bindings, i) = fresh;
      hs_symbol_binding_unref (b);
      changed = TRUE;
      break;
    }
  hs_mutex_unlock (&self->lock);
  return changed;
}

/* Returns: (transfer full): @machine's bindings (all spaces), in load order. */
GPtrArray *
hs_symbol_scope_get_bindings (HsSymbolScope *self,
                              guint          machine)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_symbol_binding_unref);

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), out);

  hs_mutex_lock (&self->lock);
  for (guint i = 0; i < self->bindings->len; i++)
    {
      HsSymbolBinding *b = g_ptr_array_index (self->bindings, i);

      if (b->machine == machine)
        g_ptr_array_add (out, hs_symbol_binding_ref (b));
    }
  hs_mutex_unlock (&self->lock);
  return out;
}

HsSymbolFile *
hs_symbol_scope_get_kernel (HsSymbolScope *self,
                            guint          machine,
                            guint64       *offset)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self, machine);

  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);

      if (hs_symbol_binding_is_kernel (b))
        {
          if (offset != NULL)
            *offset = b->offset;
          return g_object_ref (b->file);
        }
    }
  return NULL;
}

gboolean
hs_symbol_scope_has_symbols (HsSymbolScope *self,
                             guint          machine)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self, machine);

  return bindings->len > 0;
}

/* The bindings to search for @space, in order: the process's own file first, then the
 * kernel's (space 0). Returns them in @out. */
static GPtrArray *
search_order (HsSymbolScope *self,
              guint          machine,
              guint64        space)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self, machine);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_symbol_binding_unref);

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < bindings->len; i++)
      {
        HsSymbolBinding *b = g_ptr_array_index (bindings, i);

        if (b->space == (pass == 0 ? space : 0) && !(pass == 1 && space == 0))
          g_ptr_array_add (out, hs_symbol_binding_ref (b));
      }
  return out;
}

gboolean
hs_symbol_scope_lookup_symbol (HsSymbolScope  *self,
                               guint           machine,
                               guint64         space,
                               const char     *name,
                               guint64        *address,
                               GError        **error)
{
  g_autoptr(GPtrArray) order = NULL;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), FALSE);

  order = search_order (self, machine, space);
  for (guint i = 0; i < order->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (order, i);
      HsSymbol sym;

      if (hs_symbol_file_lookup (b->file, name, &sym))
        {
          *address = sym.address + b->offset;
          return TRUE;
        }
    }
  if (!hs_symbol_scope_has_symbols (self, machine))
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                 "unknown name '%s': machine %u has no symbols (Data.LOAD.Elf FILE %u:::0 "
                 "/NoCODE loads them)", name, machine, machine);
  else
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                 "no symbol '%s' in machine %u's symbols", name, machine);
  return FALSE;
}

/* "init_task+0x18", or NULL when no symbol covers @address. */
char *
hs_symbol_scope_symbolize (HsSymbolScope *self,
                           guint          machine,
                           guint64        space,
                           guint64        address)
{
  g_autoptr(GPtrArray) bindings = NULL;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), NULL);

  bindings = hs_symbol_scope_get_bindings (self, machine);
  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);
      HsSymbol sym;
      guint64 offset;

      if ((b->space != space && b->space != 0) || address < b->offset)
        continue;
      if (hs_symbol_file_lookup_address (b->file, address - b->offset, &sym, &offset))
        return offset ? g_strdup_printf ("%s+0x%" G_GINT64_MODIFIER "x", sym.name, offset)
                      : g_strdup (sym.name);
    }
  return NULL;
}

gboolean
hs_symbol_scope_lookup_line (HsSymbolScope  *self,
                             guint           machine,
                             guint64         space,
                             guint64         address,
                             char          **file,
                             guint          *line)
{
  g_autoptr(GPtrArray) order = NULL;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), FALSE);

  order = search_order (self, machine, space);
  for (guint i = 0; i < order->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (order, i);

      if (address >= b->offset
          && hs_symbol_file_address_to_line (b->file, address - b->offset, file, line, NULL))
        return TRUE;
    }
  return FALSE;
}

gboolean
hs_symbol_scope_lookup_function_line (HsSymbolScope  *self,
                                      guint           machine,
                                      guint64         space,
                                      const char     *name,
                                      char          **file,
                                      guint          *line)
{
  g_autoptr(GPtrArray) order = NULL;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), FALSE);

  order = search_order (self, machine, space);
  for (guint i = 0; i < order->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (order, i);
      g_auto(HsSymbolInfo) info = { 0 };

      if (hs_symbol_file_get_function (b->file, name, &info, NULL) && info.decl_file != NULL
          && info.decl_line > 0)
        {
          *file = g_steal_pointer (&info.decl_file);
          *line = info.decl_line;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
hs_symbol_scope_line_to_address (HsSymbolScope  *self,
                                 guint           machine,
                                 const char     *file,
                                 guint           line,
                                 guint64        *address,
                                 guint          *actual_line,
                                 GError        **error)
{
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(GError) first = NULL;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), FALSE);

  bindings = hs_symbol_scope_get_bindings (self, machine);
  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);
      g_autoptr(GError) local_error = NULL;

      if (hs_symbol_file_line_to_address (b->file, file, line, address, actual_line,
                                          &local_error))
        {
          *address += b->offset;
          return TRUE;
        }
      if (first == NULL)
        first = g_steal_pointer (&local_error);
    }
  if (first != NULL)
    g_propagate_error (error, g_steal_pointer (&first));
  else
    g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                 "machine %u has no symbols (Data.LOAD.Elf FILE %u:::0 /NoCODE loads them)",
                 machine, machine);
  return FALSE;
}

GStrv
hs_symbol_scope_complete_function (HsSymbolScope *self,
                                   guint          machine,
                                   const char    *prefix,
                                   guint          max)
{
  g_autoptr(GPtrArray) bindings = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *pattern = NULL;
  guint added = 0;

  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), NULL);

  /* The pattern language's own wildcards are not part of a name being typed. */
  if (prefix == NULL || strpbrk (prefix, "*?") != NULL)
    return g_strv_builder_end (builder);
  pattern = g_strconcat (prefix, "*", NULL);
  bindings = hs_symbol_scope_get_bindings (self, machine);
  for (guint i = 0; i < bindings->len && added < max; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);
      guint n = 0;
      g_autoptr(GArray) found = hs_symbol_file_match (b->file, pattern, max, &n);

      for (guint k = 0; found && k < found->len && added < max; k++)
        {
          const HsSymbol *sym = &g_array_index (found, HsSymbol, k);

          if (sym->kind == HS_SYMBOL_FUNCTION)
            {
              g_strv_builder_add (builder, sym->name);
              added++;
            }
        }
    }
  return g_strv_builder_end (builder);
}

HsSourcePathMap *
hs_symbol_scope_get_source_paths (HsSymbolScope *self)
{
  g_return_val_if_fail (HS_IS_SYMBOL_SCOPE (self), NULL);
  return self->source_paths;
}

/* ---- loading and indexing (main thread) ------------------------------------------------- */

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  HsSymbolScope *self = source;
  const char *path = data;
  g_autoptr(HsSymbolFile) file = NULL;
  GError *error = NULL;

  hs_mutex_lock (&self->lock);
  file = g_hash_table_lookup (self->files, path);
  if (file)
    g_object_ref (file);
  hs_mutex_unlock (&self->lock);

  if (file == NULL)
    {
      HsSymbolFile *loaded = hs_symbol_file_load (path, &error);

      if (loaded == NULL)
        {
          hs_task_return_error (task, error);
          return;
        }
      /* Two loads of one path at once: the first in keeps its file, the other drops its. */
      hs_mutex_lock (&self->lock);
      file = g_hash_table_lookup (self->files, path);
      if (file == NULL)
        g_hash_table_insert (self->files, g_strdup (path), g_object_ref (loaded));
      file = g_object_ref (file ? file : loaded);
      hs_mutex_unlock (&self->lock);
      g_object_unref (loaded);
    }
  hs_task_return_pointer (task, g_steal_pointer (&file), g_object_unref);
}

static void
index_progress (double      fraction,
                const char *what,
                gpointer    user_data)
{
  g_signal_emit (user_data, signals[PROGRESS], 0, what, fraction);
}

static void
index_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(HsSymbolScope) self = user_data;
  HsSymbolFile *file = HS_SYMBOL_FILE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;
  GPtrArray *waiters = NULL;
  HsSymbolFile *key = NULL;
  gboolean ok = hs_symbol_file_index_finish (file, result, &error);

  if (!ok)
    what = g_strdup_printf ("%s: %s", hs_symbol_file_get_path (file), error->message);
  else
    what = g_strdup_printf ("indexed %s", hs_symbol_file_get_path (file));
  g_signal_emit (self, signals[PROGRESS], 0, what, 1.0);

  g_hash_table_steal_extended (self->indexing, file, (gpointer *) &key, (gpointer *) &waiters);
  g_signal_emit (self, signals[INDEXED], 0, file);
  for (guint i = 0; waiters && i < waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (waiters, i);

      if (ok)
        hs_task_return_boolean (waiter, TRUE);
      else
        hs_task_return_error (waiter, g_error_copy (error));
    }
  g_clear_pointer (&waiters, g_ptr_array_unref);
  g_clear_object (&key);
}

/* Indexing starts once per file; the waiters of a file already being indexed join it. */
static void
ensure_indexing (HsSymbolScope *self,
                 HsSymbolFile  *file)
{
  if (!hs_symbol_file_has_dwarf (file) || hs_symbol_file_is_indexed (file)
      || g_hash_table_contains (self->indexing, file))
    return;
  g_hash_table_insert (self->indexing, g_object_ref (file),
                       g_ptr_array_new_with_free_func (g_object_unref));
  hs_symbol_file_index_async (file, index_progress, self, NULL, index_done,
                              g_object_ref (self));
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  HsSymbolScope *self = HS_SYMBOL_SCOPE (object);
  g_autoptr(GTask) user_task = user_data;
  GError *error = NULL;
  g_autoptr(HsSymbolFile) file = hs_task_propagate_pointer (G_TASK (result), &error);

  if (file == NULL)
    {
      hs_task_return_error (user_task, error);
      return;
    }
  /* Index now, in the background, so the first query does not wait for it. */
  ensure_indexing (self, file);
  hs_task_return_pointer (user_task, g_steal_pointer (&file), g_object_unref);
}

void
hs_symbol_scope_load_async (HsSymbolScope       *self,
                            const char          *path,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) thread = NULL;
  g_autofree char *what = NULL;

  g_return_if_fail (HS_IS_SYMBOL_SCOPE (self));
  g_return_if_fail (path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_symbol_scope_load_async);
  thread = g_task_new (self, cancellable, load_done, g_steal_pointer (&task));
  g_task_set_task_data (thread, g_canonicalize_filename (path, NULL), g_free);
  what = g_strdup_printf ("loading the symbols of %s",
                          (const char *) g_task_get_task_data (thread));
  g_signal_emit (self, signals[PROGRESS], 0, what, 0.0);
  hs_task_run_in_thread (thread, load_thread);
}

HsSymbolFile *
hs_symbol_scope_load_finish (HsSymbolScope  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
hs_symbol_scope_wait_indexed_async (HsSymbolScope       *self,
                                    HsSymbolFile        *file,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *waiters;

  g_return_if_fail (HS_IS_SYMBOL_SCOPE (self));
  g_return_if_fail (HS_IS_SYMBOL_FILE (file));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, hs_symbol_scope_wait_indexed_async);
  if (!hs_symbol_file_has_dwarf (file) || hs_symbol_file_is_indexed (file))
    {
      hs_task_return_boolean (task, TRUE);
      return;
    }
  ensure_indexing (self, file);
  waiters = g_hash_table_lookup (self->indexing, file);
  /* Indexed meanwhile by a lookup in another thread: nothing to wait for. */
  if (waiters == NULL)
    {
      hs_task_return_boolean (task, TRUE);
      return;
    }
  g_ptr_array_add (waiters, g_steal_pointer (&task));
}

gboolean
hs_symbol_scope_wait_indexed_finish (HsSymbolScope  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hs_symbol_scope_finalize (GObject *object)
{
  HsSymbolScope *self = HS_SYMBOL_SCOPE (object);

  g_ptr_array_unref (self->bindings);
  g_hash_table_unref (self->files);
  g_hash_table_unref (self->indexing);
  g_clear_object (&self->source_paths);
  hs_mutex_clear (&self->lock);
  G_OBJECT_CLASS (hs_symbol_scope_parent_class)->finalize (object);
}

static void
hs_symbol_scope_class_init (HsSymbolScopeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_symbol_scope_finalize;

  /**
   * HsSymbolScope::progress:
   * @what: what is being loaded or indexed
   * @fraction: 0 to 1
   */
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
  /**
   * HsSymbolScope::indexed:
   * @file: a file whose DWARF index is now ready (or failed for good)
   */
  signals[INDEXED] =
    g_signal_new ("indexed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, HS_TYPE_SYMBOL_FILE);
}

static void
hs_symbol_scope_init (HsSymbolScope *self)
{
  hs_mutex_init (&self->lock);
  self->bindings = g_ptr_array_new_with_free_func ((GDestroyNotify) hs_symbol_binding_unref);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->indexing = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                          (GDestroyNotify) g_ptr_array_unref);
  self->source_paths = hs_source_path_map_new ();
}

HsSymbolScope *
hs_symbol_scope_new (void)
{
  return g_object_new (HS_TYPE_SYMBOL_SCOPE, NULL);
}

/* ---- lines off the caller's thread ------------------------------------------------------ */

/* A line lookup may wait for a vmlinux's DWARF to be indexed (seconds): for the main thread,
 * in a worker. The request holds its own reference on the scope. */
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
line_request_new (HsSymbolScope *self,
                  guint          machine)
{
  LineRequest *req = g_new0 (LineRequest, 1);

  req->symbols = g_object_ref (self);
  req->machine = machine;
  return req;
}

/* Line lookups wait for an index being built (seconds): their own few threads, so that a
 * session's many breakpoints cannot hold every worker while a symbol file loads. */
static HsWorkers *
lookup_workers (void)
{
  static gsize workers;

  if (g_once_init_enter (&workers))
    g_once_init_leave (&workers, (gsize) hs_workers_new ("hs-line-lookup", 2, 0));
  return (HsWorkers *) workers;
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
      hs_task_return_new_error (task, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                                "no source line is known for %u:::0x%" G_GINT64_MODIFIER "x",
                                req->machine, req->address);
      return;
    }
  hs_task_return_boolean (task, TRUE);
}

void
hs_symbol_scope_lookup_line_async (HsSymbolScope       *self,
                                   guint                machine,
                                   guint64              space,
                                   guint64              address,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LineRequest *req;

  g_return_if_fail (HS_IS_SYMBOL_SCOPE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_symbol_scope_lookup_line_async);
  req = line_request_new (self, machine);
  req->space = space;
  req->address = address;
  g_task_set_task_data (task, req, (GDestroyNotify) line_request_free);
  hs_task_run_in_workers (task, lookup_line_thread, lookup_workers ());
}

gboolean
hs_symbol_scope_lookup_line_finish (HsSymbolScope *self,
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
hs_symbol_scope_line_to_address_async (HsSymbolScope       *self,
                                       guint                machine,
                                       const char          *file,
                                       guint                line,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LineRequest *req;

  g_return_if_fail (HS_IS_SYMBOL_SCOPE (self));
  g_return_if_fail (file != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_symbol_scope_line_to_address_async);
  req = line_request_new (self, machine);
  req->file = g_strdup (file);
  req->line = line;
  g_task_set_task_data (task, req, (GDestroyNotify) line_request_free);
  hs_task_run_in_workers (task, line_to_address_thread, lookup_workers ());
}

gboolean
hs_symbol_scope_line_to_address_finish (HsSymbolScope *self,
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
