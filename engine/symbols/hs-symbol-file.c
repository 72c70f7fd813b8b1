/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-symbol-file.c: HsSymbolFile, the object: the lock around libdwarf and the
 * public entry points. Opening and checking the ELF is in hs-elf-open.c; the
 * work itself is in hs-elf-symtab.c and hs-dwarf-*.c.
 */
#define G_LOG_DOMAIN "hs-symbols"

#include "config.h"

#include "hs-sync.h"

#include "hs-symbol-file.h"
#include "hs-symbol-file-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (hs-symbols-error-quark, hs_symbols_error)

G_DEFINE_FINAL_TYPE (HsSymbolFile, hs_symbol_file, G_TYPE_OBJECT)

static void
hs_symbol_file_finalize (GObject *object)
{
  HsSymbolFile *self = HS_SYMBOL_FILE (object);

  _hs_dwarf_close (self);
  g_clear_error (&self->dwarf_error);
  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->enumerators, g_hash_table_unref);
  hs_mutex_clear (&self->dwarf_lock);
  g_clear_pointer (&self->symtab, _hs_elf_symtab_free);
  g_clear_pointer (&self->reloc, _hs_elf_reloc_free);
  g_clear_pointer (&self->elf, elf_end);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self->basename);

  G_OBJECT_CLASS (hs_symbol_file_parent_class)->finalize (object);
}

static void
hs_symbol_file_class_init (HsSymbolFileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_symbol_file_finalize;
}

static void
hs_symbol_file_init (HsSymbolFile *self)
{
  self->fd = -1;
  self->use_aranges = TRUE;
  hs_mutex_init (&self->dwarf_lock);
}

void
hs_member_clear (HsMember *member)
{
  g_clear_pointer (&member->type_name, g_free);
  memset (member, 0, sizeof *member);
}

void
hs_symbol_info_clear (HsSymbolInfo *info)
{
  g_clear_pointer (&info->name, g_free);
  g_clear_pointer (&info->type_name, g_free);
  g_clear_pointer (&info->decl_file, g_free);
  memset (info, 0, sizeof *info);
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                    */

/**
 * hs_symbol_file_load:
 * @path: an ELF file (vmlinux, xen-syms, a program)
 * @error: where to say why not
 *
 * Opens @path, checks that it is a 64-bit little-endian AArch64 ELF file with a symbol table,
 * and reads the symbol table. The DWARF is not touched until a query needs it. Blocking
 * (a few tens of milliseconds for vmlinux): call it from a worker thread.
 *
 * The file stays mapped until the object is finalized; it must not be truncated meanwhile.
 *
 * A relocatable object (a .o, a kernel module's .ko) is read as placed with every section at
 * 0, so that its addresses are offsets in their sections: a copy of it is relocated in memory
 * (at most 512 MiB), as hs_symbol_file_load_relocated() does to place one where the target
 * loaded it.
 *
 * Returns: (transfer full): the file, or %NULL with @error set
 */
HsSymbolFile *
hs_symbol_file_load (const char  *path,
                     GError     **error)
{
  g_autoptr(HsSymbolFile) self = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HS_TYPE_SYMBOL_FILE, NULL);
  self->path = g_strdup (path);
  self->basename = g_path_get_basename (path);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_OPEN,
                   "cannot open %s: %s", path, g_strerror (saved_errno));
      return NULL;
    }
  /* An object is relocated as it is (every section at 0) by our code, not by libdwarf's:
   * see hs-symbol-file-reloc.c. */
  if (_hs_elf_aarch64_type (fd) == ET_REL
      ? !_hs_symbol_file_open_relocated (self, fd, NULL, 0, TRUE, error)
      : !_hs_symbol_file_open_fd (self, fd, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  HsSymbolFile *file = hs_symbol_file_load (task_data, &error);

  if (file == NULL)
    hs_task_return_error (task, error);
  else
    hs_task_return_pointer (task, file, g_object_unref);
}

/**
 * hs_symbol_file_load_async:
 *
 * hs_symbol_file_load() on a worker thread; @callback runs in the thread-default main context.
 */
void
hs_symbol_file_load_async (const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, hs_symbol_file_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  hs_task_run_in_thread (task, load_thread);
}

HsSymbolFile *
hs_symbol_file_load_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hs_symbol_file_load_async,
                        NULL);

  return hs_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hs_symbol_file_get_build_id:
 * @len: (out): its length in bytes; 0 when the file has none
 *
 * The file's GNU build ID (its NT_GNU_BUILD_ID note): what tells a debug file of a kernel
 * module built with it from one of another build. Never blocks.
 *
 * Returns: (transfer none) (nullable): the bytes, or %NULL when the file has none
 */
