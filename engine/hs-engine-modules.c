/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-engine-modules.c: each guest's kernel modules, and their symbols.
 *
 * The worker reads every guest's module list with its tasks (hs-target-modules.c); here, on the
 * main thread, the modules become HsModule objects of their machine, and a module that appears
 * gets its debug file bound, relocated to where the guest placed each of its sections (as
 * Linux's lx-symbols and TRACE32's sYmbol.AutoLOAD do). Looking for the file and relocating it
 * run in a thread; commands that wait for a halt's tasks wait for those loads too, so a script's
 * `Break.Set 1:::dummy_xmit` right after `Break` finds the module's symbols.
 *
 * Main thread only: every field this file touches (module_* in HsEngine).
 */
#define G_LOG_DOMAIN "hs-engine"

#include "config.h"

#include "hs-engine-private.h"
#include "hs-sync.h"

#include <string.h>

/* How far the search for debug files goes: Debian's /usr/lib/debug/lib/modules/VERSION holds
 * ~4,000 files four levels down. */
#define MAX_SEARCH_DEPTH   12
#define MAX_SEARCH_ENTRIES 200000

typedef struct
{
  gint machine;                 /* -1: every machine */
  char *dir;
} ModulePath;

static void
module_path_free (ModulePath *p)
{
  g_free (p->dir);
  g_free (p);
}

void
hs_engine_modules_init (HsEngine *self)
{
  self->module_paths = g_ptr_array_new_with_free_func ((GDestroyNotify) module_path_free);
  self->module_autoload = TRUE;
  self->module_tried = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
hs_engine_modules_finalize (HsEngine *self)
{
  g_clear_pointer (&self->module_notes, g_free);
  g_clear_pointer (&self->module_paths, g_ptr_array_unref);
  g_clear_pointer (&self->module_tried, g_hash_table_unref);
}

/* ---- finding and loading a module's debug file (in a thread) ------------------------------ */

/* Module names use '_' where file names may use '-' (the kernel makes them the same). */
static char *
normalize (const char *name)
{
  char *n = g_strdup (name);

  for (char *p = n; *p; p++)
    if (*p == '-')
      *p = '_';
  return n;
}

/* "dummy.ko", "dummy.ko.debug" (a split debug file) -> "dummy"; NULL for anything else. */
static char *
module_of_file (const char *base)
{
  const char *ko = g_strrstr (base, ".ko");

  if (ko == NULL || ko == base || (ko[3] != '\0' && strcmp (ko + 3, ".debug") != 0))
    return NULL;
  {
    g_autofree char *stem = g_strndup (base, ko - base);

    return normalize (stem);
  }
}

/* A name's candidates kept, at most: a search path over several kernels' trees has one per
 * kernel. */
#define MAX_CANDIDATES 16

/* Adds the modules' files under @dir to @found (module name -> GPtrArray of paths, in the
 * order found). */
static void
scan (const char *dir,
      guint       depth,
      guint      *entries,
      GHashTable *found)
{
  g_autoptr(GDir) d = NULL;
  const char *base;

  if (depth > MAX_SEARCH_DEPTH || (d = g_dir_open (dir, 0, NULL)) == NULL)
    return;
  while ((base = g_dir_read_name (d)) != NULL && ++*entries < MAX_SEARCH_ENTRIES)
    {
      g_autofree char *path = g_build_filename (dir, base, NULL);
      g_autofree char *module = module_of_file (base);

      if (module != NULL)
        {
          GPtrArray *paths = g_hash_table_lookup (found, module);

          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            continue;
          if (paths == NULL)
            {
              paths = g_ptr_array_new_with_free_func (g_free);
              g_hash_table_insert (found, g_strdup (module), paths);
            }
          if (paths->len < MAX_CANDIDATES)
            g_ptr_array_add (paths, g_steal_pointer (&path));
        }
      else if (g_file_test (path, G_FILE_TEST_IS_DIR)
               && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        scan (path, depth + 1, entries, found);
    }
}

typedef struct
{
  guint machine;
  char *module;
  guint64 text;
  char *path;                   /* given by the user, or found; NULL: look for it */
  HsSectionAddress *sections;   /* names borrowed from @names */
  guint n_sections;
  GPtrArray *names;
  guint8 build_id[64];          /* the loaded module's, when the guest says */
  guint build_id_len;
  /* out */
  HsSymbolFile *file;
  GError *error;
} ModuleLoad;

static void
module_load_free (ModuleLoad *l)
{
  g_free (l->module);
  g_free (l->path);
  g_free (l->sections);
  g_clear_pointer (&l->names, g_ptr_array_unref);
  g_clear_object (&l->file);
  g_clear_error (&l->error);
  g_free (l);
}

typedef struct
{
  GPtrArray *loads;             /* of ModuleLoad */
  char **dirs;                  /* per load's machine: filtered below */
  gint *dir_machines;
} LoadBatch;

static void
load_batch_free (LoadBatch *b)
{
  g_ptr_array_unref (b->loads);
  g_strfreev (b->dirs);
  g_free (b->dir_machines);
  g_free (b);
}

static ModuleLoad *
module_load_new (HsModule   *module,
                 const char *path)
{
  const HsLinuxModule *rec = hs_module_get_record (module);
  ModuleLoad *l = g_new0 (ModuleLoad, 1);

  l->machine = hs_module_get_machine (module);
  l->module = g_strdup (rec->name);
  l->text = rec->text;
  l->path = g_strdup (path);
  l->names = g_ptr_array_new_with_free_func (g_free);
  l->sections = g_new0 (HsSectionAddress, MAX (rec->n_sections, 1));
  for (guint i = 0; i < rec->n_sections; i++)
    {
      g_ptr_array_add (l->names, g_strdup (rec->sections[i].name));
      l->sections[i] = (HsSectionAddress) { g_ptr_array_index (l->names, i),
                                            rec->sections[i].address };
    }
  l->n_sections = rec->n_sections;
  memcpy (l->build_id, rec->build_id, sizeof l->build_id);
  l->build_id_len = rec->build_id_len;
  return l;
}

static char *
hex (const guint8 *bytes,
     gsize         len)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", bytes[i]);
  return g_string_free (s, FALSE);
}

/* A debug file of another build than the module the guest loaded would put every symbol and
 * line in the wrong place, silently: refuse it when both say their build IDs. */
static gboolean
same_build (ModuleLoad  *l,
            GError     **error)
{
  gsize len;
  const guint8 *id = hs_symbol_file_get_build_id (l->file, &len);
  g_autofree char *file_id = NULL;
  g_autofree char *loaded_id = NULL;

  if (id == NULL || l->build_id_len == 0
      || (len == l->build_id_len && memcmp (id, l->build_id, len) == 0))
    return TRUE;
  file_id = hex (id, len);
  loaded_id = hex (l->build_id, l->build_id_len);
  g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_INVALID,
               "%s is another build of %s: its build ID is %s, the loaded module's %s",
               l->path, l->module, file_id, loaded_id);
  return FALSE;
}

