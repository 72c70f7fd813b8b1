/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-source-path.c: the source path map (sYmbol.SourcePATH.Translate).
 *
 * A handful of entries at most, so lookups are linear scans. Resolving stats
 * the candidates every time instead of remembering the answer: a remembered
 * answer would go stale when the map changes or a source tree is unpacked.
 */
#define G_LOG_DOMAIN "hs-source-path"

#include "config.h"

#include "hs-source-path.h"
#include "hs-sync.h"

#include <string.h>

typedef struct
{
  char *from;                   /* normalised, no trailing '/' except for "/" itself */
  char *to;                     /* normalised the same way */
} Entry;

struct _HsSourcePathMap
{
  GObject parent_instance;

  HsMutex lock;                  /* guards entries: resolving may run on a worker thread */
  GPtrArray *entries;           /* of Entry, in the order added */
};

G_DEFINE_FINAL_TYPE (HsSourcePathMap, hs_source_path_map, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
entry_free (Entry *entry)
{
  g_free (entry->from);
  g_free (entry->to);
  g_free (entry);
}

/* Removes "." components, repeated and trailing slashes, and ".." after a real component,
 * without looking at the file system: the path usually names a directory that does not exist
 * here. A relative path keeps its leading "..". */
static char *
normalize_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  gboolean absolute = path[0] == '/';
  GString *out;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = parts[i];

      if (*part == 0 || strcmp (part, ".") == 0)
        continue;
      if (strcmp (part, "..") == 0)
        {
          if (kept->len > 0 && strcmp (g_ptr_array_index (kept, kept->len - 1), "..") != 0)
            {
              g_ptr_array_remove_index (kept, kept->len - 1);
              continue;
            }
          if (absolute)          /* "/.." is "/" */
            continue;
        }
      g_ptr_array_add (kept, (gpointer) part);
    }

  out = g_string_new (absolute ? "/" : NULL);
  for (guint i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '/');
      g_string_append (out, g_ptr_array_index (kept, i));
    }
  if (out->len == 0)
    g_string_append_c (out, '.');
  return g_string_free (out, FALSE);
}

/* The part of @path after @prefix when @prefix is a whole-component prefix of it ("" when
 * equal, else starting with '/'), or NULL. Both are normalised. */
static const char *
prefix_rest (const char *prefix,
             const char *path)
{
  gsize len = strlen (prefix);

  if (strcmp (prefix, "/") == 0)
    return path[0] == '/' ? path : NULL;
  if (strncmp (path, prefix, len) != 0 || (path[len] != 0 && path[len] != '/'))
    return NULL;
  return path + len;
}

static char *
join_rest (const char *to,
           const char *rest)
{
  g_autofree char *joined = g_strconcat (to, "/", rest, NULL);

  return normalize_path (joined);
}

static guint
find_entry (HsSourcePathMap *self,
            const char      *from)
{
  for (guint i = 0; i < self->entries->len; i++)
    if (strcmp (((Entry *) g_ptr_array_index (self->entries, i))->from, from) == 0)
      return i;
  return G_MAXUINT;
}

/* Adds or replaces one entry; TRUE when the map changed. Called with the lock held. */
static gboolean
add_locked (HsSourcePathMap *self,
            const char      *from_prefix,
            const char      *to_prefix)
{
  g_autofree char *from = normalize_path (from_prefix);
  g_autofree char *to = normalize_path (to_prefix);
  guint old = find_entry (self, from);
  Entry *entry;

  if (old != G_MAXUINT)
    {
      entry = g_ptr_array_index (self->entries, old);
      if (strcmp (entry->to, to) == 0)
        return FALSE;
      g_ptr_array_remove_index (self->entries, old);
    }
  entry = g_new0 (Entry, 1);
  entry->from = g_steal_pointer (&from);
  entry->to = g_steal_pointer (&to);
  g_ptr_array_add (self->entries, entry);
  return TRUE;
}

/**
 * hs_source_path_map_add:
 * @from_prefix: a directory as the debug information names it (absolute or relative)
 * @to_prefix: where that directory is here
 *
 * A second entry for the same @from_prefix replaces the first. Among entries whose prefixes
 * match a path, the longest prefix wins.
 */