const guint8 *
hs_symbol_file_get_build_id (HsSymbolFile *self,
                             gsize        *len)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), NULL);
  g_return_val_if_fail (len != NULL, NULL);

  *len = self->build_id_len;
  return self->build_id_len ? self->build_id : NULL;
}

const char *
hs_symbol_file_get_path (HsSymbolFile *self)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), NULL);

  return self->path;
}

guint
hs_symbol_file_get_n_symbols (HsSymbolFile *self)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), 0);

  return _hs_elf_symtab_get_n_symbols (self->symtab);
}

/* Whether the file has DWARF (.debug_info). It may still turn out to be unusable. */
gboolean
hs_symbol_file_has_dwarf (HsSymbolFile *self)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);

  return self->has_debug_info;
}

gboolean
hs_symbol_file_is_indexed (HsSymbolFile *self)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);

  return g_atomic_int_get (&self->indexed);
}

/**
 * hs_symbol_file_describe:
 *
 * A few lines for the user: the file, architecture, symbol count, and the state of its DWARF
 * and call-frame information. Does not block (it never starts indexing).
 *
 * Returns: (transfer full): the text
 */
char *
hs_symbol_file_describe (HsSymbolFile *self)
{
  const char *kind;
  GString *s;
  gboolean locked;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), NULL);

  s = g_string_new (NULL);
  g_string_append_printf (s, "%s (%s)\n", self->basename, self->path);
  if (self->reloc != NULL)
    kind = _hs_elf_reloc_is_section_relative (self->reloc)
           ? "relocatable object (not placed: addresses are offsets in their sections)"
           : "relocatable object, placed as the target loaded it";
  else
    kind = self->elf_type == ET_EXEC  ? "executable"
           : self->elf_type == ET_DYN ? "shared object / PIE"
                                      : "file";
  g_string_append_printf (s, "  architecture: AArch64, ELF64 little-endian %s, %.1f MB\n",
                          kind, self->file_size / 1e6);
  if (self->reloc != NULL)
    _hs_elf_reloc_describe (self->reloc, s);
  g_string_append_printf (s, "  symbols: %u (%s)\n",
                          _hs_elf_symtab_get_n_symbols (self->symtab), self->symtab_section);

  /* Indexing holds the lock for a second or more: that is an answer too, not a wait. */
  locked = self->has_debug_info && hs_mutex_trylock (&self->dwarf_lock);
  if (self->has_debug_info && !locked)
    g_string_append_printf (s, "  DWARF: present (%.1f MB of .debug_info), being indexed\n",
                            self->debug_info_size / 1e6);
  else if (!self->has_debug_info)
    g_string_append (s, "  DWARF: none (no .debug_info): types, variables and lines unavailable\n");
  else if (self->dwarf_error != NULL)
    g_string_append_printf (s, "  DWARF: unusable: %s\n", self->dwarf_error->message);
  else if (self->index == NULL)
    g_string_append_printf (s, "  DWARF: present (%.1f MB of .debug_info), not indexed yet\n",
                            self->debug_info_size / 1e6);
  else
    g_string_append_printf (s,
                            "  DWARF: indexed: %u compilation units, %" G_GUINT64_FORMAT
                            " top-level DIEs in %.2f s; %u structs, %u unions, %u typedefs, "
                            "%u variables, %u functions\n",
                            self->index->cus->len, self->index->n_dies, self->index->seconds,
                            _hs_dwarf_index_count (self, HS_DWARF_NS_STRUCT),
                            _hs_dwarf_index_count (self, HS_DWARF_NS_UNION),
                            _hs_dwarf_index_count (self, HS_DWARF_NS_TYPEDEF),
                            _hs_dwarf_index_count (self, HS_DWARF_NS_VARIABLE),
                            _hs_dwarf_index_count (self, HS_DWARF_NS_FUNCTION));
  if (locked)
    hs_mutex_unlock (&self->dwarf_lock);

  if (self->has_debug_frame)
    g_string_append (s, "  call-frame information: .debug_frame\n");
  else if (self->has_eh_frame)
    g_string_append (s, "  call-frame information: .eh_frame\n");
  else
    g_string_append (s, "  call-frame information: none (unwind with frame pointers)\n");
  if (self->has_debug_info && !self->has_debug_line)
    g_string_append (s, "  line table: none (no .debug_line)\n");

  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Indexing                                                                                   */