/* Loads @path for @l, placed where the guest put the module; FALSE (and @l->error) when it
 * cannot be loaded or is another build. */
static gboolean
try_file (ModuleLoad *l,
          const char *path)
{
  g_clear_error (&l->error);
  g_free (l->path);
  l->path = g_strdup (path);
  l->file = hs_symbol_file_load_relocated (path, l->sections, l->n_sections, &l->error);
  if (l->file != NULL && !same_build (l, &l->error))
    g_clear_object (&l->file);
  return l->file != NULL;
}

/* @l's candidates in the search path, in its order. */
static GPtrArray *
candidates (LoadBatch  *batch,
            GHashTable *per_dir,
            ModuleLoad *l)
{
  g_autofree char *want = normalize (l->module);
  GPtrArray *out = g_ptr_array_new ();

  for (guint d = 0; batch->dirs[d] != NULL; d++)
    {
      GHashTable *found;
      GPtrArray *paths;

      if (batch->dir_machines[d] >= 0 && (guint) batch->dir_machines[d] != l->machine)
        continue;
      found = g_hash_table_lookup (per_dir, batch->dirs[d]);
      if (found == NULL)
        {
          guint entries = 0;

          found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_ptr_array_unref);
          scan (batch->dirs[d], 0, &entries, found);
          g_hash_table_insert (per_dir, g_strdup (batch->dirs[d]), found);
        }
      paths = g_hash_table_lookup (found, want);
      for (guint i = 0; paths != NULL && i < paths->len; i++)
        g_ptr_array_add (out, g_ptr_array_index (paths, i));
    }
  return out;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadBatch *batch = task_data;
  g_autoptr(GHashTable) per_dir = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) g_hash_table_unref);

  for (guint i = 0; i < batch->loads->len; i++)
    {
      ModuleLoad *l = g_ptr_array_index (batch->loads, i);
      g_autoptr(GPtrArray) paths = NULL;
      g_autofree char *given = g_steal_pointer (&l->path);

      if (l->n_sections == 0)
        {
          g_set_error (&l->error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                       "the guest does not say where module %s's sections are", l->module);
          continue;
        }
      if (given != NULL)
        {
          try_file (l, given);
          continue;
        }
      /* The first of the candidates that is the loaded module's build; else what the first
       * one said. */
      paths = candidates (batch, per_dir, l);
      for (guint p = 0; p < paths->len && l->file == NULL; p++)
        {
          g_autoptr(GError) first = p > 0 ? g_steal_pointer (&l->error) : NULL;
          g_autofree char *first_path = p > 0 ? g_strdup (l->path) : NULL;

          if (!try_file (l, g_ptr_array_index (paths, p)) && first != NULL)
            {
              g_clear_error (&l->error);
              l->error = g_steal_pointer (&first);
              g_free (l->path);
              l->path = g_steal_pointer (&first_path);
            }
        }
      if (paths->len == 0)
        g_set_error (&l->error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN,
                     "no %s.ko in the module search path (sYmbol.AutoLOAD.PATH)", l->module);
    }
  hs_task_return_boolean (task, TRUE);
}

