/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-symbol-scope.h: which symbol files each machine has, and every question
 * asked of them.
 *
 * A binding ties a symbol file to a machine and an address space at a load
 * offset. Bindings change on the main thread (Data.LOAD.Elf); the set of a
 * machine's bindings is handed out as an array of immutable, refcounted
 * HsSymbolBinding values, so lookups run on any thread (the engine's worker,
 * a view's render thread, a command's) with no lock held while they search.
 * The files themselves are immutable once indexed and lock their DWARF
 * access internally.
 */
#pragma once

#include <gio/gio.h>

#include "hs-source-path.h"
#include "hs-symbol-file.h"

G_BEGIN_DECLS

typedef struct
{
  HsSymbolFile *file;
  guint machine;
  guint64 space;                /* 0: the kernel (or Xen), else a process's tgid */
  guint64 offset;               /* added to the file's addresses */
  char *module;                 /* a kernel module's name: the file is one of the kernel's
                                 * modules, placed where the guest loaded it; NULL for the
                                 * kernel itself and for programs */
  gboolean auto_offset;         /* @offset is the KASLR slide the engine found */
  gboolean user_offset;         /* @offset is the user's (a load offset, sYmbol.RELOCate):
                                 * detection leaves it alone */
} HsSymbolBinding;

typedef enum
{
  HS_OFFSET_DETECTED,           /* the engine found it (KASLR): unless the user set one */
  HS_OFFSET_USER,               /* the user set it: it stays until the user changes it */
  HS_OFFSET_RESET,              /* the user handed it back to detection */
} HsOffsetSource;

#define HS_TYPE_SYMBOL_BINDING (hs_symbol_binding_get_type ())
GType            hs_symbol_binding_get_type (void) G_GNUC_CONST;
HsSymbolBinding *hs_symbol_binding_ref      (HsSymbolBinding *binding);
void             hs_symbol_binding_unref    (HsSymbolBinding *binding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HsSymbolBinding, hs_symbol_binding_unref)

#define HS_TYPE_SYMBOL_SCOPE (hs_symbol_scope_get_type ())
G_DECLARE_FINAL_TYPE (HsSymbolScope, hs_symbol_scope, HS, SYMBOL_SCOPE, GObject)

HsSymbolScope   *hs_symbol_scope_new            (void);

/* Main thread: binds (or rebinds) @file to @machine and @space. */
void             hs_symbol_scope_bind           (HsSymbolScope  *self,
                                                 HsSymbolFile   *file,
                                                 guint           machine,
                                                 guint64         space,
                                                 guint64         offset);
/* Binds a kernel module's debug file, relocated to where the guest placed it, beside @machine's
 * kernel (space 0, offset 0), replacing the module's previous file. */
void             hs_symbol_scope_bind_module    (HsSymbolScope  *self,
                                                 HsSymbolFile   *file,
                                                 guint           machine,
                                                 const char     *module);
/* Drops @machine's binding of module @module; FALSE when there was none. */
gboolean         hs_symbol_scope_unbind_module  (HsSymbolScope  *self,
                                                 guint           machine,
                                                 const char     *module);
/* Any thread: sets the offset of @machine's kernel binding (the KASLR slide) in place, if its
 * kernel is @file (NULL: whichever it is). A detected offset never replaces the user's. FALSE
 * when nothing changed. */
gboolean         hs_symbol_scope_set_kernel_offset (HsSymbolScope  *self,
                                                    guint           machine,
                                                    HsSymbolFile   *file,
                                                    guint64         offset,
                                                    HsOffsetSource  source);
/* Main thread: loads @path (once, whoever asks: two guests share one vmlinux) in a thread and
 * starts indexing its DWARF in the background; completes once the symbol table is read. */
void             hs_symbol_scope_load_async     (HsSymbolScope       *self,
                                                 const char          *path,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
HsSymbolFile    *hs_symbol_scope_load_finish    (HsSymbolScope       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Main thread: completes when @file's DWARF is indexed (at once if it is, or has none). */
void             hs_symbol_scope_wait_indexed_async  (HsSymbolScope       *self,
                                                      HsSymbolFile        *file,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean         hs_symbol_scope_wait_indexed_finish (HsSymbolScope       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Any thread. */
GPtrArray       *hs_symbol_scope_get_bindings   (HsSymbolScope  *self,
                                                 guint           machine);
/* Whether @binding is a kernel's own (space 0, not a module). */
gboolean         hs_symbol_binding_is_kernel    (const HsSymbolBinding *binding);
/* The file bound to @machine's kernel space (space 0, not a module), or NULL; a new reference. */
HsSymbolFile    *hs_symbol_scope_get_kernel     (HsSymbolScope  *self,
                                                 guint           machine,
                                                 guint64        *offset);
gboolean         hs_symbol_scope_has_symbols    (HsSymbolScope  *self,
                                                 guint           machine);
gboolean         hs_symbol_scope_lookup_symbol  (HsSymbolScope  *self,
                                                 guint           machine,
                                                 guint64         space,
                                                 const char     *name,
                                                 guint64        *address,
                                                 GError        **error);
char            *hs_symbol_scope_symbolize      (HsSymbolScope  *self,
                                                 guint           machine,
                                                 guint64         space,
                                                 guint64         address);
/* Blocking (DWARF): lines of addresses, functions' declarations, and back. */
gboolean         hs_symbol_scope_lookup_line    (HsSymbolScope  *self,
                                                 guint           machine,
                                                 guint64         space,
                                                 guint64         address,
                                                 char          **file,
                                                 guint          *line);
gboolean         hs_symbol_scope_lookup_function_line (HsSymbolScope  *self,
                                                       guint           machine,
                                                       guint64         space,
                                                       const char     *name,
                                                       char          **file,
                                                       guint          *line);
gboolean         hs_symbol_scope_line_to_address (HsSymbolScope  *self,
                                                  guint           machine,
                                                  const char     *file,
                                                  guint           line,
                                                  guint64        *address,
                                                  guint          *actual_line,
                                                  GError        **error);
/* The same in a worker, for the main thread: the source object is the scope. */
void             hs_symbol_scope_lookup_line_async      (HsSymbolScope       *self,
                                                         guint                machine,
                                                         guint64              space,
                                                         guint64              address,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         hs_symbol_scope_lookup_line_finish     (HsSymbolScope       *self,
                                                         GAsyncResult        *result,
                                                         char               **file,
                                                         guint               *line,
                                                         GError             **error);
void             hs_symbol_scope_line_to_address_async  (HsSymbolScope       *self,
                                                         guint                machine,
                                                         const char          *file,
                                                         guint                line,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         hs_symbol_scope_line_to_address_finish (HsSymbolScope       *self,
                                                         GAsyncResult        *result,
                                                         guint64             *address,
                                                         guint               *actual_line,
                                                         GError             **error);
GStrv            hs_symbol_scope_complete_function (HsSymbolScope  *self,
                                                    guint           machine,
                                                    const char     *prefix,
                                                    guint           max);
HsSourcePathMap *hs_symbol_scope_get_source_paths (HsSymbolScope *self);

G_END_DECLS