/**
 * hs_symbol_file_index:
 * @progress: (nullable): called as indexing advances, in this thread, with the lock held
 *
 * Opens the DWARF and builds the name index, unless that is done already. Blocking (about a
 * second for a 273 MB vmlinux): call it from a worker thread. If cancelled, nothing is kept and
 * the next call starts over.
 *
 * Returns: %TRUE once the index exists
 */
gboolean
hs_symbol_file_index (HsSymbolFile           *self,
                      HsSymbolsProgressFunc   progress,
                      gpointer                progress_data,
                      GCancellable           *cancellable,
                      GError                **error)
{
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  hs_mutex_lock (&self->dwarf_lock);
  ok = _hs_dwarf_ensure (self, progress, progress_data, cancellable, error);
  hs_mutex_unlock (&self->dwarf_lock);
  return ok;
}

/* Carries progress from the worker to the caller's main context: only the latest value, and
 * at most one pending idle. Nothing is delivered once the operation has completed. */
typedef struct
{
  HsMutex lock;
  GMainContext *context;
  HsSymbolsProgressFunc func;
  gpointer data;
  double fraction;
  char *what;
  gboolean pending;
  gboolean done;                 /* main context only */
  GAsyncReadyCallback callback;
  gpointer user_data;
} ProgressRelay;

static void
progress_relay_free (ProgressRelay *relay)
{
  hs_mutex_clear (&relay->lock);
  g_main_context_unref (relay->context);
  g_free (relay->what);
}

static void
progress_relay_unref (ProgressRelay *relay)
{
  hs_rc_box_release_full (relay, (GDestroyNotify) progress_relay_free);
}

static gboolean
progress_relay_dispatch (gpointer user_data)
{
  ProgressRelay *relay = user_data;
  g_autofree char *what = NULL;
  double fraction;

  hs_mutex_lock (&relay->lock);
  relay->pending = FALSE;
  fraction = relay->fraction;
  what = g_strdup (relay->what);
  hs_mutex_unlock (&relay->lock);

  if (!relay->done)
    relay->func (fraction, what, relay->data);
  return G_SOURCE_REMOVE;
}

static void
progress_relay_report (double      fraction,
                       const char *what,
                       gpointer    user_data)
{
  ProgressRelay *relay = user_data;
  gboolean schedule;

  hs_mutex_lock (&relay->lock);
  relay->fraction = fraction;
  if (g_strcmp0 (relay->what, what) != 0)
    {
      g_free (relay->what);
      relay->what = g_strdup (what);
    }
  schedule = !relay->pending;
  relay->pending = TRUE;
  hs_mutex_unlock (&relay->lock);

  /* Posted, not g_main_context_invoke(): that would run it right here when this thread
   * happens to own the context. */
  if (schedule)
    hs_context_post (relay->context, progress_relay_dispatch, hs_rc_box_acquire (relay),
                     (GDestroyNotify) progress_relay_unref);
}

static void
index_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ProgressRelay *relay = task_data;
  GError *error = NULL;
  gboolean ok = hs_symbol_file_index (source_object, relay->func ? progress_relay_report : NULL,
                                      relay, cancellable, &error);

  if (ok)
    hs_task_return_boolean (task, TRUE);
  else
    hs_task_return_error (task, error);
}

/* The one indexing thread, at a lower priority: indexing is a second or more of both
 * cores' worth per vmlinux, and several at once would starve the target (QEMU on the same
 * host) and the views. Queries never wait for the queue, only for their own file. */
static HsWorkers *
index_workers (void)
{
  static gsize workers;

  if (g_once_init_enter (&workers))
    g_once_init_leave (&workers, (gsize) hs_workers_new ("hs-index", 1, 10));
  return (HsWorkers *) workers;
}