static HsModule *
find_module (HsEngine   *self,
             guint       machine,
             const char *name,
             guint64     text)
{
  HsMachine *m = hs_engine_get_machine (self, machine);
  GListModel *modules = m ? hs_machine_get_modules (m) : NULL;

  for (guint i = 0; modules != NULL && i < g_list_model_get_n_items (modules); i++)
    {
      g_autoptr(HsModule) mod = g_list_model_get_item (modules, i);

      if (strcmp (hs_module_get_name (mod), name) == 0
          && (text == 0 || hs_module_get_record (mod)->text == text))
        return mod;  /* the store keeps it */
    }
  return NULL;
}

static void
module_loads_done (HsEngine *self,
                   guint     n)
{
  g_assert (self->module_loads >= n);
  self->module_loads -= n;
  if (self->module_loads == 0 && !self->tasks_pending)
    hs_engine_set_tasks_pending (self, FALSE);
}

static void
batch_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HsEngine *self = HS_ENGINE (object);
  LoadBatch *batch = g_task_get_task_data (G_TASK (result));
  GTask *user_task = user_data;

  for (guint i = 0; i < batch->loads->len; i++)
    {
      ModuleLoad *l = g_ptr_array_index (batch->loads, i);
      HsModule *mod = find_module (self, l->machine, l->module, l->text);

      /* Gone, or loaded elsewhere, while the file was read: nothing to bind it to. */
      if (mod == NULL)
        continue;
      if (l->file != NULL)
        {
          hs_symbol_scope_bind_module (self->symbols, l->file, l->machine, l->module);
          hs_module_set_symbols (mod, l->path, NULL);
          g_debug ("machine %u: module %s: %s", l->machine, l->module, l->path);
        }
      /* A file refused for a module that has its symbols (TASK.sYmbol.LOADMod of the wrong
       * one) leaves them as they were. */
      else if (hs_module_get_symbols (mod) == NULL)
        hs_module_set_symbols (mod, NULL, l->error->message);
    }
  if (user_task != NULL)
    {
      ModuleLoad *l = g_ptr_array_index (batch->loads, 0);

      if (l->file != NULL)
        g_task_return_pointer (user_task, g_object_ref (l->file), g_object_unref);
      else
        g_task_return_error (user_task, g_error_copy (l->error));
      g_object_unref (user_task);
    }
  module_loads_done (self, 1);
}

/* Starts loading @loads in a thread; @user_task (owned) gets the first one's file. */
static void
start_batch (HsEngine  *self,
             GPtrArray *loads,
             GTask     *user_task)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, batch_done, user_task);
  LoadBatch *batch = g_new0 (LoadBatch, 1);

  batch->loads = loads;
  batch->dirs = g_new0 (char *, self->module_paths->len + 1);
  batch->dir_machines = g_new0 (gint, self->module_paths->len + 1);
  for (guint i = 0; i < self->module_paths->len; i++)
    {
      const ModulePath *p = g_ptr_array_index (self->module_paths, i);

      batch->dirs[i] = g_strdup (p->dir);
      batch->dir_machines[i] = p->machine;
    }
  g_task_set_source_tag (task, start_batch);
  g_task_set_task_data (task, batch, (GDestroyNotify) load_batch_free);
  self->module_loads++;
  hs_task_run_in_thread (task, load_thread);
}