void
hs_source_path_map_add (HsSourcePathMap *self,
                        const char      *from_prefix,
                        const char      *to_prefix)
{
  gboolean changed;

  g_return_if_fail (HS_IS_SOURCE_PATH_MAP (self));
  g_return_if_fail (from_prefix != NULL && *from_prefix != 0);
  g_return_if_fail (to_prefix != NULL && *to_prefix != 0);

  hs_mutex_lock (&self->lock);
  changed = add_locked (self, from_prefix, to_prefix);
  hs_mutex_unlock (&self->lock);
  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
hs_source_path_map_remove (HsSourcePathMap *self,
                           const char      *from_prefix)
{
  g_autofree char *from = NULL;
  guint index;

  g_return_val_if_fail (HS_IS_SOURCE_PATH_MAP (self), FALSE);
  g_return_val_if_fail (from_prefix != NULL, FALSE);

  from = normalize_path (from_prefix);
  hs_mutex_lock (&self->lock);
  index = find_entry (self, from);
  if (index != G_MAXUINT)
    g_ptr_array_remove_index (self->entries, index);
  hs_mutex_unlock (&self->lock);
  if (index == G_MAXUINT)
    return FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

void
hs_source_path_map_clear (HsSourcePathMap *self)
{
  gboolean changed;

  g_return_if_fail (HS_IS_SOURCE_PATH_MAP (self));

  hs_mutex_lock (&self->lock);
  changed = self->entries->len > 0;
  g_ptr_array_set_size (self->entries, 0);
  hs_mutex_unlock (&self->lock);
  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

guint
hs_source_path_map_get_n_entries (HsSourcePathMap *self)
{
  guint n;

  g_return_val_if_fail (HS_IS_SOURCE_PATH_MAP (self), 0);

  hs_mutex_lock (&self->lock);
  n = self->entries->len;
  hs_mutex_unlock (&self->lock);
  return n;
}

/* ---- session form: "from=to" ------------------------------------------------------------ */

static void
append_escaped (GString    *out,
                const char *path)
{
  for (const char *p = path; *p != 0; p++)
    {
      if (*p == '=' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

char **
hs_source_path_map_to_strv (HsSourcePathMap *self)
{
  GStrvBuilder *builder;
  char **strv;

  g_return_val_if_fail (HS_IS_SOURCE_PATH_MAP (self), NULL);

  builder = g_strv_builder_new ();
  hs_mutex_lock (&self->lock);
  for (guint i = 0; i < self->entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (self->entries, i);
      g_autoptr(GString) s = g_string_new (NULL);

      append_escaped (s, entry->from);
      g_string_append_c (s, '=');
      append_escaped (s, entry->to);
      g_strv_builder_add (builder, s->str);   /* _take is GLib 2.80 */
    }
  hs_mutex_unlock (&self->lock);
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

/* Splits "from=to" at the first '=' that has no '\' before it. */
static gboolean
parse_entry (const char  *text,
             char       **from,
             char       **to,
             GError     **error)
{
  GString *parts[2] = { g_string_new (NULL), g_string_new (NULL) };
  guint part = 0;

  for (const char *p = text; *p != 0; p++)
    {
      if (*p == '\\' && p[1] != 0)
        g_string_append_c (parts[part], *++p);
      else if (*p == '=' && part == 0)
        part = 1;
      else
        g_string_append_c (parts[part], *p);
    }
  if (part == 0 || parts[0]->len == 0 || parts[1]->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' is not a source path mapping: write it as from=to, e.g. "
                   "/build/linux=/home/me/src/linux", text);
      g_string_free (parts[0], TRUE);
      g_string_free (parts[1], TRUE);
      return FALSE;
    }
  *from = g_string_free (parts[0], FALSE);
  *to = g_string_free (parts[1], FALSE);
  return TRUE;
}

gboolean
hs_source_path_map_add_strv (HsSourcePathMap     *self,
                             const char * const  *entries,
                             GError             **error)
{
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (g_free);
  gboolean changed = FALSE;

  g_return_val_if_fail (HS_IS_SOURCE_PATH_MAP (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* All or nothing: a session file with one bad line must not leave half of it applied. */
  for (guint i = 0; entries != NULL && entries[i] != NULL; i++)
    {
      char *from, *to;

      if (!parse_entry (entries[i], &from, &to, error))
        return FALSE;
      g_ptr_array_add (parsed, from);
      g_ptr_array_add (parsed, to);
    }

  hs_mutex_lock (&self->lock);
  for (guint i = 0; i + 1 < parsed->len; i += 2)
    changed |= add_locked (self, g_ptr_array_index (parsed, i),
                           g_ptr_array_index (parsed, i + 1));
  hs_mutex_unlock (&self->lock);
  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

/* ---- resolving -------------------------------------------------------------------------- */

static int
compare_entry_length (gconstpointer a,
                      gconstpointer b)
{
  const Entry *ea = *(const Entry * const *) a;
  const Entry *eb = *(const Entry * const *) b;
  gsize la = strlen (ea->from), lb = strlen (eb->from);

  return la > lb ? -1 : la < lb;
}

/* Every mapped form of @path (normalised), longest prefix first. */
static GPtrArray *
mapped_paths (HsSourcePathMap *self,
              const char      *path)
{
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  hs_mutex_lock (&self->lock);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (prefix_rest (entry->from, path) != NULL)
        g_ptr_array_add (matching, entry);
    }
  g_ptr_array_sort (matching, compare_entry_length);
  for (guint i = 0; i < matching->len; i++)
    {
      const Entry *entry = g_ptr_array_index (matching, i);

      g_ptr_array_add (out, join_rest (entry->to, prefix_rest (entry->from, path)));
    }
  hs_mutex_unlock (&self->lock);
  return out;
}

char *
hs_source_path_map_translate (HsSourcePathMap *self,
                              const char      *path)
{
  g_autofree char *normal = NULL;
  g_autoptr(GPtrArray) mapped = NULL;

  g_return_val_if_fail (HS_IS_SOURCE_PATH_MAP (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  normal = normalize_path (path);
  mapped = mapped_paths (self, normal);
  if (mapped->len == 0)
    return g_strdup (path);
  return g_strdup (g_ptr_array_index (mapped, 0));
}

static void
add_candidate (GPtrArray  *candidates,
               const char *path)
{
  for (guint i = 0; i < candidates->len; i++)
    if (strcmp (g_ptr_array_index (candidates, i), path) == 0)
      return;
  g_ptr_array_add (candidates, g_strdup (path));
}

char *
hs_source_path_map_resolve (HsSourcePathMap  *self,
                            const char       *comp_dir,
                            const char       *file,
                            GError          **error)
{
  g_autofree char *full = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *suggest = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mapped = NULL;
  GString *message;

  g_return_val_if_fail (HS_IS_SOURCE_PATH_MAP (self), NULL);
  g_return_val_if_fail (file != NULL && *file != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_path_is_absolute (file) || comp_dir == NULL || *comp_dir == 0)
    full = g_strdup (file);
  else
    full = g_build_filename (comp_dir, file, NULL);
  normal = normalize_path (full);

  mapped = mapped_paths (self, normal);
  for (guint i = 0; i < mapped->len; i++)
    add_candidate (candidates, g_ptr_array_index (mapped, i));
  /* The path itself, unnormalised first: the kernel resolves ".." after a symlink correctly.
   * A relative one would be relative to wherever the debugger was started: meaningless. */
  if (g_path_is_absolute (full))
    {
      add_candidate (candidates, full);
      add_candidate (candidates, normal);
    }

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *candidate = g_ptr_array_index (candidates, i);

      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidate);
    }

  /* Suggest mapping the compilation directory when the file is under it (one entry then
   * serves the whole tree), else the file's own directory. */
  if (comp_dir != NULL && *comp_dir != 0 && !g_path_is_absolute (file))
    suggest = normalize_path (comp_dir);
  else
    suggest = g_path_get_dirname (normal);

  message = g_string_new (NULL);
  g_string_append_printf (message, "cannot find the source file %s", full);
  if (candidates->len == 0)
    g_string_append (message, " (a relative path, and no source path mapping applies to it)");
  else
    {
      g_string_append (message, " (tried ");
      for (guint i = 0; i < candidates->len; i++)
        g_string_append_printf (message, "%s%s", i > 0 ? ", " : "",
                                (const char *) g_ptr_array_index (candidates, i));
      g_string_append (message, ")");
    }
  g_string_append_printf (message, "; map the directory it was built in to a local copy of "
                          "the sources with sYmbol.SourcePATH.Translate \"%s\" "
                          "\"/path/to/source\" (a parent directory of it works too)", suggest);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, message->str);
  g_string_free (message, TRUE);
  return NULL;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
hs_source_path_map_finalize (GObject *object)
{
  HsSourcePathMap *self = HS_SOURCE_PATH_MAP (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  hs_mutex_clear (&self->lock);
  G_OBJECT_CLASS (hs_source_path_map_parent_class)->finalize (object);
}

static void
hs_source_path_map_class_init (HsSourcePathMapClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hs_source_path_map_finalize;

  /**
   * HsSourcePathMap::changed:
   *
   * An entry was added, replaced or removed: paths resolved before may now resolve elsewhere.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
hs_source_path_map_init (HsSourcePathMap *self)
{
  hs_mutex_init (&self->lock);
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
}

HsSourcePathMap *
hs_source_path_map_new (void)
{
  return g_object_new (HS_TYPE_SOURCE_PATH_MAP, NULL);
}