static void
index_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ProgressRelay *relay;

  relay = g_task_get_task_data (G_TASK (result));
  relay->done = TRUE;
  if (relay->callback != NULL)
    relay->callback (object, result, relay->user_data);
}

/**
 * hs_symbol_file_index_async:
 * @progress: (nullable): called in the thread-default main context of the caller, coalesced,
 *   and never after @callback
 *
 * hs_symbol_file_index() on a worker thread.
 */
void
hs_symbol_file_index_async (HsSymbolFile          *self,
                            HsSymbolsProgressFunc  progress,
                            gpointer               progress_data,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  ProgressRelay *relay;

  g_return_if_fail (HS_IS_SYMBOL_FILE (self));

  relay = hs_rc_box_new0 (ProgressRelay);
  hs_mutex_init (&relay->lock);
  relay->context = g_main_context_ref_thread_default ();
  relay->func = progress;
  relay->data = progress_data;
  relay->callback = callback;
  relay->user_data = user_data;

  task = g_task_new (self, cancellable, index_done, NULL);
  g_task_set_source_tag (task, hs_symbol_file_index_async);
  g_task_set_task_data (task, relay, (GDestroyNotify) progress_relay_unref);
  hs_task_run_in_workers (task, index_thread, index_workers ());
}

gboolean
hs_symbol_file_index_finish (HsSymbolFile  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------ */
/* ELF symbol table                                                                           */

/**
 * hs_symbol_file_lookup:
 * @out: (out caller-allocates) (optional): the symbol; its name belongs to @self
 *
 * The symbol called @name. Where several have that name (file-local statics), a function or
 * object beats a label and a global beats a local. Never blocks.
 */
gboolean
hs_symbol_file_lookup (HsSymbolFile *self,
                       const char   *name,
                       HsSymbol     *out)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return _hs_elf_symtab_lookup (self->symtab, name, out);
}

/**
 * hs_symbol_file_lookup_address:
 * @offset: (out) (optional): @address minus the symbol's address
 *
 * The symbol that covers @address: the nearest function, object or label at or below it whose
 * size reaches @address, or — for a symbol without a size — the nearest label, which reaches
 * up to the next symbol. An address in the padding after a sized symbol has none. Never
 * blocks.
 */
gboolean
hs_symbol_file_lookup_address (HsSymbolFile *self,
                               guint64       address,
                               HsSymbol     *out,
                               guint64      *offset)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);

  return _hs_elf_symtab_lookup_address (self->symtab, address, out, offset);
}

/**
 * hs_symbol_file_match:
 * @pattern: a TRACE32 pattern: `*` any string, `?` any character, matched against the whole
 *   name; without wildcards, a substring
 * @max: the most to return, 0 for all
 * @n_matches: (out) (optional): how many matched in all
 *
 * For sYmbol.List. Case-sensitive. Never blocks.
 *
 * Returns: (transfer full) (element-type HsSymbol): the matches, sorted by name
 */
GArray *
hs_symbol_file_match (HsSymbolFile *self,
                      const char   *pattern,
                      guint         max,
                      guint        *n_matches)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), NULL);
  g_return_val_if_fail (pattern != NULL, NULL);

  return _hs_elf_symtab_match (self->symtab, pattern, max, n_matches);
}

/* ------------------------------------------------------------------------------------------ */
/* DWARF queries: each takes the lock, indexes on first use, then asks hs-dwarf-*.c.           */

gboolean
_hs_symbol_file_dwarf_begin (HsSymbolFile  *self,
                             GError       **error)
{
  hs_mutex_lock (&self->dwarf_lock);
  if (!_hs_dwarf_ensure (self, NULL, NULL, NULL, error))
    {
      hs_mutex_unlock (&self->dwarf_lock);
      return FALSE;
    }
  return TRUE;
}

void
_hs_symbol_file_dwarf_end (HsSymbolFile *self)
{
  hs_mutex_unlock (&self->dwarf_lock);
}

/**
 * hs_symbol_file_get_type_size:
 * @type_name: "task_struct", "struct task_struct", "union thread_union", "pid_t"
 *
 * sizeof (@type_name), through typedefs, qualifiers and arrays. A bare name is looked up
 * as a typedef or base type first, then as a struct, union and enum tag. Blocking.
 */