static char *
tried_key (HsModule *mod)
{
  return g_strdup_printf ("%u:%s:%" G_GINT64_MODIFIER "x", hs_module_get_machine (mod),
                          hs_module_get_name (mod), hs_module_get_record (mod)->text);
}

/* Looks for the debug files of @machine's modules that have none bound and were not looked for
 * at these addresses yet. */
static void
autoload (HsEngine *self,
          HsMachine *machine)
{
  GListModel *modules = hs_machine_get_modules (machine);
  GPtrArray *loads = g_ptr_array_new_with_free_func ((GDestroyNotify) module_load_free);

  for (guint i = 0; i < g_list_model_get_n_items (modules); i++)
    {
      g_autoptr(HsModule) mod = g_list_model_get_item (modules, i);
      g_autofree char *key = tried_key (mod);

      if (hs_module_get_symbols (mod) != NULL || hs_module_get_record (mod)->corrupt
          || g_hash_table_contains (self->module_tried, key))
        continue;
      g_hash_table_add (self->module_tried, g_steal_pointer (&key));
      g_ptr_array_add (loads, module_load_new (mod, NULL));
    }
  if (loads->len == 0)
    {
      g_ptr_array_unref (loads);
      return;
    }
  start_batch (self, loads, NULL);
}

/* Modules that went away take their symbols with them, and one that comes back is looked
 * for again. */
static void
forget_gone (HsEngine *self,
             guint     machine_id)
{
  g_autoptr(GPtrArray) bindings = hs_symbol_scope_get_bindings (self->symbols, machine_id);
  g_autofree char *prefix = g_strdup_printf ("%u:", machine_id);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->module_tried);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_auto(GStrv) parts = g_strsplit (key, ":", 3);

      if (g_str_has_prefix (key, prefix) && g_strv_length (parts) == 3
          && find_module (self, machine_id, parts[1],
                          g_ascii_strtoull (parts[2], NULL, 16)) == NULL)
        g_hash_table_iter_remove (&iter);
    }

  for (guint i = 0; i < bindings->len; i++)
    {
      const HsSymbolBinding *b = g_ptr_array_index (bindings, i);

      if (b->module != NULL && find_module (self, machine_id, b->module, 0) == NULL)
        {
          g_debug ("machine %u: module %s is gone: its symbols are dropped", machine_id,
                   b->module);
          hs_symbol_scope_unbind_module (self->symbols, machine_id, b->module);
        }
    }
}

/* Breakpoints in the code of a module that went away are disabled: its memory may hold
 * someone else's code next, and a BRK planted there would break that. Says which in @notes. */
static void
disable_breakpoints_in (HsEngine  *self,
                        HsModule  *gone,
                        GString   *notes)
{
  GListModel *breakpoints = hs_engine_get_breakpoints (self);
  guint machine = hs_module_get_machine (gone);
  guint64 ranges[2][2];

  hs_module_get_text (gone, &ranges[0][0], &ranges[0][1]);
  hs_module_get_init (gone, &ranges[1][0], &ranges[1][1]);
  for (guint i = 0; i < g_list_model_get_n_items (breakpoints); i++)
    {
      g_autoptr(HsBreakpoint) bp = g_list_model_get_item (breakpoints, i);
      const HsAddress *a = hs_breakpoint_get_address (bp);
      gboolean inside = FALSE;

      if (!hs_breakpoint_get_enabled (bp) || a->machine != machine || a->space != 0)
        continue;
      for (guint r = 0; r < 2; r++)
        inside |= ranges[r][1] != 0 && a->offset >= ranges[r][0]
                  && a->offset - ranges[r][0] < ranges[r][1];
      if (!inside)
        continue;
      hs_breakpoint_set_enabled (bp, FALSE);
      g_string_append_printf (notes, "machine %u: module %s is gone: breakpoint %u (%s) is "
                              "disabled, its code may be reused\n", machine,
                              hs_module_get_name (gone), hs_breakpoint_get_id (bp),
                              hs_breakpoint_get_symbol (bp) ? hs_breakpoint_get_symbol (bp)
                                                            : "in its code");
    }
}