gboolean
hs_symbol_file_get_type_size (HsSymbolFile  *self,
                              const char    *type_name,
                              guint64       *size,
                              GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (type_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  ok = _hs_dwarf_type_size (self, type_name, size, error);
  _hs_symbol_file_dwarf_end (self);
  return ok;
}

/**
 * hs_symbol_file_member:
 * @path: members separated by dots, each optionally indexed: "tasks.next",
 *   "thread.cpu_context", "comm[3]"
 * @offset: (out) (optional): from the start of @type_name
 * @size: (out) (optional): of the member
 *
 * offsetof and sizeof for a member path. Members of anonymous structs and unions are found as
 * C finds them; typedefs and qualifiers are looked through; a pointer is not followed (the
 * member would be in another object). Blocking. See hs_symbol_file_member_full() for
 * bit-fields and the member's type.
 */
gboolean
hs_symbol_file_member (HsSymbolFile  *self,
                       const char    *type_name,
                       const char    *path,
                       guint64       *offset,
                       guint64       *size,
                       GError       **error)
{
  g_auto(HsMember) member = { 0 };

  if (!hs_symbol_file_member_full (self, type_name, path, &member, error))
    return FALSE;
  if (offset != NULL)
    *offset = member.offset;
  if (size != NULL)
    *size = member.size;
  return TRUE;
}

/**
 * hs_symbol_file_member_full:
 * @out: (out caller-allocates): clear it with hs_member_clear()
 */
/* Bounds the memo: commands can ask for any number of different paths. */
#define MAX_MEMBER_MEMO 4096

static void
member_free (HsMember *member)
{
  hs_member_clear (member);
  g_free (member);
}

gboolean
hs_symbol_file_member_full (HsSymbolFile  *self,
                            const char    *type_name,
                            const char    *path,
                            HsMember      *out,
                            GError       **error)
{
  g_autofree char *key = NULL;
  const HsMember *known;
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (type_name != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  /* Awareness asks for the same members at every halt: each is looked up in the DWARF once. */
  key = g_strconcat (type_name, "\n", path, NULL);
  known = self->members != NULL ? g_hash_table_lookup (self->members, key) : NULL;
  if (known != NULL)
    {
      *out = *known;
      out->type_name = g_strdup (known->type_name);
      _hs_symbol_file_dwarf_end (self);
      return TRUE;
    }
  ok = _hs_dwarf_member (self, type_name, path, out, error);
  if (ok && (self->members == NULL || g_hash_table_size (self->members) < MAX_MEMBER_MEMO))
    {
      HsMember *copy = g_memdup2 (out, sizeof *out);

      copy->type_name = g_strdup (out->type_name);
      if (self->members == NULL)
        self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) member_free);
      g_hash_table_insert (self->members, g_steal_pointer (&key), copy);
    }
  _hs_symbol_file_dwarf_end (self);
  if (!ok)
    hs_member_clear (out);
  return ok;
}

/* Without usable DWARF, what the symbol table alone says. */
static gboolean
info_from_symtab (HsSymbolFile  *self,
                  const char    *name,
                  HsSymbolKind   kind,
                  HsSymbolInfo  *out,
                  GError       **error)
{
  HsSymbol sym;

  if (!_hs_elf_symtab_lookup (self->symtab, name, &sym) || sym.kind != kind)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no %s called '%s'", self->basename,
                   kind == HS_SYMBOL_FUNCTION ? "function" : "variable", name);
      return FALSE;
    }
  out->name = g_strdup (name);
  out->kind = kind;
  out->address = sym.address;
  out->size = sym.size;
  out->has_address = TRUE;
  return TRUE;
}

static gboolean
get_info (HsSymbolFile  *self,
          const char    *name,
          HsSymbolKind   kind,
          HsSymbolInfo  *out,
          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  memset (out, 0, sizeof *out);
  if (!self->has_debug_info)
    return info_from_symtab (self, name, kind, out, error);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  if (kind == HS_SYMBOL_FUNCTION)
    ok = _hs_dwarf_function (self, name, out, &local_error);
  else
    ok = _hs_dwarf_variable (self, name, out, &local_error);
  _hs_symbol_file_dwarf_end (self);

  /* A relocated file's DWARF keeps the unrelocated offset of what is in a section the target
   * gave no address (a module's .exit.text): that is no address. */
  if (ok && self->reloc != NULL && out->has_address
      && !_hs_elf_reloc_is_placed (self->reloc, out->address))
    {
      out->has_address = FALSE;
      out->address = 0;
    }

  if (!ok)
    {
      hs_symbol_info_clear (out);
      /* Assembly functions and linker symbols have no DWARF but are still real. */
      if (g_error_matches (local_error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND)
          && info_from_symtab (self, name, kind, out, NULL))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return ok;
}

/**
 * hs_symbol_file_get_variable:
 * @out: (out caller-allocates): clear it with hs_symbol_info_clear()
 *
 * For sYmbol.INFO: a global or file-static variable's address, type, size and declaration.
 * Falls back to the symbol table for variables without DWARF. Blocking.
 */
gboolean
hs_symbol_file_get_variable (HsSymbolFile  *self,
                             const char    *name,
                             HsSymbolInfo  *out,
                             GError       **error)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return get_info (self, name, HS_SYMBOL_OBJECT, out, error);
}

/**
 * hs_symbol_file_get_function:
 * @out: (out caller-allocates): clear it with hs_symbol_info_clear()
 *
 * A function's address, size (DW_AT_high_pc, else the symbol table), prototype and
 * declaration. Falls back to the symbol table for functions without DWARF. Blocking.
 */
gboolean
hs_symbol_file_get_function (HsSymbolFile  *self,
                             const char    *name,
                             HsSymbolInfo  *out,
                             GError       **error)
{
  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return get_info (self, name, HS_SYMBOL_FUNCTION, out, error);
}

/**
 * hs_symbol_file_address_to_line:
 * @file: (out) (transfer full) (optional): the source file, as the compiler named it
 * @line: (out) (optional)
 *
 * The source line for @address, from the line table of the compilation unit that covers it
 * (found through .debug_aranges, else the CUs' own address ranges). Blocking; the line tables
 * of recently used CUs are cached.
 *
 * @file is already joined with its include directory and the CU's DW_AT_comp_dir (libdwarf's
 * dwarf_srcfiles() does that), but not normalised: "/tmp/b/../src/x.c" for a CU built as
 * "../src/x.c" in /tmp/b. It is relative only when the comp_dir is: Debian's vmlinux names
 * "debian/build/build_arm64_none_cloud-arm64/kernel/sched/core.c" (while its assembly files
 * are absolute, "/build/reproducible-path/linux-6.1.NNN/arch/..."). Pass it to
 * hs_source_path_map_resolve() with no comp_dir to find the file here.
 */
gboolean
hs_symbol_file_address_to_line (HsSymbolFile  *self,
                                guint64        address,
                                char         **file,
                                guint         *line,
                                GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  ok = _hs_dwarf_address_to_line (self, address, file, line, error);
  _hs_symbol_file_dwarf_end (self);
  return ok;
}

/**
 * hs_symbol_file_get_scope:
 * @pc: a link-time address; for a caller frame, its return address - 1 (GCC ends the ranges
 *   of what a call may change at the return address - 1, as GDB looks them up)
 * @out: (out caller-allocates): clear it with hs_scope_clear()
 *
 * The function whose code holds @pc and the parameters and local variables visible there:
 * those of the function, of the lexical blocks that hold @pc, and of the inlined subroutines
 * that hold it (named in HsScopeVariable.inlined_in). Each variable's location is the
 * expression in effect at @pc, ready for hs_dwarf_expr_evaluate(). Blocking.
 */
gboolean
hs_symbol_file_get_scope (HsSymbolFile  *self,
                          guint64        pc,
                          HsScope       *out,
                          GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  ok = _hs_dwarf_scope (self, pc, out, error);
  _hs_symbol_file_dwarf_end (self);
  return ok;
}