/* The modules of @m that @records no longer has. */
static GPtrArray *
modules_gone (HsMachine           *m,
              const HsLinuxModule *records,
              guint                n_records)
{
  GListModel *known = hs_machine_get_modules (m);
  GPtrArray *gone = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (known); i++)
    {
      g_autoptr(HsModule) mod = g_list_model_get_item (known, i);
      gboolean still = FALSE;

      for (guint k = 0; k < n_records && !still; k++)
        still = hs_module_is (mod, &records[k]);
      if (!still)
        g_ptr_array_add (gone, g_steal_pointer (&mod));
    }
  return gone;
}

void
hs_engine_apply_modules (HsEngine *self,
                         Snapshot *snap)
{
  g_autoptr(GString) notes = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  if (snap->modules == NULL && snap->module_notes == NULL)
    return;
  if (snap->module_notes != NULL)
    g_string_append (notes, snap->module_notes->str);
  if (snap->modules != NULL)
    g_hash_table_iter_init (&iter, snap->modules);
  while (snap->modules != NULL && g_hash_table_iter_next (&iter, &key, &value))
    {
      HsMachine *m = hs_engine_get_machine (self, GPOINTER_TO_UINT (key));
      GArray *modules = value;
      g_autoptr(GPtrArray) gone = NULL;

      if (m == NULL)
        continue;
      gone = modules_gone (m, (const HsLinuxModule *) modules->data, modules->len);
      for (guint i = 0; i < gone->len; i++)
        disable_breakpoints_in (self, g_ptr_array_index (gone, i), notes);
      hs_machine_set_modules (m, (const HsLinuxModule *) modules->data, modules->len);
      forget_gone (self, GPOINTER_TO_UINT (key));
      if (self->module_autoload && self->module_paths->len > 0)
        autoload (self, m);
    }
  g_free (self->module_notes);
  self->module_notes = notes->len > 0 ? g_strdup (notes->str) : NULL;
}

/* ---- public ------------------------------------------------------------------------------ */

const char *
hs_engine_get_module_notes (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  return self->module_notes;
}

/* Where debug files of modules are looked for (searched recursively): for @machine only, or
 * every machine when it is -1. Modules already without symbols are looked for again. */
void
hs_engine_add_module_path (HsEngine   *self,
                           gint        machine,
                           const char *dir)
{
  ModulePath *p;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (dir != NULL);

  for (guint i = 0; i < self->module_paths->len; i++)
    {
      p = g_ptr_array_index (self->module_paths, i);
      if (p->machine == machine && strcmp (p->dir, dir) == 0)
        return;
    }
  p = g_new0 (ModulePath, 1);
  p->machine = machine;
  p->dir = g_strdup (dir);
  g_ptr_array_add (self->module_paths, p);
  hs_engine_check_modules (self);
}

/* Returns: (transfer full): the search path as "DIR" or "DIR (machine N)" lines. */
char **
hs_engine_get_module_paths (HsEngine *self)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  for (guint i = 0; i < self->module_paths->len; i++)
    {
      const ModulePath *p = g_ptr_array_index (self->module_paths, i);

      g_ptr_array_add (out, p->machine < 0 ? g_strdup (p->dir)
                                           : g_strdup_printf ("%s (machine %d)", p->dir,
                                                              p->machine));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* Returns: (transfer full): the search path as the commands that set it again
 * ("sYmbol.AutoLOAD.PATH \"DIR\" [/MACHINE n]"), for a saved session. */
char **
hs_engine_get_module_paths_for_session (HsEngine *self)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);

  for (guint i = 0; i < self->module_paths->len; i++)
    {
      const ModulePath *p = g_ptr_array_index (self->module_paths, i);
      /* The command language has no escapes (as in the session's other paths): a quote in a
       * directory's name cannot be written, and is left out. */
      g_auto(GStrv) parts = g_strsplit (p->dir, "\"", -1);
      g_autofree char *quoted = g_strjoinv ("", parts);

      g_ptr_array_add (out, p->machine < 0
                            ? g_strdup_printf ("sYmbol.AutoLOAD.PATH \"%s\"", quoted)
                            : g_strdup_printf ("sYmbol.AutoLOAD.PATH \"%s\" /MACHINE %d", quoted,
                                               p->machine));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

void
hs_engine_set_module_autoload (HsEngine *self,
                               gboolean  autoload_on)
{
  g_return_if_fail (HS_IS_ENGINE (self));

  self->module_autoload = autoload_on;
  if (autoload_on)
    hs_engine_check_modules (self);
}

gboolean
hs_engine_get_module_autoload (HsEngine *self)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);
  return self->module_autoload;
}