/**
 * hs_symbol_file_line_to_address:
 * @file_suffix: the end of a source path, at a '/' boundary: "domctl.c", "common/domctl.c"
 * @actual_line: (out) (optional): @line, or the next line that has code when @line has none
 *
 * The lowest address of a statement for @file_suffix:@line, for breakpoints. CUs named after
 * the file are tried first, then every CU whose line table mentions it (a line in a header can
 * be in many CUs: the first that has code for it wins). Blocking, and slow-ish for a header
 * line in vmlinux (it may read many line tables).
 */
gboolean
hs_symbol_file_line_to_address (HsSymbolFile  *self,
                                const char    *file_suffix,
                                guint          line,
                                guint64       *address,
                                guint         *actual_line,
                                GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (file_suffix != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_hs_symbol_file_dwarf_begin (self, error))
    return FALSE;
  ok = _hs_dwarf_line_to_address (self, file_suffix, line, address, actual_line, error);
  _hs_symbol_file_dwarf_end (self);
  return ok;
}

/**
 * hs_symbol_file_get_frame_rule:
 * @out: (out caller-allocates)
 *
 * How to find the caller's frame at @pc: the CFA rule and the rules for x0..x30, from
 * .debug_frame or else .eh_frame. Files with neither (xen-syms) fail with
 * %HS_SYMBOLS_ERROR_NOT_FOUND: unwind with frame pointers. Does not need the DWARF index.
 * Blocking.
 */
gboolean
hs_symbol_file_get_frame_rule (HsSymbolFile  *self,
                               guint64        pc,
                               HsFrameRule   *out,
                               GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (HS_IS_SYMBOL_FILE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!self->has_debug_frame && !self->has_eh_frame)
    {
      g_set_error (error, HS_SYMBOLS_ERROR, HS_SYMBOLS_ERROR_NOT_FOUND,
                   "%s has no call-frame information (neither .debug_frame nor .eh_frame): "
                   "unwind with frame pointers", self->basename);
      return FALSE;
    }

  hs_mutex_lock (&self->dwarf_lock);
  ok = _hs_dwarf_frame_rule (self, pc, out, error);
  hs_mutex_unlock (&self->dwarf_lock);
  return ok;
}

#define AARCH64_NOP 0xd503201fu
#define MAX_ENTRY_NOPS 4

/* Reads @len bytes of the loaded image at link address @address. Lock held (libelf). */
static gboolean
read_image (HsSymbolFile *self,
            guint64       address,
            guint8       *buffer,
            gsize         len)
{
  Elf_Scn *scn = NULL;

  while ((scn = elf_nextscn (self->elf, scn)) != NULL)
    {
      GElf_Shdr shdr;
      Elf_Data *data;

      if (gelf_getshdr (scn, &shdr) == NULL || shdr.sh_type != SHT_PROGBITS
          || (shdr.sh_flags & SHF_ALLOC) == 0 || address < shdr.sh_addr
          || shdr.sh_size < len || address - shdr.sh_addr > shdr.sh_size - len)
        continue;
      data = elf_getdata (scn, NULL);
      if (data == NULL || data->d_buf == NULL || data->d_size != shdr.sh_size)
        return FALSE;
      memcpy (buffer, (const guint8 *) data->d_buf + (address - shdr.sh_addr), len);
      return TRUE;
    }
  return FALSE;
}

guint64
_hs_skip_entry_nops (HsSymbolFile *self,
                     guint64       pc)
{
  HsSymbol sym;
  guint64 offset = 0, at = pc;

  if (!_hs_elf_symtab_lookup_address (self->symtab, pc, &sym, &offset)
      || sym.kind != HS_SYMBOL_FUNCTION || offset >= MAX_ENTRY_NOPS * 4 || pc % 4 != 0)
    return pc;
  for (guint i = 0; i < MAX_ENTRY_NOPS && at < sym.address + sym.size; i++, at += 4)
    {
      guint32 insn;

      if (!read_image (self, at, (guint8 *) &insn, sizeof insn))
        return pc;
      if (GUINT32_FROM_LE (insn) != AARCH64_NOP)
        return at;
    }
  return pc;
}

void
hs_symbol_file_set_use_aranges (HsSymbolFile *self,
                                gboolean      use_aranges)
{
  hs_mutex_lock (&self->dwarf_lock);
  self->use_aranges = use_aranges;
  _hs_dwarf_lines_free (self);
  hs_mutex_unlock (&self->dwarf_lock);
}