/* Looks again for the debug files of every module that has none bound. */
void
hs_engine_check_modules (HsEngine *self)
{
  GListModel *machines;

  g_return_if_fail (HS_IS_ENGINE (self));

  g_hash_table_remove_all (self->module_tried);
  if (!self->module_autoload || self->module_paths->len == 0)
    return;
  machines = hs_engine_get_machines (self);
  for (guint i = 0; i < g_list_model_get_n_items (machines); i++)
    {
      g_autoptr(HsMachine) m = g_list_model_get_item (machines, i);

      autoload (self, m);
    }
}

/* @machine's module @name as the last halt listed it, or NULL. */
HsModule *
hs_engine_find_module (HsEngine   *self,
                       guint       machine,
                       const char *name)
{
  g_return_val_if_fail (HS_IS_ENGINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_module (self, machine, name, 0);
}

/**
 * hs_engine_load_module_symbols_async:
 * @path: (nullable): the module's debug file; NULL: look for it in the search path
 *
 * Binds module @name's debug file to @machine at the addresses the guest placed its sections
 * at (TASK.sYmbol.LOADMod).
 */
void
hs_engine_load_module_symbols_async (HsEngine            *self,
                                     guint                machine,
                                     const char          *name,
                                     const char          *path,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  HsModule *mod;
  GPtrArray *loads;

  g_return_if_fail (HS_IS_ENGINE (self));
  g_return_if_fail (name != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_engine_load_module_symbols_async);
  mod = find_module (self, machine, name, 0);
  if (mod == NULL)
    {
      g_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "machine %u has no module '%s' (TASK.MODule /MACHINE %u lists "
                               "its modules)", machine, name, machine);
      g_object_unref (task);
      return;
    }
  if (path == NULL && self->module_paths->len == 0)
    {
      g_task_return_new_error (task, HS_ENGINE_ERROR, HS_ENGINE_ERROR_FAILED,
                               "no module search path: name the file, or set one with "
                               "sYmbol.AutoLOAD.PATH DIR");
      g_object_unref (task);
      return;
    }
  loads = g_ptr_array_new_with_free_func ((GDestroyNotify) module_load_free);
  g_ptr_array_add (loads, module_load_new (mod, path));
  start_batch (self, loads, task);
}

HsSymbolFile *
hs_engine_load_module_symbols_finish (HsEngine      *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Drops module @name's symbols from @machine (TASK.sYmbol.DELeteMod); autoload leaves it
 * alone until the module is loaded again or sYmbol.AutoLOAD.CHECK. */
gboolean
hs_engine_unload_module_symbols (HsEngine   *self,
                                 guint       machine,
                                 const char *name)
{
  HsModule *mod;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  if (!hs_symbol_scope_unbind_module (self->symbols, machine, name))
    return FALSE;
  mod = find_module (self, machine, name, 0);
  if (mod != NULL)
    hs_module_set_symbols (mod, NULL, "removed by TASK.sYmbol.DELeteMod");
  return TRUE;
}

/**
 * hs_engine_relocate_kernel:
 * @automatic: TRUE: hand the slide back to the engine, which finds it at the next read of the
 *   guests; FALSE: @offset is the slide, kept until the user changes it (sYmbol.RELOCate)
 *
 * Moves @machine's kernel symbols by a KASLR slide. When halted, the guests and their tasks are
 * read again through the new addresses.
 */
gboolean
hs_engine_relocate_kernel (HsEngine  *self,
                           guint      machine,
                           guint64    offset,
                           gboolean   automatic,
                           GError   **error)
{
  g_autoptr(HsSymbolFile) kernel = NULL;

  g_return_val_if_fail (HS_IS_ENGINE (self), FALSE);

  kernel = hs_symbol_scope_get_kernel (self->symbols, machine, NULL);
  if (kernel == NULL)
    {
      g_set_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS,
                   "machine %u has no kernel symbols to move (Data.LOAD.Elf vmlinux %u:::0 "
                   "/NoCODE loads them)", machine, machine);
      return FALSE;
    }
  hs_symbol_scope_set_kernel_offset (self->symbols, machine, kernel, automatic ? 0 : offset,
                                     automatic ? HS_OFFSET_RESET : HS_OFFSET_USER);
  if (self->state == HS_ENGINE_STATE_HALTED)
    hs_engine_refresh_guests (self);
  return TRUE;
}
